import type { CountryCode } from 'libphonenumber-js/max'
import { digitsOf, normalisePhone } from './normalise'

/**
 * Every digit string a person might type to find this number: "+254712345678",
 * "254712345678", "0712345678" (national, with the trunk 0) and "712345678". A search for
 * "0712 345" then matches by digit prefix or substring on any of them.
 * Numbers from HQ are digits without "+"; they are read as international when long enough.
 */
export function searchFormsOfPhone(raw: string, country?: CountryCode): string[] {
  const result = normalisePhone(raw, country)
  if (!result.ok) {
    const digits = digitsOf(raw)
    return digits ? [digits] : []
  }
  const forms = new Set([result.e164, result.digits, digitsOf(result.national), result.nationalNumber])
  return [...forms]
}

/**
 * The digits of a search query when it looks like (part of) a phone number: "0712 345" ->
 * "0712345"; undefined for a name query such as "Aïcha".
 */
export function phoneQueryDigits(query: string): string | undefined {
  const q = query.trim()
  if (!/^\+?[\d\s\u00A0\-().]+$/.test(q)) return undefined
  const digits = digitsOf(q)
  return digits.length >= 2 ? digits : undefined
}
