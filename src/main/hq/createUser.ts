import { z } from 'zod'
import { describeIssue, formatPath } from './errorMapping'
import { HqError } from './errors'
import { parseOnceAnswer, sendExactlyOnce } from './once'
import type { Requester } from './requester'

/**
 * A new mobile worker for `POST user/v1/` (hq-api.md "Creating accounts" B). Strict: HQ answers
 * 400 to any key it does not know. No password: with both confirmation flags HQ wants none (the
 * worker chooses one from the e-mailed link).
 */
export const CreateUserRequestSchema = z
  .object({
    /** The part before "@<domain>.commcarehq.org"; HQ appends the rest. */
    username: z.string().trim().min(1),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
    email: z.string().optional(),
    language: z.string().optional(),
    default_phone_number: z.string().optional(),
    phone_numbers: z.array(z.string()).optional(),
    groups: z.array(z.string()).optional(),
    user_data: z.record(z.string(), z.string()).optional(),
    primary_location: z.string().min(1).optional(),
    locations: z.array(z.string().min(1)).optional(),
    require_account_confirmation: z.boolean().optional(),
    send_confirmation_email_now: z.boolean().optional()
  })
  .strict()
  .superRefine((body, ctx) => {
    // HQ takes the two only together, the primary one among the others.
    const { primary_location: primary, locations } = body
    if ((primary === undefined) !== (locations === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [primary === undefined ? 'primary_location' : 'locations'],
        message: 'primary_location and locations go together'
      })
    } else if (primary !== undefined && !locations!.includes(primary)) {
      ctx.addIssue({ code: 'custom', path: ['locations'], message: 'must include primary_location' })
    }
  })
export type CreateUserRequest = z.input<typeof CreateUserRequestSchema>

const CreatedSchema = z.looseObject({ id: z.string().min(1) })

const UNKNOWN_CREATE =
  'HQ may or may not have created this account; Roster will not ask again by itself (the next sync shows it if it exists).'
const UNKNOWN_RESEND = 'HQ may or may not have sent the e-mail; Roster will not send it again by itself.'

/**
 * Creates one account, exactly once (once.ts: a repeat creates no second account, but its answer
 * would read "already taken" and hide what happened). 400 carries HQ's words ("Username
 * '<full>' is already taken or reserved.") as a 'bad-request' that created nothing. A server that
 * has no user/v1 (older than 2024) answers 404, which leaves nothing done: the v0.5 URL is tried.
 */
export async function createUser(
  r: Requester,
  body: CreateUserRequest,
  signal?: AbortSignal
): Promise<{ id: string }> {
  const parsed = CreateUserRequestSchema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new HqError(
      'bad-request',
      `The new account is not valid, so nothing was sent: ${describeIssue(issue, body)}.`,
      { field: formatPath(issue.path), maybeDelivered: false }
    )
  }
  const answer = await r.versions.call('user', (path) =>
    sendExactlyOnce(r, {
      endpoint: 'create-user',
      method: 'POST',
      path: path(),
      body: JSON.stringify(parsed.data),
      ...(signal ? { signal } : {}),
      unknown: UNKNOWN_CREATE
    })
  )
  const created = parseOnceAnswer(r, answer, CreatedSchema, r.context('create-user'), UNKNOWN_CREATE)
  return { id: created.id }
}

/**
 * Asks HQ to e-mail the confirmation link again (`PUT user/v1/<id>/`), once. HQ refuses (400)
 * an account that is already confirmed or has no e-mail address, in its own words.
 */
export async function resendConfirmationEmail(r: Requester, id: string, signal?: AbortSignal): Promise<void> {
  if (id.trim() === '') {
    throw new HqError('bad-request', 'No account to re-send the confirmation e-mail for.', {
      field: 'id',
      maybeDelivered: false
    })
  }
  await r.versions.call('user', (path) =>
    sendExactlyOnce(r, {
      endpoint: 'resend-confirmation',
      method: 'PUT',
      path: path(id),
      body: JSON.stringify({ send_confirmation_email_now: true }),
      ...(signal ? { signal } : {}),
      unknown: UNKNOWN_RESEND
    })
  )
}
