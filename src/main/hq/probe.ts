import { randomBytes } from 'node:crypto'
import * as XLSX from '@e965/xlsx'
import { bulkUploadPath, uploadBody } from './bulkUpload'
import { hqMessage, type Endpoint } from './errorMapping'
import { isHqError, type HqErrorKind } from './errors'
import type { HttpAnswer, HttpRequest } from './http'
import { registrationPath } from './register'
import { isSuccess, type Requester } from './requester'
import { withRetry } from './retry'
import { resourcePath } from './versions'

/**
 * What a server offers for each invitation channel, found WITHOUT side effects: every probe sends
 * a request HQ refuses before it acts (an empty registration, a workbook without the required
 * `username` column, an account with neither e-mail nor password), so nobody is texted, e-mailed
 * or created. Each is safe to repeat, so 429 and 5xx take the usual retry rules.
 */
export type Probe =
  | { state: 'offered' }
  /** The server does not have it: retired (registration), older than the feature, or not in the plan. */
  | { state: 'absent'; reason: 'retired' | 'old-server' | 'no-privilege' }
  /** The server has it, but this key or project cannot use it (plan, setting, permission, key). */
  | { state: 'refused'; kind: HqErrorKind; message: string }
  /** Could not tell (unreachable, HQ's error, an answer the probe did not expect). */
  | { state: 'unknown'; kind?: HqErrorKind; message: string }

type Failed = Extract<Probe, { message: string }>

/** An HqError from a probe as its outcome; a cancel is passed on. */
function probeFailed(error: unknown, refusedKinds: readonly HqErrorKind[]): Failed {
  if (!isHqError(error) || error.kind === 'cancelled') throw error
  return refusedKinds.includes(error.kind)
    ? { state: 'refused', kind: error.kind, message: error.message }
    : { state: 'unknown', kind: error.kind, message: error.message }
}

/** Sends a side-effect-free probe, retrying 429 and 5xx; resolves with any other answer. */
async function probeOnce(r: Requester, endpoint: Endpoint, req: HttpRequest): Promise<HttpAnswer> {
  return withRetry(
    async () => {
      const answer = await r.send(endpoint, req)
      if (answer.status === 429 || answer.status >= 500) throw r.statusError(answer, r.context(endpoint))
      return answer
    },
    r.retryDeps,
    req.signal
  )
}

const signalOf = (signal?: AbortSignal) => (signal ? { signal } : {})

/**
 * The SMS self-registration endpoint with an empty body. HQ checks plan (401), messaging setting
 * (403) and permission before it validates, so its 400 "app_id is required" proves all are in
 * place; today's HQ answers 404 (retired 2020).
 */
export async function probeRegistration(r: Requester, signal?: AbortSignal): Promise<Probe> {
  try {
    const answer = await probeOnce(r, 'registration', {
      method: 'POST',
      path: registrationPath(r.identity.domain),
      body: '{}',
      ...signalOf(signal)
    })
    if (answer.status === 400 || isSuccess(answer)) return { state: 'offered' }
    throw r.statusError(answer, r.context('registration'))
  } catch (error) {
    if (isHqError(error) && error.code === 'REGISTRATION_RETIRED')
      return { state: 'absent', reason: 'retired' }
    return probeFailed(error, ['plan', 'registration-disabled', 'permission', 'auth'])
  }
}

/** A workbook HQ must refuse: a `users` sheet whose only header is `name` (no `username`). */
export function probeWorkbook(): Uint8Array {
  const book = XLSX.utils.book_new()
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([['name']]), 'users')
  return new Uint8Array(XLSX.write(book, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer)
}

/**
 * The bulk upload view with a workbook that lacks the `username` column: HQ checks the headers
 * before it creates anything and answers 400 "The following are required column headers:
 * username." where the view exists (404 where it does not: a server older than 2024).
 */
export async function probeBulkUpload(r: Requester, signal?: AbortSignal): Promise<Probe> {
  try {
    const { body, contentType } = await uploadBody(probeWorkbook())
    const answer = await probeOnce(r, 'bulk-upload', {
      method: 'POST',
      path: bulkUploadPath(r.identity.domain),
      body,
      contentType,
      ...signalOf(signal)
    })
    if (answer.status === 404) return { state: 'absent', reason: 'old-server' }
    const said = hqMessage(answer.text).message ?? ''
    // A sheet without rows creates nothing, even if a server took it.
    if (isSuccess(answer) || (answer.status === 400 && /required column headers/i.test(said))) {
      return { state: 'offered' }
    }
    throw r.statusError(answer, r.context('bulk-upload'))
  } catch (error) {
    return probeFailed(error, ['auth', 'permission'])
  }
}

/** A username no worker has: HQ refuses the request before it would take it. */
export function probeUsername(random: () => string = () => randomBytes(6).toString('hex')): string {
  return `roster-probe-${random()}`
}

/**
 * The e-mail privilege (two-stage account creation): POST user/v1 with both confirmation flags, a
 * throw-away username and neither e-mail nor password. With the privilege HQ asks for the e-mail;
 * without it the flags are ignored and HQ asks for a password. Either way nothing is created.
 * Always the v1 URL: a server without it (older than 2024) predates the feature.
 */
export async function probeEmailConfirmation(r: Requester, signal?: AbortSignal): Promise<Probe> {
  const username = probeUsername()
  try {
    const answer = await probeOnce(r, 'create-user', {
      method: 'POST',
      path: resourcePath(r.identity.domain, 'user', 'versioned'),
      body: JSON.stringify({
        username,
        require_account_confirmation: true,
        send_confirmation_email_now: true
      }),
      ...signalOf(signal)
    })
    if (answer.status === 404) return { state: 'absent', reason: 'old-server' }
    if (isSuccess(answer)) {
      return {
        state: 'unknown',
        message: `HQ unexpectedly created the test account ${username} while Roster checked the e-mail option; a project administrator may delete it.`
      }
    }
    const said = hqMessage(answer.text).message ?? ''
    if (answer.status === 400 && /must provide the user's email/i.test(said)) return { state: 'offered' }
    if (answer.status === 400 && /password or connect username required/i.test(said)) {
      return { state: 'absent', reason: 'no-privilege' }
    }
    throw r.statusError(answer, r.context('create-user'))
  } catch (error) {
    // Every other answer leaves the question open (so `email-confirmation` is null).
    return probeFailed(error, [])
  }
}
