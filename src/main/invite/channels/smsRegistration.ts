import { lenientDigits } from '../classify'
import { listSome } from '../errors'
import type { ChannelSender, Verdict } from './types'
import { userDataOf } from './types'

const REASONS: Record<'success' | 'invalid_format' | 'in_use' | 'unknown', string | null> = {
  success: null,
  invalid_format: 'HQ could not read this number. Check it has the country code and only digits.',
  in_use: 'This number already belongs to a mobile worker or contact in HQ (in this or another project).',
  unknown: 'HQ answered but did not mention this number, so whether it was invited is unknown.'
}

/**
 * Channel 1, SMS self-registration (servers from before late 2020): one POST of up to `requested`
 * numbers; HQ answers which it invited, matched on its lenient digits.
 */
export const smsRegistration: ChannelSender = {
  chunkSize: (requested) => requested,

  async send(batch, numbers, client, signal) {
    const answer = await client.register(
      {
        app_id: batch.appId,
        ...(batch.androidOnly ? { android_only: true } : {}),
        ...(batch.requireEmail ? { require_email: true } : {}),
        ...(batch.message ? { custom_registration_message: batch.message } : {}),
        users: numbers.map((n) => {
          const data = userDataOf(n)
          return Object.keys(data).length > 0
            ? { phone_number: n.e164, custom_user_data: data }
            : { phone_number: n.e164 }
        })
      },
      signal
    )
    const said = new Map<string, 'success' | 'invalid_format' | 'in_use'>()
    for (const n of answer.invalid_format_numbers) said.set(lenientDigits(n), 'invalid_format')
    for (const n of answer.numbers_in_use) said.set(lenientDigits(n), 'in_use')
    for (const n of answer.success_numbers) said.set(lenientDigits(n), 'success')
    const verdicts = new Map<number, Verdict>()
    for (const n of numbers) {
      const status = said.get(n.digits) ?? 'unknown'
      verdicts.set(n.id, { status, reason: REASONS[status] })
    }
    const part = (label: string, list: readonly string[]): string =>
      `${label} ${list.length}${list.length > 0 ? ` (${listSome([...list], 1000)})` : ''}`
    return {
      verdicts,
      summary: [
        part('invited', answer.success_numbers),
        part('already in use', answer.numbers_in_use),
        part('not accepted', answer.invalid_format_numbers)
      ].join('; ')
    }
  }
}
