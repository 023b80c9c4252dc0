import { getCountryCallingCode, isSupportedCountry, type CountryCode } from 'libphonenumber-js/max'

export type { CountryCode }

/** True for an ISO 3166 code libphonenumber knows ("KE", "SN"); case-insensitive. */
export function isCountryCode(code: string): code is CountryCode {
  return /^[A-Za-z]{2}$/.test(code) && isSupportedCountry(code.toUpperCase())
}

/** "ke" -> "KE" when supported, else undefined. */
export function toCountryCode(code: string | undefined | null): CountryCode | undefined {
  if (!code) return undefined
  const upper = code.trim().toUpperCase()
  return isSupportedCountry(upper) ? (upper as CountryCode) : undefined
}

export function callingCodeOf(country: CountryCode): string {
  return getCountryCallingCode(country)
}

// Adjectives for the countries CommCare projects most often work in; other countries fall back
// to "a number in <name>", which reads as well.
const ADJECTIVES: Partial<Record<CountryCode, string>> = {
  KE: 'Kenyan',
  UG: 'Ugandan',
  TZ: 'Tanzanian',
  RW: 'Rwandan',
  BI: 'Burundian',
  ET: 'Ethiopian',
  SO: 'Somali',
  SS: 'South Sudanese',
  NG: 'Nigerian',
  GH: 'Ghanaian',
  SL: 'Sierra Leonean',
  LR: 'Liberian',
  SN: 'Senegalese',
  ML: 'Malian',
  BF: 'Burkinabè',
  NE: 'Nigerien',
  CI: 'Ivorian',
  GN: 'Guinean',
  BJ: 'Beninese',
  TG: 'Togolese',
  CM: 'Cameroonian',
  CD: 'Congolese',
  MG: 'Malagasy',
  MW: 'Malawian',
  MZ: 'Mozambican',
  ZM: 'Zambian',
  ZW: 'Zimbabwean',
  ZA: 'South African',
  LS: 'Basotho',
  IN: 'Indian',
  PK: 'Pakistani',
  BD: 'Bangladeshi',
  NP: 'Nepali',
  MM: 'Myanmar',
  ID: 'Indonesian',
  PH: 'Philippine',
  HT: 'Haitian',
  GT: 'Guatemalan',
  US: 'US',
  GB: 'UK',
  FR: 'French'
}

let regionNames: Intl.DisplayNames | undefined | null

function regionName(country: CountryCode): string {
  if (regionNames === undefined) {
    try {
      regionNames = new Intl.DisplayNames(['en'], { type: 'region' })
    } catch {
      // Small-ICU builds: fall back to the code itself.
      regionNames = null
    }
  }
  return regionNames?.of(country) ?? country
}

/** "Kenya" */
export function countryName(country: CountryCode): string {
  return regionName(country)
}

/** "a Kenyan number", "a number in Peru"; with a qualifier: "a valid Kenyan number". */
export function aNumberIn(country: CountryCode, qualifier?: string): string {
  const adjective = ADJECTIVES[country]
  const words = adjective ? `${adjective} number` : `number in ${regionName(country)}`
  const phrase = qualifier ? `${qualifier} ${words}` : words
  // "an Indian number" but "a Ugandan number", "a UK number"
  return `${/^[AEIOaeio]/.test(phrase) ? 'an' : 'a'} ${phrase}`
}
