import { describe, expect, it } from 'vitest'
import {
  describeIssue,
  errorForStatus,
  errorForTransport,
  formatPath,
  hqMessage,
  type ErrorContext
} from './errorMapping'
import { errorCode, failedBeforeSending, HqError, isRetryable, redact } from './errors'

const ctx = (endpoint: ErrorContext['endpoint']): ErrorContext => ({
  server: 'https://www.commcarehq.org',
  domain: 'demo',
  username: 'coordinator@x.org',
  endpoint
})

describe('errorForStatus', () => {
  it('reads 401 as a key HQ did not accept, telling the coordinator where to fix it', () => {
    const error = errorForStatus(401, '', ctx('workers'))
    expect(error.kind).toBe('auth')
    expect(error.status).toBe(401)
    expect(error.message).toBe(
      'HQ did not accept the API key for coordinator@x.org (401). The key may be wrong, expired, or limited to another project or network. Check the key in Settings.'
    )
  })

  it('names the permission a 403 is missing for each endpoint', () => {
    expect(errorForStatus(403, '', ctx('workers')).message).toMatch(/"Edit Mobile Workers"/)
    expect(errorForStatus(403, '', ctx('groups')).message).toMatch(/"Edit Mobile Workers"/)
    expect(errorForStatus(403, '', ctx('locations')).message).toMatch(/"Edit Locations"/)
    const registration = errorForStatus(403, '{"error": "Forbidden"}', ctx('registration'))
    expect(registration.kind).toBe('permission')
    expect(registration.message).toMatch(/may not send SMS registration invitations in project 'demo'/)
    expect(registration.message).toMatch(/"Edit Data"/)
  })

  it('reads a 404 on a list as an unknown project, and on one worker as not found', () => {
    const list = errorForStatus(404, '', ctx('workers'))
    expect(list.kind).toBe('unknown-project')
    expect(list.message).toMatch(
      /^No project 'demo' on https:\/\/www.commcarehq.org, or your key cannot see it/
    )
    expect(errorForStatus(404, '', ctx('worker')).kind).toBe('not-found')
  })

  it('reads a 404 from the registration endpoint as SMS self-registration retired, not as an unknown project', () => {
    const error = errorForStatus(404, '<html>Not Found</html>', ctx('registration'))
    expect(error).toMatchObject({ kind: 'not-found', code: 'REGISTRATION_RETIRED', status: 404 })
    expect(error.message).toMatch(/no longer has SMS self-registration \(retired in 2020\)/)
    expect(error.message).toMatch(/Run Test connection/)
    expect(errorForStatus(404, '', ctx('groups')).kind).toBe('unknown-project')
  })

  it("reads the registration endpoint's 401 about the plan as a plan problem, not a wrong key", () => {
    const error = errorForStatus(
      401,
      '{"error": "Your current plan does not have access to this feature"}',
      ctx('registration')
    )
    expect(error.kind).toBe('plan')
    expect(error.message).toMatch(/plan does not include this feature/)
    expect(error.message).toMatch(/The API key is fine/)
    expect(errorForStatus(401, '', ctx('registration')).kind).toBe('auth')
  })

  it('reads the registration 403 about settings as registration turned off, naming the HQ page', () => {
    const error = errorForStatus(
      403,
      '{"error": "Please first enable SMS mobile worker registration for your project."}',
      ctx('registration')
    )
    expect(error.kind).toBe('registration-disabled')
    expect(error.message).toMatch(/Messaging > General Settings/)
  })

  it("quotes HQ's message and field on a 400", () => {
    const error = errorForStatus(400, '{"app_id": "Invalid app_id specified"}', ctx('registration'))
    expect(error.kind).toBe('bad-request')
    expect(error.field).toBe('app_id')
    expect(error.message).toMatch(/HQ said: "app_id: Invalid app_id specified"/)
    const plain = errorForStatus(400, 'Project demo has no group with id=abc', ctx('workers'))
    expect(plain.message).toMatch(/Project demo has no group with id=abc/)
  })

  it('keeps Retry-After on a 429 and says how long', () => {
    const error = errorForStatus(429, '', ctx('workers'), { retryAfterMs: 120_000 })
    expect(error.kind).toBe('rate-limited')
    expect(error.retryAfterMs).toBe(120_000)
    expect(error.message).toMatch(/wait 2 min/)
    expect(errorForStatus(429, '', ctx('workers'), { retryAfterMs: 30_000 }).message).toMatch(/wait 30 s/)
  })

  it('reads 5xx as a server problem and 3xx as a wrong address', () => {
    expect(errorForStatus(502, '<html>Bad gateway</html>', ctx('workers')).kind).toBe('server')
    const redirect = errorForStatus(302, '', ctx('workers'), {
      location: 'https://www.commcarehq.org/accounts/login/?next=/a/'
    })
    expect(redirect.kind).toBe('bad-response')
    expect(redirect.message).toMatch(/redirect to https:\/\/www.commcarehq.org\/accounts\/login\//)
    expect(redirect.message).not.toMatch(/next=/)
  })
})

describe('hqMessage', () => {
  it("finds HQ's words in the shapes it uses", () => {
    expect(hqMessage('{"error": "nope"}')).toEqual({ message: 'nope' })
    expect(hqMessage('{"error_message": "bad group"}')).toEqual({ message: 'bad group' })
    expect(hqMessage('{"users": "Expected type: list"}')).toEqual({
      message: 'users: Expected type: list',
      field: 'users'
    })
    expect(hqMessage('{"sms_user_registration": {"app_id": "This field is required"}}')).toEqual({
      message: 'app_id: This field is required',
      field: 'app_id'
    })
    expect(hqMessage('<!DOCTYPE html><html>500</html>')).toEqual({})
    expect(hqMessage('')).toEqual({})
    expect(hqMessage('x'.repeat(1000)).message!.length).toBeLessThan(310)
  })
})

describe('transport errors', () => {
  it('says "are you offline?" when the connection is refused', () => {
    const error = errorForTransport(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      ctx('workers')
    )
    expect(error.kind).toBe('network')
    expect(error.message).toBe(
      'Cannot reach HQ at https://www.commcarehq.org — are you offline? (ECONNREFUSED)'
    )
  })

  it('mentions a misspelled address when the name does not resolve', () => {
    const error = errorForTransport({ code: 'ENOTFOUND' }, ctx('workers'))
    expect(error.message).toMatch(
      /Cannot find the server www.commcarehq.org — are you offline, or is the address misspelled/
    )
    expect(isRetryable(error)).toBe(false)
  })

  it('reads undici timeouts as timeouts and resets as retryable network errors', () => {
    expect(errorForTransport({ code: 'UND_ERR_HEADERS_TIMEOUT' }, ctx('workers')).kind).toBe('timeout')
    const reset = errorForTransport({ code: 'UND_ERR_SOCKET', cause: { code: 'ECONNRESET' } }, ctx('workers'))
    expect(reset.code).toBe('ECONNRESET')
    expect(isRetryable(reset)).toBe(true)
  })

  it('finds the code inside an AggregateError from happy eyeballs', () => {
    const aggregate = Object.assign(
      new AggregateError([{ code: 'ECONNREFUSED' }, { code: 'ECONNREFUSED' }]),
      {}
    )
    expect(errorCode(aggregate)).toBe('ECONNREFUSED')
  })

  it('knows which failures happened before the request left this machine', () => {
    expect(failedBeforeSending('ECONNREFUSED')).toBe(true)
    expect(failedBeforeSending('UND_ERR_CONNECT_TIMEOUT')).toBe(true)
    expect(failedBeforeSending('ECONNRESET')).toBe(false)
    expect(failedBeforeSending('UND_ERR_HEADERS_TIMEOUT')).toBe(false)
    expect(failedBeforeSending(undefined)).toBe(false)
  })

  it('does not retry certificate problems', () => {
    const error = errorForTransport({ code: 'CERT_HAS_EXPIRED' }, ctx('workers'))
    expect(error.message).toMatch(/security certificate/)
    expect(isRetryable(error)).toBe(false)
  })
})

describe('isRetryable', () => {
  it('retries throttling, server errors, timeouts and cut-off bodies, and nothing a client got wrong', () => {
    expect(isRetryable(new HqError('rate-limited', 'x'))).toBe(true)
    expect(isRetryable(new HqError('server', 'x'))).toBe(true)
    expect(isRetryable(new HqError('timeout', 'x'))).toBe(true)
    expect(isRetryable(new HqError('bad-response', 'x', { code: 'INVALID_JSON' }))).toBe(true)
    expect(isRetryable(new HqError('bad-response', 'x', { code: 'SCHEMA' }))).toBe(false)
    for (const kind of [
      'auth',
      'permission',
      'unknown-project',
      'bad-request',
      'plan',
      'cancelled'
    ] as const) {
      expect(isRetryable(new HqError(kind, 'x'))).toBe(false)
    }
  })
})

describe('describing a response that does not fit', () => {
  it('formats paths the way a reader expects', () => {
    expect(formatPath(['objects', 3, 'id'])).toBe('objects[3].id')
    expect(formatPath(['user_data', 'first name'])).toBe('user_data["first name"]')
    expect(formatPath([])).toBe('(the whole answer)')
  })

  it('says a field is missing, or what it should have been', () => {
    const root = { objects: [{}, {}, {}, { id: 7 }] }
    expect(
      describeIssue(
        { code: 'invalid_type', path: ['objects', 2, 'id'], message: '', expected: 'string' },
        root
      )
    ).toBe('objects[2].id is missing')
    expect(
      describeIssue(
        { code: 'invalid_type', path: ['objects', 3, 'id'], message: '', expected: 'string' },
        root
      )
    ).toBe('objects[3].id should be string but is a number')
  })
})

describe('redact', () => {
  it('removes the API key wherever it appears', () => {
    expect(redact('key sim-key-123 and again sim-key-123', ['sim-key-123'])).toBe(
      'key [hidden] and again [hidden]'
    )
  })
})
