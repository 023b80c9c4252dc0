import type Database from 'better-sqlite3'
import { isHqError } from '../hq/errors'
import { inSlices } from './batches'
import type { InviteClient } from './channels'
import { InviteError, plural } from './errors'
import { batchInfo } from './summary'

/** Where a coordinator re-sends channel 2's SMS: HQ has no API for it. */
export function resendSmsInstructions(server: string, domain: string): string {
  return (
    'HQ has no way for Roster to send the confirmation SMS again. In HQ, open Users › Mobile Workers ' +
    `(${server}/a/${encodeURIComponent(domain)}/settings/users/commcare/), find each worker whose account is not ` +
    "confirmed yet and use its action to resend the confirmation SMS. Their username is in this batch's list."
  )
}

/**
 * Invites chosen numbers again where the batch's channel can do it without a new account:
 * channel 3 asks HQ to e-mail the confirmation link again (PUT user/v1/<id>, the coordinator's
 * choice, one request per account); channel 2 cannot (refused, with where in HQ to do it).
 * Channel 1 re-invites with a new batch instead (batches.ts `reinvite`).
 */
export async function resendConfirmation(
  db: Database.Database,
  batchId: number,
  numberIds: readonly number[],
  client: InviteClient,
  signal?: AbortSignal
): Promise<{ message: string; resent: number }> {
  const batch = batchInfo(db, batchId)
  if (batch.channel === 'sms-confirmation') {
    throw new InviteError('invalid-input', resendSmsInstructions(batch.server, batch.domain))
  }
  if (batch.channel !== 'email-confirmation' || !client.resendConfirmationEmail) {
    throw new InviteError(
      'invalid-input',
      'This batch does not create accounts: invite the numbers again instead.'
    )
  }
  const rows = inSlices(
    [...new Set(numberIds)],
    500,
    (slice) =>
      db
        .prepare(
          `SELECT id, username, hq_user_id, status, registered_worker_id FROM invite_numbers
         WHERE batch_id = ? AND id IN (${slice.map(() => '?').join(', ')})`
        )
        .all(batchId, ...slice) as {
        id: number
        username: string | null
        hq_user_id: string | null
        status: string
        registered_worker_id: string | null
      }[]
  )
  const eligible = rows.filter((r) => r.status === 'success' && r.hq_user_id && !r.registered_worker_id)
  const problems: string[] = []
  let resent = 0
  const note = db.prepare(`UPDATE invite_numbers SET reason = ?, updated_at = ? WHERE id = ?`)
  for (const row of eligible) {
    try {
      await client.resendConfirmationEmail(row.hq_user_id!, signal)
      const at = new Date().toISOString()
      note.run(`HQ e-mailed the confirmation link again (${at.slice(0, 10)}).`, at, row.id)
      resent++
    } catch (error) {
      if (!isHqError(error)) throw error
      problems.push(`${row.username}: ${error.message}`)
      // A permission or connection problem will not go away for the next account.
      if (error.status !== 400) break
    }
  }
  const skipped = rows.length - eligible.length
  const parts = [`HQ e-mailed ${plural(resent, 'worker')} the confirmation link again.`]
  if (skipped > 0)
    parts.push(
      `${plural(skipped, 'chosen number was', 'chosen numbers were')} left out: only accounts HQ created and not confirmed yet can get the e-mail again.`
    )
  if (problems.length > 0) parts.push(`Not sent: ${problems.slice(0, 5).join('; ')}.`)
  return { message: parts.join(' '), resent }
}
