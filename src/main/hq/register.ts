import { describeIssue, formatPath } from './errorMapping'
import { HqError } from './errors'
import { parseOnceAnswer, sendExactlyOnce } from './once'
import type { Requester } from './requester'
import {
  RegistrationRequestSchema,
  RegistrationResponseSchema,
  type RegistrationRequest,
  type RegistrationResponse
} from './schemas'
import { apiPath } from './url'

const UNKNOWN = 'HQ may or may not have sent these invitations; Roster will not send them again by itself.'

/**
 * POST sms_user_registration, exactly once (once.ts): a second POST sends a second SMS and
 * expires the first link. A server without the endpoint (HQ since 2020) answers 404, which
 * errorMapping reads as REGISTRATION_RETIRED, not as an unknown project.
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
  const answer = await sendExactlyOnce(r, {
    endpoint: 'registration',
    method: 'POST',
    path: registrationPath(r.identity.domain),
    body: JSON.stringify(parsed.data),
    ...(signal ? { signal } : {}),
    unknown: UNKNOWN
  })
  return parseOnceAnswer(r, answer, RegistrationResponseSchema, r.context('registration'), UNKNOWN)
}

/** The registration API exists only in the v0.5 form (it was retired before the v1 URLs came). */
export function registrationPath(domain: string): string {
  return apiPath(domain, 'v0.5', 'sms_user_registration')
}
