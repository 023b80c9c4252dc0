/**
 * Property tests for the CSV/XLSX reader: whatever bytes a file holds, reading it as delimited
 * text ends in a table (every row a list of strings) and reading it as a workbook ends in a
 * workbook or a SpreadsheetError with a message; neither hangs on large or hostile input.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { openWorkbook, parseDelimited, parsePaste, SpreadsheetError } from './index'

/** Text that looks like a phone list, with every line ending, quote and delimiter mixed in. */
const csvish = fc
  .array(
    fc.oneof(
      fc.stringMatching(/^[+0-9 ]{0,14}$/),
      fc.string({ maxLength: 12 }),
      fc.constantFrom('"', '""', '"a,b"', ',', ';', '\t', '\r\n', '\n', '\r', '\uFEFF', 'Name,Phone')
    ),
    { maxLength: 60 }
  )
  .map((parts) => parts.join(''))

const encodings = (text: string): Uint8Array[] => [
  new TextEncoder().encode(text),
  Uint8Array.from(Buffer.from(`\uFEFF${text}`, 'utf16le')),
  Uint8Array.from(Buffer.from(text, 'latin1'))
]

describe('the reader, for any file', () => {
  it('reads any bytes as delimited text into rows of strings, without throwing', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          csvish.chain((t) => fc.constantFrom(...encodings(t))),
          fc.uint8Array({ maxLength: 2000 })
        ),
        (bytes) => {
          const table = parseDelimited(bytes)
          for (const row of table.rows) for (const cell of row) expect(typeof cell).toBe('string')
        }
      ),
      { numRuns: 1000 }
    )
  })

  it('reads any pasted text into rows of strings', () => {
    fc.assert(
      fc.property(csvish, (text) => {
        const table = parsePaste(text)
        for (const row of table.rows) for (const cell of row) expect(typeof cell).toBe('string')
      }),
      { numRuns: 1000 }
    )
  })

  it('opens any bytes as a workbook or refuses with a SpreadsheetError and a message', () => {
    const zipLike = fc
      .uint8Array({ maxLength: 1500 })
      .map((rest) => Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...rest]))
    fc.assert(
      fc.property(fc.oneof(zipLike, fc.uint8Array({ maxLength: 1500 })), (bytes) => {
        try {
          openWorkbook(bytes)
        } catch (error) {
          expect(error).toBeInstanceOf(SpreadsheetError)
          expect((error as Error).message.trim()).not.toBe('')
        }
      }),
      { numRuns: 300 }
    )
  })

  it('reads a large file in reasonable time', () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => `Person ${i},+2547${String(i).padStart(8, '0')}`)
    const started = performance.now()
    const table = parseDelimited(new TextEncoder().encode(`Name,Phone\r\n${rows.join('\r\n')}\r\n`))
    expect(performance.now() - started).toBeLessThan(10_000)
    expect(table.rows).toHaveLength(50_000)
  })
})
