/**
 * Property tests for the username rules: whatever a name or a Username cell holds, folding gives
 * only characters HQ allows (or nothing), a cell is taken or refused with a reason and a
 * suggestion HQ would take, and a template renders a username or falls back, never throws.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkUsernameCell,
  foldUsername,
  parseUsernameTemplate,
  renderUsername,
  usernameCharacterProblem,
  usernameLimit
} from './index'

const DOMAIN = 'demo-project'

/** Names in several scripts, with the punctuation and emoji people put in spreadsheets. */
const nameish = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('Aïcha', 'Ødegård', 'Nguyễn', 'Мария', 'محمد', 'አበበ', '王芳', "O'Brien", 'Zoë 🙂', '')
)

describe('username rules, for any input', () => {
  it('fold to characters HQ allows, or to nothing', () => {
    fc.assert(
      fc.property(nameish, (name) => {
        const folded = foldUsername(name)
        if (folded !== '') expect(usernameCharacterProblem(folded)).toBeUndefined()
      }),
      { numRuns: 1500 }
    )
  })

  it('take a Username cell as HQ would, or refuse it with a reason and a suggestion HQ would take', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          nameish,
          nameish.map((n) => `${n}@${DOMAIN}.commcarehq.org`)
        ),
        (cell) => {
          const checked = checkUsernameCell(cell, DOMAIN)
          if (checked.ok) {
            expect(usernameCharacterProblem(checked.username)).toBeUndefined()
            expect(checked.username.length).toBeLessThanOrEqual(usernameLimit(DOMAIN))
          } else {
            expect(checked.reason.trim()).not.toBe('')
            if (checked.base !== '') expect(usernameCharacterProblem(checked.base)).toBeUndefined()
          }
        }
      ),
      { numRuns: 1500 }
    )
  })

  it('parse any template into parts or an error message, and render any person without throwing', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.constantFrom('{first}.{last}', '{name}', '{digits}', '{row}', '{data:village}', '{first')
        ),
        nameish,
        nameish,
        (template, first, last) => {
          const parsed = parseUsernameTemplate(template, ['village'])
          if (!parsed.ok) {
            expect(parsed.error.trim()).not.toBe('')
            return
          }
          const { base } = renderUsername(parsed.parts, {
            first,
            last,
            name: `${first} ${last}`,
            digits: '254712345678',
            row: 2,
            fields: { village: last }
          })
          if (base !== '') expect(usernameCharacterProblem(base)).toBeUndefined()
        }
      ),
      { numRuns: 1000 }
    )
  })
})
