import { HqError } from '../../hq/errors'
import type { ChannelSender, Verdict } from './types'
import { uploadWorkbook } from './workbook'

/** HQ's upload page, where it shows each row's result to a signed-in user (no API gives it). */
export function uploadPageUrl(server: string, domain: string): string {
  return `${server}/a/${encodeURIComponent(domain)}/settings/users/commcare/upload/`
}

export const PENDING_REASON =
  'HQ accepted the upload and is creating the account; it will text the worker a link to confirm it.'

/**
 * Channel 2, an account confirmed from HQ's SMS: one bulk upload of up to 1,000 workers (HQ
 * processes large uploads in chunks of that size). HQ answers only that it took the file; the
 * accounts appear later in its list of inactive users, which is how the outcome is learnt
 * (accounts.ts).
 */
export const smsConfirmation: ChannelSender = {
  chunkSize: (requested) => Math.max(requested, 1000),

  async send(batch, numbers, client, signal) {
    if (!client.uploadUsers) {
      throw new HqError('bad-request', 'This version of the HQ client cannot upload workers.', {
        maybeDelivered: false
      })
    }
    const missing = numbers.filter((n) => !n.username)
    if (missing.length > 0) {
      throw new HqError(
        'bad-request',
        `${missing.length} of the numbers have no username, so nothing was uploaded.`,
        {
          maybeDelivered: false
        }
      )
    }
    await client.uploadUsers(uploadWorkbook(batch, numbers), signal)
    const verdicts = new Map<number, Verdict>(
      numbers.map((n) => [n.id, { status: 'pending', reason: PENDING_REASON }])
    )
    return { verdicts, summary: `HQ accepted an upload of ${numbers.length} workers` }
  }
}
