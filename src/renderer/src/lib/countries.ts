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

const names = new Map<string, Intl.DisplayNames>()

/** "KE" -> "Kenya" ("Sénégal" in French; falls back to the code where the runtime has no region names). */
export function countryName(code: string, lng = 'en'): string {
  try {
    let display = names.get(lng)
    if (!display) names.set(lng, (display = new Intl.DisplayNames([lng], { type: 'region' })))
    return display.of(code.toUpperCase()) ?? code
  } catch {
    return code
  }
}

export function isCountryCode(value: string): boolean {
  return /^[A-Z]{2}$/.test(value)
}
