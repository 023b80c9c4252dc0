/**
 * Delimited text once it is text. Kept apart from ./delimited, which decodes bytes and so loads
 * the encoding detector (jschardet): pasting and reading decoded text do not need it.
 */
import Papa from 'papaparse'
import { shapeTable } from './header'
import type { DelimitedTable, Delimiter, ParseIssue } from './table'

export interface DelimitedTextOptions {
  delimiter?: Delimiter
  /** Detected when absent. */
  hasHeader?: boolean
}

const DELIMITERS: Delimiter[] = [',', ';', '\t']

/** Excel honours (and writes, in some locales) a first line "sep=;" naming the delimiter. */
const SEP_LINE = /^sep=([,;\t])\r?\n/i

/** Guesses comma, semicolon or tab from the first rows; a single-column list gets a comma. */
export function detectDelimiter(text: string): Delimiter {
  const sep = SEP_LINE.exec(text)
  if (sep) return sep[1] as Delimiter
  const sample = oneLineEnding(text.slice(0, 64 * 1024))
  const result = Papa.parse<string[]>(sample, {
    newline: '\n',
    preview: 200,
    delimitersToGuess: DELIMITERS,
    skipEmptyLines: true
  })
  const found = result.meta.delimiter as Delimiter
  return DELIMITERS.includes(found) ? found : ','
}

/** A CSV/TSV/TXT file's text, already decoded: delimiter and header row detected unless given. */
export function parseDelimitedText(
  text: string,
  options: DelimitedTextOptions = {}
): Omit<DelimitedTable, 'kind' | 'encoding' | 'encodingConfidence' | 'encodingSource'> {
  let body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const sep = SEP_LINE.exec(body)
  const delimiter = options.delimiter ?? (sep ? (sep[1] as Delimiter) : detectDelimiter(body))
  // The sep= line is not a row in Excel either, so row numbers start after it.
  if (sep) body = body.slice(sep[0].length)
  const { records, errors } = readRecords(body, delimiter)
  const shaped = shapeTable(
    records,
    records.map((_, i) => i + 1),
    options.hasHeader
  )
  return { delimiter, errors, ...shaped }
}

/**
 * Papaparse picks ONE line ending for a whole file, so a CSV edited by hand (mostly CRLF, some
 * LF, an old Mac CR) would merge rows and lose people: every ending becomes LF first.
 */
export function oneLineEnding(text: string): string {
  return text.replace(/\r\n?/g, '\n')
}

/** Papaparse in array mode; returns one record per row as the file counts rows. */
export function readRecords(text: string, delimiter: string): { records: string[][]; errors: ParseIssue[] } {
  const result = Papa.parse<string[]>(oneLineEnding(text), {
    delimiter,
    newline: '\n',
    skipEmptyLines: false,
    header: false
  })
  const errors: ParseIssue[] = []
  for (const e of result.errors) {
    if (e.code === 'UndetectableDelimiter') continue
    const row = typeof e.row === 'number' ? e.row + 1 : undefined
    const message =
      e.code === 'MissingQuotes'
        ? 'a quote mark (") is never closed, so the rest of the file may have been read as one cell'
        : e.code === 'InvalidQuotes'
          ? 'a quote mark (") sits in the middle of a cell; check that cell'
          : e.message
    errors.push(row === undefined ? { message } : { row, message })
  }
  return { records: result.data, errors }
}
