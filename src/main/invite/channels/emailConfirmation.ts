import { HqError, isHqError } from '../../hq/errors'
import type { ChannelSender, CreateUserBody, TakenNumber, BatchInfo, Verdict } from './types'
import { userDataOf } from './types'

/** HQ's answer when the project lacks two-stage account creation: every row would get it. */
const NO_PRIVILEGE = /password or connect username required/i
const TAKEN = /already taken or reserved/i

export function createUserBody(batch: BatchInfo, n: TakenNumber): CreateUserBody {
  const data = userDataOf(n)
  return {
    username: n.username ?? '',
    ...(n.first_name ? { first_name: n.first_name } : {}),
    ...(n.last_name ? { last_name: n.last_name } : {}),
    email: n.email ?? '',
    default_phone_number: n.digits,
    phone_numbers: [n.digits],
    ...(batch.group ? { groups: [batch.group.id] } : {}),
    ...(Object.keys(data).length > 0 ? { user_data: data } : {}),
    ...(batch.location ? { primary_location: batch.location.id, locations: [batch.location.id] } : {}),
    require_account_confirmation: true,
    send_confirmation_email_now: true
  }
}

/**
 * Channel 3, an account confirmed from HQ's e-mail: one POST user/v1 per worker, answered at once.
 * HQ refusing one worker (a taken username, say) refuses only that one; a refusal every worker
 * would get (no permission, no privilege) stops the batch.
 */
export const emailConfirmation: ChannelSender = {
  chunkSize: () => 1,

  async send(batch, numbers, client, signal) {
    if (!client.createUser) {
      throw new HqError('bad-request', 'This version of the HQ client cannot create accounts.', {
        maybeDelivered: false
      })
    }
    const verdicts = new Map<number, Verdict>()
    const said: string[] = []
    for (const n of numbers) {
      try {
        const { id } = await client.createUser(createUserBody(batch, n), signal)
        verdicts.set(n.id, {
          status: 'success',
          reason: `Account created; HQ e-mailed ${n.email} a link to confirm it.`,
          hqUserId: id
        })
        said.push(`${n.username}: created (${id})`)
      } catch (error) {
        if (!isHqError(error) || error.kind !== 'bad-request' || error.status !== 400) throw error
        if (NO_PRIVILEGE.test(error.message)) {
          throw error.copy({
            message:
              'HQ did not create the account: this project cannot create accounts that workers confirm by e-mail (its plan lacks two-stage account creation). Choose another channel, or ask your HQ administrator.'
          })
        }
        verdicts.set(n.id, refusal(n, error.message))
        said.push(`${n.username}: ${error.message}`)
      }
    }
    return { verdicts, summary: said.join('; ') }
  }
}

function refusal(n: TakenNumber, hqSaid: string): Verdict {
  if (TAKEN.test(hqSaid) && n.attempts > 1) {
    // Sent again after an unknown outcome: most likely the first attempt made this very account.
    return {
      status: 'pending',
      reason: `HQ already has an account ${n.username}: most likely Roster's earlier attempt created it (a repeat creates no second account). The next sync will show it.`
    }
  }
  return { status: 'refused', reason: `HQ did not create the account: ${hqSaid}` }
}
