export interface BackoffOptions {
  baseDelayMs: number
  maxDelayMs: number
}

export type Random = () => number

/**
 * "Full jitter" back-off: a uniformly random wait between 0 and the capped exponential step, so
 * several fetchers that failed together do not come back together.
 * `failures` counts failed attempts so far (1 after the first failure).
 */
export function backoffDelay(failures: number, opts: BackoffOptions, random: Random): number {
  const exponent = Math.max(0, failures - 1)
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.min(exponent, 30))
  return Math.floor(clamp01(random()) * Math.max(0, ceiling))
}

/**
 * Roster's own pause after a 429 that named no Retry-After (today's HQ sends none): the capped
 * exponential step for the `streak`-th 429 in a row, with "equal jitter" (between half and all of
 * the step), so the project's fetchers spread out but never come back almost at once.
 */
export function rateLimitBackoff(streak: number, opts: BackoffOptions, random: Random): number {
  const exponent = Math.max(0, streak - 1)
  const ceiling = Math.max(0, Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.min(exponent, 30)))
  return Math.floor(ceiling / 2 + (clamp01(random()) * ceiling) / 2)
}

/**
 * Retry-After in milliseconds, from either form HTTP allows: delta-seconds ("120") or an
 * HTTP date. Undefined when absent or unreadable (the caller then falls back to back-off).
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value
  if (raw === undefined) return undefined
  const text = raw.trim()
  if (text === '') return undefined
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  // An HTTP date always names a weekday and month; Date.parse would read "-5" as a year.
  if (!/[a-z]{3}/i.test(text)) return undefined
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - nowMs)
}

/**
 * How long to pause after a 429: all of what HQ asked for (never shortened, however long) plus a
 * little random extra, so the paused fetchers do not all return in the same millisecond.
 */
export function rateLimitDelay(retryAfterMs: number, random: Random): number {
  const spread = Math.min(3000, Math.max(100, retryAfterMs * 0.2))
  return retryAfterMs + Math.floor(clamp01(random()) * spread)
}

function clamp01(n: number): number {
  if (!Number.isFinite(n) || n < 0) return 0
  return n >= 1 ? 0.999999 : n
}
