import { rateLimitBackoff, type BackoffOptions, type Random } from './backoff'
import type { Clock } from './clock'

/**
 * One pause shared by every request of a client. HQ rate-limits per project, so when any
 * request hears 429 every fetcher must hold off until Retry-After has passed (or, when HQ named
 * no wait, Roster's own back-off), not just the one that was told.
 */
export class PauseGate {
  private until = 0
  /** 429s without Retry-After since HQ last answered anything else, counted once per pause. */
  private streak = 0

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

  /**
   * A 429 without Retry-After: pauses every request for Roster's own back-off, twice as long for
   * each such 429 in a row. A 429 that arrives while a pause already holds belongs to the same
   * burst (concurrent pages sent before it began) and changes nothing. Returns the new end of the
   * pause, or null when none was added.
   */
  backOff(opts: BackoffOptions): number | null {
    const now = this.clock.now()
    if (now < this.until) return null
    this.streak += 1
    this.until = now + rateLimitBackoff(this.streak, opts, this.random)
    return this.until
  }

  /** HQ answered something other than 429: the next back-off starts from the first step again. */
  settle(): void {
    this.streak = 0
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
