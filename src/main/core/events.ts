import type { ApiEvent, ApiEventName } from '../../shared/api'

type Listener = (event: ApiEventName, payload: unknown) => void

/** Fan-out of core events to every connected window or loopback client. */
export class EventHub {
  private readonly listeners = new Set<Listener>()

  emit<E extends ApiEventName>(event: E, payload: ApiEvent<E>): void {
    for (const listener of this.listeners) listener(event, payload)
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
