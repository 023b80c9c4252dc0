/**
 * Property tests for the phone rules: whatever a cell holds, normalising it ends (quickly) in a
 * number or a refusal with a reason; a number is E.164 and agrees with its own digits; and a
 * number's E.164 normalises to itself (no repair changes a number already written right).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { normalisePhone, repairInput, type CountryCode } from './index'

const COUNTRIES: CountryCode[] = ['KE', 'IN', 'NG', 'PK', 'SN', 'FR', 'US', 'BR', 'GB']

/** Cells as spreadsheets and people produce them: digits and separators, anything else now and then. */
const phoneish = fc.oneof(
  fc.stringMatching(/^[+0-9 ()\-.]{0,24}$/),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.integer({ min: 0, max: 10 ** 12 }).map((n) => `${n}`),
  fc.double({ min: 1e8, max: 1e13, noNaN: true }).map((n) => n.toExponential())
)

describe('normalisePhone, for any input', () => {
  it('never throws and always ends in an E.164 number or a refusal with a reason', () => {
    fc.assert(
      fc.property(phoneish, fc.option(fc.constantFrom(...COUNTRIES), { nil: undefined }), (raw, country) => {
        const result = normalisePhone(raw, country)
        if (result.ok) {
          expect(result.e164).toMatch(/^\+[1-9]\d{5,15}$/)
          expect(result.e164).toBe(`+${result.digits}`)
          expect(result.digits.startsWith(result.callingCode)).toBe(true)
        } else {
          expect(result.reason.trim()).not.toBe('')
        }
        for (const repair of result.repairs) expect(repair.trim()).not.toBe('')
      }),
      { numRuns: 2000 }
    )
  })

  it('reads a number it accepted, written as E.164, as the same number', () => {
    fc.assert(
      fc.property(phoneish, fc.constantFrom(...COUNTRIES), (raw, country) => {
        const first = normalisePhone(raw, country)
        if (!first.ok) return
        const again = normalisePhone(first.e164, country)
        expect(again.ok).toBe(true)
        if (again.ok) expect(again.e164).toBe(first.e164)
      }),
      { numRuns: 2000 }
    )
  })

  it('repairs any text in linear time: a long cell does not hang the import', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 5000, maxLength: 20_000 }), (raw) => {
        const started = performance.now()
        repairInput(raw, 'KE')
        normalisePhone(raw, 'KE')
        expect(performance.now() - started).toBeLessThan(1000)
      }),
      { numRuns: 30 }
    )
  })
})
