/**
 * The plumbing every fake RosterApi shares: calls checked against the contract and answered from a
 * handler table, events, a record of the calls, and failures on demand. The fakes supply the
 * handlers and the state behind them.
 */
import {
  ApiError,
  apiContract,
  type ApiEvent,
  type ApiEventName,
  type ApiInput,
  type ApiMethod,
  type ApiOutput,
  type RosterApi
} from '../../../shared/api'

/** The methods a fake answers; a call to any other fails. */
export type FakeHandlers = { [M in ApiMethod]?: (input: ApiInput<M>) => ApiOutput<M> }

export interface FakeCore extends RosterApi {
  calls: { method: ApiMethod; input: unknown }[]
  callsOf<M extends ApiMethod>(method: M): ApiInput<M>[]
  emit<E extends ApiEventName>(event: E, payload: ApiEvent<E>): void
  /** Makes the next call to `method` fail with this error. */
  failNext(method: ApiMethod, error: ApiError): void
}

export interface FakeCoreOptions {
  /**
   * Run the handler in the same tick as the call, so the fake's state has changed by the time
   * `call` returns its promise. By default the handler runs a microtask later, as over a transport.
   */
  answerAtOnce?: boolean
  /** Hand out JSON copies, as a transport would, so a screen cannot reach into the fake's state. */
  copyAnswers?: boolean
}

export function createFakeCore(handlers: FakeHandlers, options: FakeCoreOptions = {}): FakeCore {
  const listeners = new Map<ApiEventName, Set<(payload: never) => void>>()
  const calls: { method: ApiMethod; input: unknown }[] = []
  const failures = new Map<ApiMethod, ApiError>()

  return {
    calls,
    callsOf<M extends ApiMethod>(method: M) {
      return calls.filter((c) => c.method === method).map((c) => c.input as ApiInput<M>)
    },
    emit<E extends ApiEventName>(event: E, payload: ApiEvent<E>) {
      for (const listener of listeners.get(event) ?? []) (listener as (p: ApiEvent<E>) => void)(payload)
    },
    failNext(method, error) {
      failures.set(method, error)
    },
    async call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> {
      calls.push({ method, input })
      // Same check the core's transport makes, so the renderer cannot send what the core would refuse.
      const parsed = apiContract[method].input.safeParse(input)
      if (!parsed.success) throw new ApiError('invalid-input', `${method}: ${parsed.error.message}`)
      if (!options.answerAtOnce) await Promise.resolve()
      const failure = failures.get(method)
      if (failure) {
        failures.delete(method)
        throw failure
      }
      const handler = handlers[method] as ((i: ApiInput<M>) => ApiOutput<M>) | undefined
      if (!handler) throw new ApiError('not-implemented', `The fake API has no ${method}.`)
      const result = handler(parsed.data as ApiInput<M>)
      const answer: unknown = options.copyAnswers ? JSON.parse(JSON.stringify(result)) : result
      return apiContract[method].output.parse(answer) as ApiOutput<M>
    },
    on<E extends ApiEventName>(event: E, listener: (payload: ApiEvent<E>) => void) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener as (payload: never) => void)
      return () => {
        set.delete(listener as (payload: never) => void)
      }
    }
  }
}
