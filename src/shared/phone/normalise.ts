import {
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  type CountryCode,
  type NumberType,
  type PhoneNumber
} from 'libphonenumber-js/max'
import { aNumberIn } from './country'
import { repairAndParse } from './repair'

export type PhoneType = NonNullable<NumberType>

export interface PhoneOk {
  ok: true
  /** "+254712345678" */
  e164: string
  /** "254712345678": what HQ stores and answers with; the key for matching numbers. */
  digits: string
  /** Undefined for non-geographic numbers (+882...). */
  country?: CountryCode
  callingCode: string
  /** "712345678" */
  nationalNumber: string
  /** "0712 345678": how people in the country write it. */
  national: string
  /** From libphonenumber's full ("max") metadata; undefined when the plan does not say. */
  type?: PhoneType
  /** True for MOBILE and FIXED_LINE_OR_MOBILE. */
  isMobile: boolean
  repairs: string[]
  /** Set when the number is valid but probably cannot receive SMS. */
  warning?: string
}

export interface PhoneProblem {
  ok: false
  /** For the coordinator: "too short for a Kenyan number". */
  reason: string
  cleaned: string
  repairs: string[]
}

export type PhoneResult = PhoneOk | PhoneProblem

const TYPE_WORDS: Record<PhoneType, string> = {
  MOBILE: 'mobile',
  FIXED_LINE_OR_MOBILE: 'mobile',
  FIXED_LINE: 'landline',
  PREMIUM_RATE: 'premium-rate',
  TOLL_FREE: 'toll-free',
  SHARED_COST: 'shared-cost',
  VOIP: 'internet (VoIP)',
  PERSONAL_NUMBER: 'personal forwarding',
  PAGER: 'pager',
  UAN: 'company switchboard',
  VOICEMAIL: 'voicemail'
}

export function digitsOf(e164: string): string {
  return e164.replace(/\D/g, '')
}

export function isMobileType(type: PhoneType | undefined): boolean {
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE'
}

/**
 * Repairs and validates one number as typed in a list. `defaultCountry` is the list's country,
 * used for numbers written the national way ("0712 345678"); without it only international
 * numbers ("+254...") can be read.
 */
export function normalisePhone(raw: string, defaultCountry?: CountryCode): PhoneResult {
  const repaired = repairAndParse(raw, defaultCountry)
  const { cleaned, repairs } = repaired
  const fail = (reason: string): PhoneProblem => ({ ok: false, reason, cleaned, repairs })

  if (repaired.damaged) return fail(repaired.damaged)
  if (cleaned === '') return fail('no phone number')
  if (!/^\+?\d+$/.test(cleaned)) {
    if (!/\d/.test(cleaned)) return fail('not a phone number')
    const odd = [...new Set(cleaned.replace(/^\+/, '').replace(/\d/g, ''))].join('')
    return fail(`contains "${odd.slice(0, 12)}", which is not part of a phone number`)
  }
  if (!cleaned.startsWith('+') && !defaultCountry) {
    return fail('not in international form (+ and country code); choose the country these numbers are from')
  }

  const parsed = repaired.parsed ?? parsePhoneNumberFromString(cleaned, defaultCountry)
  if (!parsed?.isValid()) return fail(invalidReason(cleaned, parsed, defaultCountry))

  const type = parsed.getType()
  const mobile = isMobileType(type)
  const ok: PhoneOk = {
    ok: true,
    e164: parsed.number,
    digits: digitsOf(parsed.number),
    callingCode: parsed.countryCallingCode,
    nationalNumber: parsed.nationalNumber,
    national: parsed.format('NATIONAL'),
    isMobile: mobile,
    repairs
  }
  if (parsed.country) ok.country = parsed.country
  if (type) ok.type = type
  if (type && !mobile) ok.warning = `looks like a ${TYPE_WORDS[type]} number, which may not receive SMS`
  return ok
}

function invalidReason(
  cleaned: string,
  parsed: PhoneNumber | undefined,
  defaultCountry?: CountryCode
): string {
  const place = parsed?.country ?? (cleaned.startsWith('+') ? undefined : defaultCountry)
  const where = place
    ? aNumberIn(place)
    : parsed
      ? `a +${parsed.countryCallingCode} number`
      : 'a phone number'
  switch (validatePhoneNumberLength(cleaned, defaultCountry)) {
    case 'TOO_SHORT':
      return `too short for ${where}`
    case 'TOO_LONG':
      return `too long for ${where}`
    case 'INVALID_LENGTH':
      return `wrong number of digits for ${where}`
    case 'INVALID_COUNTRY':
      return cleaned.startsWith('+') ? 'starts with a country code that does not exist' : 'not a phone number'
    case 'NOT_A_NUMBER':
      return 'not a phone number'
  }
  if (place) return `not ${aNumberIn(place, 'valid')}`
  return parsed ? `not a valid +${parsed.countryCallingCode} number` : 'not a valid phone number'
}
