import { failedBeforeSending, type HqError } from '../hq/errors'

/**
 * What to do after the registration POST failed. The POST has no idempotency key, so the one
 * question is whether HQ may have acted on it:
 *
 * - `retry`: HQ certainly did nothing. A 429 (HQ's throttle answers before the view runs), a 503
 *   carrying Retry-After (maintenance/overload, rejected at the door), or a connection that
 *   never reached HQ (refused, DNS, connect timeout). Safe to send again after waiting.
 * - `unknown`: HQ may have invited some of the numbers. Any other 5xx (HQ handles the numbers
 *   one by one, so a 500 can come after some were invited and their SMS sent; a 502/504 comes
 *   from a proxy that may have passed the request on), a timeout or broken connection after the
 *   request went out, or an answer we could not read. Never re-sent without the coordinator.
 * - `stop`: HQ refused the whole request before touching any number (401/403/400/404): sending
 *   more would be refused the same way until something is changed in HQ or in Roster.
 * - `paused`: the coordinator cancelled before the request could reach HQ.
 */
export type FailureDecision =
  { action: 'retry'; waitMs?: number } | { action: 'unknown' } | { action: 'stop' } | { action: 'paused' }

function mayHaveArrived(error: HqError): boolean {
  if (error.maybeDelivered === true) return true
  if (error.maybeDelivered === false) return false
  // No statement from the client: only a code that proves the request never left counts.
  return !failedBeforeSending(error.code)
}

export function classifyFailure(error: HqError): FailureDecision {
  switch (error.kind) {
    case 'rate-limited':
      return error.retryAfterMs !== undefined
        ? { action: 'retry', waitMs: error.retryAfterMs }
        : { action: 'retry' }
    case 'server':
      if (error.status === 503 && error.retryAfterMs !== undefined)
        return { action: 'retry', waitMs: error.retryAfterMs }
      return { action: 'unknown' }
    case 'network':
    case 'timeout':
      return mayHaveArrived(error) ? { action: 'unknown' } : { action: 'retry' }
    case 'cancelled':
      // Cancelled mid-request: unless the client knows the request never left, HQ may have it.
      return error.maybeDelivered === false ? { action: 'paused' } : { action: 'unknown' }
    case 'bad-response':
      // A redirect is an answer that processed nothing; any other unreadable answer came after
      // HQ ran the request.
      if (error.status !== undefined && error.status >= 300 && error.status < 400) return { action: 'stop' }
      return { action: 'unknown' }
    case 'auth':
    case 'permission':
    case 'plan':
    case 'registration-disabled':
    case 'bad-request':
    case 'not-found':
    case 'unknown-project':
      return { action: 'stop' }
  }
}

/** HQ's leniency: spaces, dashes, dots and brackets removed, a leading "+" dropped. */
export function lenientDigits(phone: string): string {
  return phone.replace(/[\s\-.()]/g, '').replace(/^\+/, '')
}
