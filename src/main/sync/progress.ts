import type { SyncProgress } from '../../shared/domain'

export type SyncPhase = SyncProgress['phase']

/** How far back the rate looks: long enough to smooth page bursts, short enough to follow a slowdown. */
const RATE_WINDOW_MS = 10_000

/**
 * Turns a stream of "n of total done" updates into progress events at most every
 * `minIntervalMs` (a phase change and a phase's last update always go out), with a rate over
 * the recent window and an estimate of the time left.
 */
export class ProgressReporter {
  private phase: SyncPhase | null = null
  private lastEmit = -Infinity
  private samples: Array<{ at: number; done: number }> = []

  constructor(
    private readonly base: { projectId: string; runId: number },
    private readonly emit: (event: SyncProgress) => void,
    private readonly clock: () => number = Date.now,
    private readonly minIntervalMs = 100
  ) {}

  update(phase: SyncPhase, done: number, total: number | null, force = false): void {
    const at = this.clock()
    if (phase !== this.phase) {
      this.phase = phase
      this.samples = []
      force = true
    }
    this.samples.push({ at, done })
    while (this.samples.length > 2 && at - this.samples[0]!.at > RATE_WINDOW_MS) this.samples.shift()
    if (!force && at - this.lastEmit < this.minIntervalMs) return
    this.lastEmit = at
    const clamped = total === null ? done : Math.min(done, total)
    const ratePerSec = this.rate()
    const etaSeconds =
      total !== null && ratePerSec !== null && ratePerSec > 0
        ? Math.max(0, Math.round((total - clamped) / ratePerSec))
        : null
    this.emit({ ...this.base, phase, done: clamped, total, ratePerSec, etaSeconds })
  }

  private rate(): number | null {
    const first = this.samples[0]
    const last = this.samples[this.samples.length - 1]
    if (!first || !last || last.at - first.at < 250) return null
    return Math.round(((last.done - first.done) / (last.at - first.at)) * 1000 * 10) / 10
  }
}
