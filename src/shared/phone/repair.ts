import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max'
import { listPhrases, strayFormatting } from './formatting'

/**
 * What Excel and copy-paste do to phone numbers, and how each is undone. A number written the
 * way people write numbers ("0712 345 678", "+254 712-345-678", "(0712) 345 678") loses its
 * separators silently; stray ones (dots, odd brackets, mixed or doubled separators, spaces
 * around the number: see ./formatting) are removed too, and that is a repair. Everything listed
 * in `repairs` is damage the coordinator should know was undone.
 */
export interface RepairResult {
  /** The number as digits with an optional leading "+", or the leftover text when it is not a number. */
  cleaned: string
  /** Human sentences, one per repair, in the order they were made. */
  repairs: string[]
  /** Set when the input is damaged beyond repair (digits lost); says why. */
  damaged?: string
}

/** Internal: the repair plus the parse it needed, so normalising does not parse twice. */
export interface RepairedAndParsed extends RepairResult {
  parsed?: PhoneNumber
}

const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g
const NON_BREAKING = /[\u00A0\u2007\u202F]/g
const TYPOGRAPHIC_DASH = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g
const FORMATTING = /[\s\-.()/[\]]/g
const URI_PREFIX = /^(tel|sms|callto)\s*:\s*/i
// Excel writes numbers of 12+ digits as 2.54712E+11 (General format); French Excel uses a comma.
const SCIENTIFIC = /^(\+?)(\d+)(?:[.,](\d*))?[eE]\+?(\d{1,2})$/
// A number cell read back as a float: "254712345678.0"
const FLOAT_TAIL = /^(\+?\d+)([.,]0+)$/
const THOUSANDS = /^\+?\d{1,3}(?:,\d{3})+$/
// Arabic-Indic and full-width digits are digits; libphonenumber reads them but HQ does not.
const OTHER_DIGITS = /[\u0660-\u0669\u06F0-\u06F9\uFF10-\uFF19]/g

/**
 * Countries where people write mobile numbers without the trunk 0 ("98765 43210" in India,
 * "803 123 4567" in Nigeria, "300 1234567" in Pakistan): there a number without it is valid as
 * written, not a leading zero Excel dropped.
 */
const WRITTEN_WITHOUT_TRUNK_ZERO: ReadonlySet<CountryCode> = new Set<CountryCode>(['IN', 'NG', 'PK'])

function toAsciiDigits(s: string): string {
  return s.replace(OTHER_DIGITS, (c) => {
    const code = c.charCodeAt(0)
    const zero = code >= 0xff10 ? 0xff10 : code >= 0x06f0 ? 0x06f0 : 0x0660
    return String(code - zero)
  })
}

function digitCount(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 48 && c <= 57) n++
  }
  return n
}

function onlyDigits(s: string): string {
  return s.replace(/\D/g, '')
}

function parse(text: string, country?: CountryCode): PhoneNumber | undefined {
  return parsePhoneNumberFromString(text, country)
}

/**
 * Repairs what spreadsheets do to phone numbers. `country` (the list's country) is needed to
 * recognise a lost leading zero or a lost "+"; without it only unambiguous repairs are made.
 */
export function repairInput(raw: string, country?: CountryCode): RepairResult {
  const { cleaned, repairs, damaged } = repairAndParse(raw, country)
  return damaged === undefined ? { cleaned, repairs } : { cleaned, repairs, damaged }
}

export function repairAndParse(raw: string, country?: CountryCode): RepairedAndParsed {
  const repairs: string[] = []
  let s = raw

  if (s.search(INVISIBLE) >= 0) {
    s = s.replace(INVISIBLE, '')
    repairs.push('removed invisible characters')
  }
  // Checked before non-breaking spaces become ordinary ones: those are reported on their own.
  const spacedAround = /^\s|\s$/.test(s.replace(NON_BREAKING, '0'))
  if (s.search(NON_BREAKING) >= 0) {
    s = s.replace(NON_BREAKING, ' ')
    repairs.push('removed non-breaking spaces')
  }
  s = toAsciiDigits(s).trim()

  // ="0712345678" is the formula people use to stop Excel dropping the leading 0.
  let m = /^="(.*)"$/.exec(s)
  if (m) {
    s = (m[1] ?? '').trim()
    repairs.push('removed the ="…" wrapper used to keep Excel from changing the number')
  }
  if (s.startsWith("'")) {
    s = s.slice(1).trim()
    repairs.push('removed the apostrophe Excel puts before text')
  }
  m = URI_PREFIX.exec(s)
  if (m) {
    s = s.slice(m[0].length).trim()
    repairs.push(`removed '${(m[1] ?? '').toLowerCase()}:' prefix`)
  }
  if (s.search(TYPOGRAPHIC_DASH) >= 0) {
    s = s.replace(TYPOGRAPHIC_DASH, '-')
    repairs.push('replaced typographic dashes')
  }
  if (s === '') return { cleaned: '', repairs }

  const several = severalNumbers(s)
  if (several) return { cleaned: s, repairs, damaged: several }

  // Stray formatting is said first, where it was removed, before the repairs that read digits.
  const at = repairs.length
  const compact = s.replace(/\s+/g, '')
  m = SCIENTIFIC.exec(compact)
  if (m) {
    const rebuilt = fromScientific(m[1] ?? '', m[2] ?? '', m[3] ?? '', Number(m[4]), compact)
    if ('damaged' in rebuilt) return { cleaned: compact, repairs, damaged: rebuilt.damaged }
    s = rebuilt.digits
    repairs.push(`rebuilt from scientific notation ${compact}`)
  } else if ((m = FLOAT_TAIL.exec(compact))) {
    s = m[1] ?? ''
    repairs.push(`removed '${m[2]}' left by a number cell`)
  } else if (THOUSANDS.test(compact)) {
    s = compact.replace(/,/g, '')
    repairs.push('removed thousands separators')
  }

  const cleaned = s.replace(FORMATTING, '')
  if (!/^\+?\d+$/.test(cleaned)) return { cleaned, repairs }
  const result = cleaned.startsWith('+')
    ? repairInternational(cleaned, repairs)
    : repairDigits(cleaned, country, repairs)
  const stray = strayFormatting(s, result.parsed)
  if (spacedAround) stray.push('spaces around the number')
  if (stray.length > 0) result.repairs.splice(at, 0, `removed ${listPhrases(stray)}`)
  return result
}

/** "0712 345 678 / 0722 345 678": two numbers in one cell cannot be told apart by a machine. */
function severalNumbers(s: string): string | undefined {
  const parts = s.split(/\s*(?:[,;|&/\n]|\bor\b|\bou\b)\s*/i).filter((part) => digitCount(part) >= 7)
  if (parts.length < 2) return undefined
  return `holds ${parts.length} numbers (${parts.join(', ')}); put one number per row`
}

function fromScientific(
  plus: string,
  intPart: string,
  fracRaw: string,
  exponent: number,
  shown: string
): { digits: string } | { damaged: string } {
  let frac = fracRaw
  if (frac.length > exponent) {
    if (/[^0]/.test(frac.slice(exponent))) {
      return { damaged: `${shown} is a decimal number, not a phone number` }
    }
    frac = frac.slice(0, exponent)
  }
  // The mantissa holds every digit Excel kept; positions past it were rounded away. A phone number
  // that happens to end in zeros cannot be told from one whose digits were lost, so never guess.
  if (frac.length < exponent) {
    const lost = exponent - frac.length
    return {
      damaged:
        `Excel saved this number as ${shown} and dropped its last ${lost} digit${lost === 1 ? '' : 's'}; ` +
        'type it again from the original list (format the column as Text before pasting)'
    }
  }
  return { digits: plus + intPart + frac }
}

function repairInternational(cleaned: string, repairs: string[]): RepairedAndParsed {
  const parsed = parse(cleaned)
  // "+254 (0)712 345 678": the national trunk 0 written after the country code, which
  // libphonenumber drops when the rest is valid. HQ would keep it, so say so and drop it here too.
  if (parsed?.isValid() && cleaned === `+${parsed.countryCallingCode}0${parsed.nationalNumber}`) {
    repairs.push(`removed the 0 after the country code +${parsed.countryCallingCode}`)
    return { cleaned: parsed.number, repairs, parsed }
  }
  return { cleaned, repairs, parsed }
}

function repairDigits(d: string, country: CountryCode | undefined, repairs: string[]): RepairedAndParsed {
  if (d.startsWith('00') && d.length > 6) {
    // 00 is the international prefix in most of the world. A country with another prefix (Kenya
    // dials 000) may still have a valid national reading, which wins.
    const national = country ? parse(d, country) : undefined
    if (!national?.isValid()) {
      const international = parse(`+${d.slice(2)}`)
      if (international?.isValid()) {
        repairs.push('replaced the international prefix 00 with +')
        return { cleaned: `+${d.slice(2)}`, repairs, parsed: international }
      }
    }
  }

  if (!country) {
    // Without a country only a long number that is valid with a "+" is read as international;
    // national numbers (with their trunk 0) are never that long.
    if (!d.startsWith('0') && d.length >= 11) {
      const international = parse(`+${d}`)
      if (international?.isValid()) return lostPlus(d, international, repairs)
    }
    return { cleaned: d, repairs }
  }

  const parsed = parse(d, country)
  if (parsed?.isValid()) {
    const cc = parsed.countryCallingCode
    const national = parsed.nationalNumber
    if (!d.startsWith('0') && d.length === cc.length + national.length && d === cc + national) {
      // libphonenumber found the country code at the start of the digits: the "+" was lost.
      return lostPlus(d, parsed, repairs)
    }
    if (
      d === national &&
      !WRITTEN_WITHOUT_TRUNK_ZERO.has(country) &&
      onlyDigits(parsed.format('NATIONAL')) === `0${d}`
    ) {
      repairs.push('put back the leading 0 (Excel drops it from numbers)')
      return { cleaned: `0${d}`, repairs, parsed }
    }
    return { cleaned: d, repairs, parsed }
  }

  if (!d.startsWith('0')) {
    // Countries whose numbers themselves start with 0 (Italian landlines) break without it.
    const withZero = parse(`0${d}`, country)
    if (withZero?.isValid() && onlyDigits(withZero.format('NATIONAL')) === `0${d}`) {
      repairs.push('put back the leading 0 (Excel drops it from numbers)')
      return { cleaned: `0${d}`, repairs, parsed: withZero }
    }
    // A number from another country, written with its country code but without the "+".
    const international = parse(`+${d}`)
    if (international?.isValid()) return lostPlus(d, international, repairs)
  }
  return { cleaned: d, repairs, parsed }
}

/**
 * Digits that read as a valid international number: HQ stores and exports numbers this way
 * (digits, no "+"), so the "+" is not damage to report, only implied.
 */
function lostPlus(d: string, parsed: PhoneNumber, repairs: string[]): RepairedAndParsed {
  return { cleaned: `+${d}`, repairs, parsed }
}
