import { describe, expect, it } from 'vitest'
import { HqError } from '../hq/errors'
import { classifyFailure, lenientDigits } from './classify'

const err = (
  kind: ConstructorParameters<typeof HqError>[0],
  details: ConstructorParameters<typeof HqError>[2] = {}
) => new HqError(kind, 'x', details)

describe('what to do when the registration POST fails', () => {
  it('retries only what HQ certainly did not act on', () => {
    expect(
      classifyFailure(err('rate-limited', { status: 429, retryAfterMs: 7000, maybeDelivered: false }))
    ).toEqual({
      action: 'retry',
      waitMs: 7000
    })
    expect(
      classifyFailure(err('server', { status: 503, retryAfterMs: 60_000, maybeDelivered: true }))
    ).toEqual({
      action: 'retry',
      waitMs: 60_000
    })
    expect(classifyFailure(err('network', { code: 'ECONNREFUSED', maybeDelivered: false }))).toEqual({
      action: 'retry'
    })
    expect(classifyFailure(err('timeout', { code: 'UND_ERR_CONNECT_TIMEOUT' }))).toEqual({ action: 'retry' })
  })

  it('calls any other server error, timeout or broken answer unknown', () => {
    for (const status of [500, 502, 503, 504]) {
      expect(classifyFailure(err('server', { status, maybeDelivered: true }))).toEqual({ action: 'unknown' })
    }
    expect(classifyFailure(err('network', { code: 'ECONNRESET', maybeDelivered: true }))).toEqual({
      action: 'unknown'
    })
    expect(classifyFailure(err('timeout', { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toEqual({
      action: 'unknown'
    })
    expect(classifyFailure(err('bad-response', { code: 'INVALID_JSON', maybeDelivered: true }))).toEqual({
      action: 'unknown'
    })
    expect(classifyFailure(err('cancelled', { maybeDelivered: true }))).toEqual({ action: 'unknown' })
    expect(classifyFailure(err('cancelled'))).toEqual({ action: 'unknown' })
  })

  it('stops on refusals that need a change in HQ or Roster, and pauses on a cancel before sending', () => {
    for (const kind of [
      'auth',
      'permission',
      'plan',
      'registration-disabled',
      'bad-request',
      'unknown-project'
    ] as const) {
      expect(classifyFailure(err(kind, { status: 400 }))).toEqual({ action: 'stop' })
    }
    expect(classifyFailure(err('bad-response', { status: 301 }))).toEqual({ action: 'stop' })
    expect(classifyFailure(err('cancelled', { maybeDelivered: false }))).toEqual({ action: 'paused' })
  })

  it('matches numbers the way HQ reads them', () => {
    expect(lenientDigits('+254 (712) 345-678')).toBe('254712345678')
    expect(lenientDigits('254.712.345.678')).toBe('254712345678')
  })
})
