/** Countries where CommCare projects most often run, offered first in the default-country select. */
export const COMMON_COUNTRIES = [
  'KE',
  'UG',
  'TZ',
  'RW',
  'ET',
  'NG',
  'GH',
  'SN',
  'ML',
  'BF',
  'CI',
  'NE',
  'CM',
  'CD',
  'ZA',
  'ZM',
  'ZW',
  'MW',
  'MZ',
  'SL',
  'LR',
  'IN',
  'BD',
  'NP',
  'PK',
  'AF',
  'MM',
  'ID',
  'PH',
  'HT',
  'GT',
  'MX',
  'BR',
  'PE',
  'US',
  'GB',
  'FR',
  'CH'
] as const

let names: Intl.DisplayNames | null = null

/** "KE" -> "Kenya" (falls back to the code where the runtime has no region names). */
export function countryName(code: string): string {
  try {
    names ??= new Intl.DisplayNames(['en'], { type: 'region' })
    return names.of(code.toUpperCase()) ?? code
  } catch {
    return code
  }
}

export function isCountryCode(value: string): boolean {
  return /^[A-Z]{2}$/.test(value)
}
