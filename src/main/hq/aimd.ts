export interface AimdOptions {
  initial: number
  max: number
  min: number
  /** Consecutive successes needed before one more concurrent request is allowed. */
  successRun: number
}

export const DEFAULT_AIMD: AimdOptions = { initial: 2, max: 6, min: 1, successRun: 4 }

/**
 * Additive-increase / multiplicative-decrease concurrency limit for paging: grow by one after a
 * run of successes, halve at once when HQ says "too many requests". A pure state machine; the
 * pool asks it how many requests may be in flight.
 */
export class AimdController {
  private current: number
  private streak = 0
  private readonly opts: AimdOptions

  constructor(opts: Partial<AimdOptions> = {}) {
    const merged = { ...DEFAULT_AIMD, ...opts }
    merged.min = Math.max(1, Math.floor(merged.min))
    merged.max = Math.max(merged.min, Math.floor(merged.max))
    merged.successRun = Math.max(1, Math.floor(merged.successRun))
    this.opts = merged
    this.current = Math.min(merged.max, Math.max(merged.min, Math.floor(merged.initial)))
  }

  get limit(): number {
    return this.current
  }

  onSuccess(): void {
    this.streak += 1
    if (this.streak >= this.opts.successRun) {
      this.streak = 0
      this.current = Math.min(this.opts.max, this.current + 1)
    }
  }

  onRateLimited(): void {
    this.streak = 0
    this.current = Math.max(this.opts.min, Math.floor(this.current / 2))
  }

  /** A failure that was not a rate limit (a 5xx, a reset): stop growing, but do not shrink. */
  onFailure(): void {
    this.streak = 0
  }
}
