import type { Connectivity, SyncProgress } from '../../shared/domain'
import type { EventHub } from './events'

/** Remembers the latest network state per project and the progress of running syncs. */
export class StatusBoard {
  private readonly connectivity = new Map<string, Connectivity>()
  private readonly syncs = new Map<string, SyncProgress>()
  private readonly unsubscribe: () => void

  constructor(events: EventHub) {
    this.unsubscribe = events.subscribe((event, payload) => {
      if (event === 'connectivity') {
        const state = payload as Connectivity
        this.connectivity.set(state.projectId ?? '*', state)
      } else if (event === 'sync.progress') {
        const progress = payload as SyncProgress
        this.syncs.set(progress.projectId, progress)
      } else if (event === 'sync.finished') {
        this.syncs.delete((payload as { projectId: string }).projectId)
      }
    })
  }

  snapshot(): { connectivity: Connectivity[]; syncs: SyncProgress[] } {
    const now = Date.now()
    // A wait that has passed is no longer news.
    const connectivity = [...this.connectivity.values()].filter(
      (c) => c.state !== 'waiting' || (c.until ?? 0) > now
    )
    return { connectivity, syncs: [...this.syncs.values()] }
  }

  close(): void {
    this.unsubscribe()
  }
}
