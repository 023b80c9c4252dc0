import { describe, expect, it } from 'vitest'
import { HqError } from './errors'
import { PauseGate } from './gate'
import { DEFAULT_RETRY, withRetry, type RetryDeps } from './retry'
import { VirtualClock } from './testing'

function deps(overrides: Partial<RetryDeps['policy']> = {}) {
  const clock = new VirtualClock()
  const waits: { until: number; reason: string }[] = []
  const d: RetryDeps = {
    policy: { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000, ...overrides },
    clock,
    random: () => 0.5,
    gate: new PauseGate(clock, () => 0, 0),
    onWait: (info) => waits.push(info)
  }
  return { d, clock, waits }
}

function failing(errors: HqError[], value = 'ok') {
  let calls = 0
  const attempt = async () => {
    const error = errors[calls]
    calls += 1
    if (error) throw error
    return value
  }
  return { attempt, calls: () => calls }
}

describe('withRetry', () => {
  it('retries 5xx with growing, jittered back-off and then succeeds', async () => {
    const { d, clock, waits } = deps()
    const { attempt, calls } = failing([new HqError('server', '500'), new HqError('server', '502')])
    await expect(withRetry(attempt, d)).resolves.toBe('ok')
    expect(calls()).toBe(3)
    expect(clock.sleeps).toEqual([50, 100])
    expect(waits.map((w) => w.reason)).toEqual(['retry', 'retry'])
  })

  it('gives up after maxAttempts and passes on the last error', async () => {
    const { d } = deps({ maxAttempts: 3 })
    const errors = [1, 2, 3, 4].map((n) => new HqError('network', `reset ${n}`, { code: 'ECONNRESET' }))
    const { attempt, calls } = failing(errors)
    await expect(withRetry(attempt, d)).rejects.toThrow('reset 3')
    expect(calls()).toBe(3)
  })

  it('never retries a 4xx other than 429', async () => {
    for (const kind of ['auth', 'permission', 'bad-request', 'unknown-project'] as const) {
      const { d } = deps()
      const { attempt, calls } = failing([new HqError(kind, kind)])
      await expect(withRetry(attempt, d)).rejects.toMatchObject({ kind })
      expect(calls()).toBe(1)
    }
  })

  it('waits out the whole Retry-After on the shared gate, however long, and tells the UI', async () => {
    const { d, clock, waits } = deps()
    const start = clock.now()
    const { attempt } = failing([new HqError('rate-limited', '429', { retryAfterMs: 600_000 })])
    await expect(withRetry(attempt, d)).resolves.toBe('ok')
    expect(clock.now() - start).toBeGreaterThanOrEqual(600_000)
    expect(waits).toEqual([{ until: start + 600_000 + Math.floor(0.5 * 3000), reason: 'rate-limited' }])
    expect(d.gate.pausedUntil).toBe(waits[0]!.until)
  })

  it('backs off on its own from about 10 s, doubling, when a 429 names no Retry-After', async () => {
    const { d, clock, waits } = deps()
    const start = clock.now()
    const errors = [1, 2, 3].map(() => new HqError('rate-limited', '429', { status: 429 }))
    const { attempt } = failing(errors)
    await expect(withRetry(attempt, d)).resolves.toBe('ok')
    // The gate draws 0: half of each step (10 s, 20 s, 40 s), one after the other.
    expect(waits.map((w) => w.until - start)).toEqual([5_000, 5_000 + 10_000, 5_000 + 10_000 + 20_000])
    expect(waits.every((w) => w.reason === 'rate-limited')).toBe(true)
    expect(clock.now() - start).toBe(35_000)
  })

  it('never pauses longer than rateLimitMaxMs for its own back-off', async () => {
    const { d, waits } = deps({ rateLimitBaseMs: 10_000, rateLimitMaxMs: 20_000 })
    const errors = [1, 2, 3, 4, 5].map(() => new HqError('rate-limited', '429', { status: 429 }))
    await withRetry(failing(errors).attempt, d)
    const steps = waits.slice(1).map((w, i) => w.until - waits[i]!.until)
    expect(steps).toEqual([10_000, 10_000, 10_000, 10_000])
  })

  it('does not count 429s against the failure budget', async () => {
    const { d } = deps({ maxAttempts: 2 })
    const errors = [1, 2, 3, 4, 5].map(() => new HqError('rate-limited', '429', { retryAfterMs: 1000 }))
    const { attempt, calls } = failing(errors)
    await expect(withRetry(attempt, d)).resolves.toBe('ok')
    expect(calls()).toBe(6)
  })

  it('fails with rate-limited when HQ asks for a wait beyond the limit we accept', async () => {
    const { d } = deps({ maxRetryAfterMs: 10_000 })
    const { attempt, calls } = failing([new HqError('rate-limited', '429', { retryAfterMs: 86_400_000 })])
    await expect(withRetry(attempt, d)).rejects.toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 86_400_000
    })
    expect(calls()).toBe(1)
  })

  it('does not come back sooner than a 503 Retry-After', async () => {
    const { d, clock } = deps()
    const { attempt } = failing([new HqError('server', '503', { status: 503, retryAfterMs: 5000 })])
    await withRetry(attempt, d)
    expect(clock.sleeps).toEqual([5000])
  })

  it('retries a body that was not valid JSON but not one that did not fit the schema', async () => {
    const { d } = deps()
    const cut = failing([new HqError('bad-response', 'cut', { code: 'INVALID_JSON' })])
    await expect(withRetry(cut.attempt, d)).resolves.toBe('ok')
    const wrong = failing([new HqError('bad-response', 'wrong', { code: 'SCHEMA' })])
    await expect(withRetry(wrong.attempt, d)).rejects.toThrow('wrong')
    expect(wrong.calls()).toBe(1)
  })

  it('stops waiting when cancelled', async () => {
    const { d } = deps()
    const controller = new AbortController()
    controller.abort()
    const { attempt, calls } = failing([new HqError('server', '500')])
    await expect(withRetry(attempt, d, controller.signal)).rejects.toMatchObject({ kind: 'cancelled' })
    expect(calls()).toBe(0)
  })

  it('reports rate limits and failures to the hooks (which drive AIMD)', async () => {
    const { d } = deps()
    const seen: string[] = []
    const { attempt } = failing([
      new HqError('rate-limited', '429', { retryAfterMs: 10 }),
      new HqError('server', '500')
    ])
    await withRetry(attempt, d, undefined, {
      onRateLimited: () => seen.push('429'),
      onFailure: () => seen.push('fail')
    })
    expect(seen).toEqual(['429', 'fail'])
  })
})

describe('PauseGate', () => {
  it('holds every waiter until the pause ends and never shortens a pause', async () => {
    const clock = new VirtualClock()
    const gate = new PauseGate(clock, () => 0.5, 200)
    const start = clock.now()
    expect(gate.pause(start + 5000)).toBe(true)
    expect(gate.pause(start + 1000)).toBe(false)
    await gate.wait()
    expect(clock.now()).toBe(start + 5000 + 100)
    const before = clock.now()
    await gate.wait()
    expect(clock.now()).toBe(before)
  })
})

describe('PauseGate back-off without Retry-After', () => {
  const opts = { baseDelayMs: 10_000, maxDelayMs: 120_000 }

  it('pauses every request of the client, and a 429 from the same burst changes nothing', async () => {
    const clock = new VirtualClock()
    const gate = new PauseGate(clock, () => 1 - 1e-9, 0)
    const start = clock.now()
    const until = gate.backOff(opts)
    expect(until).toBe(start + 9_999)
    // Another page answered 429 while the pause holds: it was sent before the pause began.
    expect(gate.backOff(opts)).toBeNull()
    await Promise.all([gate.wait(), gate.wait()])
    expect(clock.now()).toBe(until)
  })

  it('doubles for each 429 in a row up to the cap, and starts over once HQ lets a request through', () => {
    const clock = new VirtualClock()
    const gate = new PauseGate(clock, () => 0, 0)
    const steps: number[] = []
    for (let i = 0; i < 6; i++) {
      const now = clock.now()
      const until = gate.backOff(opts)!
      steps.push(until - now)
      clock.time = until
    }
    expect(steps).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000])
    gate.settle()
    const now = clock.now()
    expect(gate.backOff(opts)! - now).toBe(5_000)
  })
})
