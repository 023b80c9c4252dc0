import type { PhoneNumber } from 'libphonenumber-js/max'

/**
 * Which separators in a written number are how people write numbers, and which are stray.
 *
 * Written normally, and removed without comment:
 * - digit groups joined by one kind of separator, a single space or a single dash throughout:
 *   "0712 345 678", "0712-345-678", "+254 712 345678";
 * - a space after the country code, whatever joins the rest: "+254 712-345-678";
 * - the first group (an area code, or the trunk 0 after a country code) in brackets, as many
 *   countries write it: "(0712) 345 678", "(212) 555-0100", "+254 (0) 712 345 678";
 * - the country's own form of the number as libphonenumber writes it, national or behind the
 *   country code, which covers habits such as Brazil's "(11) 96123-4567" and "+55 11 96123-4567"
 *   or New Caledonia's dots ("23.45.67").
 *
 * Everything else is stray, and removing it is a repair the coordinator is told about: dots,
 * slashes, other brackets, doubled spaces or dashes, tabs and line breaks, unusual spaces,
 * spaces mixed with dashes, a break inside the country code or right after the "+", digits
 * spaced out one by one, and spaces around the whole number.
 */

/** "(0712) ", "+254 (0) ", "+1 (212) ": the bracketed first group. */
const LEAD_BRACKETS = /^(?:\+\d+ ?)?\(\d+\) ?/
const LINE_BREAK_OR_TAB = /[\t\n\v\f\r\u2028\u2029]/
const UNUSUAL_SPACE = /[^\S \t\n\v\f\r\u2028\u2029]/

/**
 * What is stray in `written` (the number as typed, trimmed, with only digits, "+" and
 * separators left), as phrases for "removed …"; empty when it is written normally. `parsed`
 * is the number when it could be read, for the country code and the country's own format.
 */
export function strayFormatting(written: string, parsed?: PhoneNumber): string[] {
  if (/^\+?\d*$/.test(written)) return []
  const found = findStray(written, parsed?.countryCallingCode)
  if (found.length === 0) return found
  // The country's own way of writing is never stray, even when it mixes spaces and dashes (or
  // uses dots, as New Caledonia does). Formatting costs time, so only when it could match.
  if (
    parsed?.isValid() &&
    found.every((phrase) => COUNTRY_FORM_PHRASES.has(phrase)) &&
    countryForms(parsed).includes(written)
  ) {
    return []
  }
  return found
}

// What libphonenumber's own forms can contain that the plain rules call stray.
const COUNTRY_FORM_PHRASES = new Set([
  'dots',
  'brackets',
  'mixed spaces and dashes',
  'spaces between single digits',
  'dashes between single digits'
])

/**
 * "(11) 96123-4567", "+55 11 96123 4567" and "+55 11 96123-4567": libphonenumber's national and
 * international forms, and the national form behind the country code (its trunk prefix and
 * brackets dropped), which is how people abroad write a number they know the local way.
 */
function countryForms(parsed: PhoneNumber): string[] {
  const national = parsed.format('NATIONAL')
  const forms = [national, parsed.format('INTERNATIONAL')]
  const digits = national.replace(/\D/g, '')
  if (digits.endsWith(parsed.nationalNumber)) {
    let trunk = digits.length - parsed.nationalNumber.length
    let i = 0
    for (; i < national.length && trunk > 0; i++) if (/\d/.test(national[i] as string)) trunk--
    const rest = national
      .slice(i)
      .replace(/^[^\d(]+/, '')
      .replace(/^\((\d+)\)/, '$1')
    forms.push(`+${parsed.countryCallingCode} ${rest}`)
  }
  return forms
}

function findStray(written: string, cc: string | undefined): string[] {
  const found = new Set<string>()
  if (written.includes('.')) found.add('dots')
  if (written.includes('/')) found.add('slashes')

  // The part whose separators must agree: after a bracketed first group, or after
  // "+<country code> ", or else after the "+".
  const lead = LEAD_BRACKETS.exec(written)
  const afterCountryCode = !lead && cc !== undefined && written.startsWith(`+${cc} `)
  const afterPlus = !lead && !afterCountryCode && written.startsWith('+')
  const rest = lead
    ? written.slice(lead[0].length)
    : afterCountryCode
      ? written.slice((cc as string).length + 2)
      : written.replace(/^\+/, '')
  if (/[()[\]{}]/.test(rest)) found.add('brackets')

  // Splitting on a captured group alternates separators and digit groups: [sep, digits, sep, ..., sep].
  const runs = rest.split(/(\d+)/)
  const kinds = new Set<string>()
  runs.forEach((run, i) => {
    if (i % 2 === 1 || run === '') return
    if (LINE_BREAK_OR_TAB.test(run)) found.add('tabs and line breaks')
    if (UNUSUAL_SPACE.test(run)) found.add('unusual spaces')
    const spaces = (run.match(/ /g) ?? []).length
    const dashes = (run.match(/-/g) ?? []).length
    if (spaces + dashes === 0) return
    const edge = i === 0 || i === runs.length - 1
    if (edge && i === 0 && afterPlus) found.add(`the ${spaces > 0 ? 'space' : 'dash'} after the +`)
    else if (edge) found.add(dashes > 0 ? 'stray dashes' : 'extra spaces')
    else if (spaces > 1 || (spaces > 0 && dashes > 0)) found.add('extra spaces')
    else if (dashes > 1) found.add('extra dashes')
    else if (run === ' ' || run === '-') kinds.add(run)
  })
  if (kinds.size > 1) found.add('mixed spaces and dashes')

  const groups = runs.filter((_, i) => i % 2 === 1)
  if (groups.some((g, i) => g.length === 1 && groups[i + 1]?.length === 1)) {
    found.add(`${kinds.has(' ') || !kinds.has('-') ? 'spaces' : 'dashes'} between single digits`)
  }
  if (cc !== undefined) {
    const first = /^\+(\d+)\D/.exec(written)?.[1]
    if (first !== undefined && first.length < cc.length) found.add(`a break inside the country code +${cc}`)
  }
  return [...found]
}

/** "dots", "dots and brackets", "dots, brackets and extra spaces" */
export function listPhrases(phrases: readonly string[]): string {
  if (phrases.length <= 1) return phrases[0] ?? ''
  return `${phrases.slice(0, -1).join(', ')} and ${phrases[phrases.length - 1]}`
}
