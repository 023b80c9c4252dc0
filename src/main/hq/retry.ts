import { backoffDelay, rateLimitDelay, type Random } from './backoff'
import { cancelledError, type Clock } from './clock'
import { isHqError, isRetryable, type HqError } from './errors'
import type { PauseGate } from './gate'

export interface RetryPolicy {
  /** Attempts in all for failures (5xx, resets, timeouts, cut-off bodies); 1 = no retry. */
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
  /** How many 429s one request may wait out. Waiting is not failing, so this is separate. */
  maxRateLimitWaits: number
  /**
   * A Retry-After longer than this is not waited out silently: the request fails with
   * 'rate-limited' and retryAfterMs, so the coordinator sees how long HQ asked for.
   */
  maxRetryAfterMs: number
  /** The first pause after a 429 without Retry-After (HQ usually sends none); doubles per 429 in a row. */
  rateLimitBaseMs: number
  /** The longest such pause. */
  rateLimitMaxMs: number
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRateLimitWaits: 50,
  maxRetryAfterMs: 24 * 60 * 60_000,
  rateLimitBaseMs: 10_000,
  rateLimitMaxMs: 120_000
}

export type WaitReason = 'rate-limited' | 'retry'
export type OnWait = (info: { until: number; reason: WaitReason }) => void

export interface RetryDeps {
  policy: RetryPolicy
  clock: Clock
  random: Random
  gate: PauseGate
  onWait?: OnWait
}

export interface RetryHooks {
  onRateLimited?: () => void
  onFailure?: () => void
}

/**
 * Runs `attempt` until it succeeds or fails for good. 429: pause every fetcher of the client
 * for the whole Retry-After plus jitter, or without one for Roster's own growing back-off. 5xx, resets, timeouts, cut-off bodies: capped
 * exponential back-off with full jitter. Anything else (4xx, schema mismatch) fails at once.
 * Only for requests that are safe to repeat; register() never comes through here.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  deps: RetryDeps,
  signal?: AbortSignal,
  hooks: RetryHooks = {}
): Promise<T> {
  const { policy, clock, random, gate } = deps
  let failures = 0
  let rateLimits = 0
  for (;;) {
    if (signal?.aborted) throw cancelledError()
    await gate.wait(signal)
    try {
      return await attempt()
    } catch (error) {
      if (!isHqError(error) || error.kind === 'cancelled') throw error
      if (error.kind === 'rate-limited') {
        rateLimits += 1
        hooks.onRateLimited?.()
        noteRateLimit(error, deps)
        if (rateLimits > policy.maxRateLimitWaits) throw error
        if ((error.retryAfterMs ?? 0) > policy.maxRetryAfterMs) throw error
        continue
      }
      if (!isRetryable(error)) throw error
      failures += 1
      hooks.onFailure?.()
      if (failures >= policy.maxAttempts) throw error
      const backoff = backoffDelay(failures, policy, random)
      // A 503 may carry Retry-After too: never come back sooner than HQ asked.
      const delay = Math.min(Math.max(backoff, error.retryAfterMs ?? 0), policy.maxRetryAfterMs)
      deps.onWait?.({ until: clock.now() + delay, reason: 'retry' })
      await clock.sleep(delay, signal)
    }
  }
}

/**
 * Records a 429 on the shared gate (used by register() too, which does not retry but must
 * still make the other fetchers hold off): HQ's Retry-After when it named one, else Roster's own
 * exponential back-off with jitter, shared by every request of the client.
 */
export function noteRateLimit(error: HqError, deps: RetryDeps): void {
  const { policy, clock, gate } = deps
  if (error.retryAfterMs === undefined) {
    const until = gate.backOff({ baseDelayMs: policy.rateLimitBaseMs, maxDelayMs: policy.rateLimitMaxMs })
    if (until !== null) deps.onWait?.({ until, reason: 'rate-limited' })
    return
  }
  if (error.retryAfterMs > policy.maxRetryAfterMs) return
  const until = clock.now() + rateLimitDelay(error.retryAfterMs, deps.random)
  if (gate.pause(until)) deps.onWait?.({ until, reason: 'rate-limited' })
}
