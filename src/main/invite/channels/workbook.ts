import * as XLSX from '@e965/xlsx'
import type { BatchInfo, TakenNumber } from './types'
import { userDataOf } from './types'

/**
 * The .xlsx HQ's bulk upload takes (hq-api.md, "Creating accounts" A): sheet `users`, row 1 the
 * headers, one new mobile worker a row, EVERY cell text (HQ ignores a numeric or boolean True and
 * fails a numeric phone number). `send_confirmation_sms` True makes HQ create the account inactive
 * and unconfirmed and text the default number (phone-number 1) a link to confirm it.
 */
export function uploadWorkbook(batch: BatchInfo, numbers: readonly TakenNumber[]): Uint8Array {
  const dataKeys = [...new Set(numbers.flatMap((n) => Object.keys(userDataOf(n))))].sort()
  const hasEmail = numbers.some((n) => n.email)
  const headers = [
    'username',
    'first_name',
    'last_name',
    ...(hasEmail ? ['email'] : []),
    'phone-number 1',
    ...(batch.group ? ['group 1'] : []),
    ...(batch.location?.siteCode ? ['location_code 1'] : []),
    ...dataKeys.map((k) => `data: ${k}`),
    'send_confirmation_sms',
    'is_account_confirmed'
  ]
  const rows = numbers.map((n) => {
    const data = userDataOf(n)
    return [
      n.username ?? '',
      n.first_name ?? '',
      n.last_name ?? '',
      ...(hasEmail ? [n.email ?? ''] : []),
      n.e164,
      ...(batch.group ? [batch.group.name] : []),
      ...(batch.location?.siteCode ? [batch.location.siteCode] : []),
      ...dataKeys.map((k) => data[k] ?? ''),
      'True',
      'False'
    ]
  })
  const sheet = XLSX.utils.aoa_to_sheet([headers, ...rows].map((r) => r.map(String)))
  const book = XLSX.utils.book_new()
  XLSX.utils.book_append_sheet(book, sheet, 'users')
  return new Uint8Array(XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer)
}
