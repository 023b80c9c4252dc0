import { cancelledError } from './clock'
import { describeIssue, formatPath } from './errorMapping'
import { failedBeforeSending, HqError, isHqError } from './errors'
import type { HttpAnswer } from './http'
import { isSuccess, parseAnswer, type Requester } from './requester'
import { noteRateLimit } from './retry'
import {
  RegistrationRequestSchema,
  RegistrationResponseSchema,
  type RegistrationRequest,
  type RegistrationResponse
} from './schemas'
import { apiPath } from './url'

/**
 * POST sms_user_registration, exactly once. HQ has no idempotency key: a second POST sends a
 * second SMS and expires the first link, so nothing here retries. Every error says whether the
 * request may have reached HQ (`maybeDelivered`), so the outbox can show "unknown" rather than
 * guess.
 */
export async function sendRegistration(
  r: Requester,
  body: RegistrationRequest,
  signal?: AbortSignal
): Promise<RegistrationResponse> {
  const parsed = RegistrationRequestSchema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new HqError(
      'bad-request',
      `The invitation request is not valid, so nothing was sent: ${describeIssue(issue, body)}.`,
      { field: formatPath(issue.path), maybeDelivered: false }
    )
  }
  // Honour a rate-limit pause another request was given; this is waiting, not retrying.
  try {
    await r.retryDeps.gate.wait(signal)
  } catch (error) {
    throw isHqError(error) ? error.withDelivery(false) : error
  }

  if (signal?.aborted) throw cancelledError().withDelivery(false)
  const ctx = r.context('registration')
  let answer: HttpAnswer
  try {
    answer = await r.send('registration', {
      method: 'POST',
      path: apiPath(r.identity.domain, 'v0.5', 'sms_user_registration'),
      body: JSON.stringify(parsed.data),
      ...(signal ? { signal } : {})
    })
  } catch (error) {
    if (!isHqError(error)) throw error
    // Refused connections, DNS and TLS failures, and anything before the request had a connection
    // (sendOnce says so), happen before a byte is sent; a reset, a timeout or a cancel after
    // sending leaves the outcome unknown.
    const neverLeft = error.maybeDelivered === false || failedBeforeSending(error.code)
    throw neverLeft ? error.withDelivery(false) : unknownOutcome(error)
  }

  if (!isSuccess(answer)) {
    const error = r.statusError(answer, ctx)
    if (answer.status === 429) noteRateLimit(error, r.retryDeps)
    // 4xx: HQ refused before doing anything. 5xx: it may have failed part-way through.
    throw answer.status >= 500 ? unknownOutcome(error) : error.withDelivery(false)
  }
  try {
    return parseAnswer(answer, RegistrationResponseSchema, ctx)
  } catch (error) {
    if (!isHqError(error)) throw error
    // A 200 whose body was cut short: HQ did the work and the answer was lost on the way.
    if (error.code === 'INVALID_JSON') {
      throw unknownOutcome(
        error.copy({
          kind: 'network',
          message: `The connection to HQ at ${r.identity.server} broke before its answer was complete.`
        })
      )
    }
    throw unknownOutcome(error)
  }
}

function unknownOutcome(error: HqError): HqError {
  return error.copy({
    maybeDelivered: true,
    message: `${error.message} HQ may or may not have sent these invitations; Roster will not send them again by itself.`
  })
}
