import type { Random } from './backoff'
import type { Clock } from './clock'

/**
 * One pause shared by every request of a client. HQ rate-limits per project, so when any
 * request hears 429 every fetcher must hold off until Retry-After has passed, not just the one
 * that was told.
 */
export class PauseGate {
  private until = 0

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    /** Extra random spread per waiter so paused fetchers do not all resume in one burst. */
    private readonly wakeSpreadMs = 250
  ) {}

  get pausedUntil(): number {
    return this.until
  }

  /** Extends the pause to `until` (never shortens it). Returns whether it was extended. */
  pause(until: number): boolean {
    if (until <= this.until) return false
    this.until = until
    return true
  }

  async wait(signal?: AbortSignal): Promise<void> {
    let waited = false
    for (;;) {
      const remaining = this.until - this.clock.now()
      if (remaining <= 0) break
      waited = true
      await this.clock.sleep(remaining, signal)
    }
    if (waited && this.wakeSpreadMs > 0) {
      await this.clock.sleep(Math.floor(this.random() * this.wakeSpreadMs), signal)
    }
  }
}
