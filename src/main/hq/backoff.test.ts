import { describe, expect, it } from 'vitest'
import { backoffDelay, parseRetryAfter, rateLimitBackoff, rateLimitDelay } from './backoff'

const opts = { baseDelayMs: 100, maxDelayMs: 1000 }

describe('backoffDelay', () => {
  it('grows exponentially with the number of failures up to the cap', () => {
    const top = () => 0.999999
    expect(backoffDelay(1, opts, top)).toBe(99)
    expect(backoffDelay(2, opts, top)).toBe(199)
    expect(backoffDelay(3, opts, top)).toBe(399)
    expect(backoffDelay(5, opts, top)).toBe(999)
    expect(backoffDelay(50, opts, top)).toBe(999)
  })

  it('draws the whole range from zero (full jitter)', () => {
    expect(backoffDelay(4, opts, () => 0)).toBe(0)
    expect(backoffDelay(4, opts, () => 0.5)).toBe(400)
  })

  it('survives a random source that misbehaves', () => {
    expect(backoffDelay(2, opts, () => 1)).toBeLessThan(200)
    expect(backoffDelay(2, opts, () => Number.NaN)).toBe(0)
    expect(backoffDelay(2, opts, () => -3)).toBe(0)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z')

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
    expect(parseRetryAfter('1.5', now)).toBe(1500)
    expect(parseRetryAfter(['3', '4'], now)).toBe(3000)
  })

  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:01:00 GMT', now)).toBe(60_000)
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0)
  })

  it('returns undefined for a missing or unreadable header', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-5', now)).toBeUndefined()
  })
})

describe('rateLimitDelay', () => {
  it('never waits less than HQ asked for, however long', () => {
    expect(rateLimitDelay(1000, () => 0)).toBe(1000)
    expect(rateLimitDelay(3_600_000, () => 0)).toBe(3_600_000)
  })

  it('adds a bounded random extra so paused fetchers do not return together', () => {
    expect(rateLimitDelay(1000, () => 0.5)).toBe(1100)
    expect(rateLimitDelay(0, () => 0.999)).toBeLessThan(100)
    expect(rateLimitDelay(3_600_000, () => 0.999)).toBeLessThan(3_603_000)
  })
})

describe('rateLimitBackoff', () => {
  const own = { baseDelayMs: 10_000, maxDelayMs: 120_000 }

  it('starts around 10 s and doubles per 429 in a row, capped at 2 min', () => {
    const top = () => 0.999999
    expect(rateLimitBackoff(1, own, top)).toBe(9_999)
    expect(rateLimitBackoff(2, own, top)).toBe(19_999)
    expect(rateLimitBackoff(4, own, top)).toBe(79_999)
    expect(rateLimitBackoff(5, own, top)).toBe(119_999)
    expect(rateLimitBackoff(40, own, top)).toBe(119_999)
  })

  it('never waits less than half the step, so a throttled project really slows down', () => {
    expect(rateLimitBackoff(1, own, () => 0)).toBe(5_000)
    expect(rateLimitBackoff(3, own, () => 0)).toBe(20_000)
    expect(rateLimitBackoff(3, own, () => Number.NaN)).toBe(20_000)
  })
})
