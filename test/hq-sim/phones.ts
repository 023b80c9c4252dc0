import { intBetween, pick, randomDigits, type Rng } from './prng'

// Mobile ranges that libphonenumber-js (metadata 1.13) accepts as valid mobile numbers; the
// generator test checks a large sample against isValidPhoneNumber so a metadata change shows up.
export const COUNTRY_RANGES = {
  KE: { callingCode: '254', prefixes: ['7'], restDigits: 8 }, // 7xx xxx xxx
  IN: { callingCode: '91', prefixes: ['9'], restDigits: 9 }, // 9xxxx xxxxx
  SN: { callingCode: '221', prefixes: ['70', '76', '77', '78'], restDigits: 7 },
  NG: { callingCode: '234', prefixes: ['703', '803', '805', '806', '813', '903'], restDigits: 7 },
  HT: { callingCode: '509', prefixes: ['3', '4'], restDigits: 7 },
  ET: { callingCode: '251', prefixes: ['9'], restDigits: 8 },
  GT: { callingCode: '502', prefixes: ['3', '4', '5'], restDigits: 7 },
  UG: { callingCode: '256', prefixes: ['70', '77'], restDigits: 7 }
} as const

export type CountryCode = keyof typeof COUNTRY_RANGES
export const COUNTRY_CODES = Object.keys(COUNTRY_RANGES) as CountryCode[]

// International digits without "+", the way HQ stores numbers.
export function mobileDigits(rng: Rng, country: CountryCode): string {
  const range = COUNTRY_RANGES[country]
  return range.callingCode + pick(rng, range.prefixes) + randomDigits(rng, range.restDigits)
}

// 0-3 numbers: mostly from the worker's home country, sometimes from a neighbour.
export function workerPhoneNumbers(rng: Rng, home: CountryCode): string[] {
  const r = rng()
  const count = r < 0.15 ? 0 : r < 0.7 ? 1 : r < 0.92 ? 2 : 3
  const numbers: string[] = []
  for (let i = 0; i < count; i++) {
    const country = rng() < 0.85 ? home : pick(rng, COUNTRY_CODES)
    const digits = mobileDigits(rng, country)
    // HQ keeps digits without "+"; older records and the docs show "+".
    numbers.push(rng() < 0.15 ? `+${digits}` : digits)
  }
  return numbers
}

export function randomCountry(rng: Rng): CountryCode {
  return COUNTRY_CODES[intBetween(rng, 0, COUNTRY_CODES.length - 1)] ?? 'KE'
}
