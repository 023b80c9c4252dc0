import Papa from 'papaparse'
import { decodeBytes, detectEncoding, toBytes } from './encoding'
import { shapeTable } from './header'
import type { DelimitedTable, Delimiter, ParseIssue } from './table'

export interface DelimitedOptions {
  /** TextDecoder label chosen by the coordinator; detected when absent. */
  encoding?: string
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
  const sample = text.slice(0, 64 * 1024)
  const result = Papa.parse<string[]>(sample, {
    preview: 200,
    delimitersToGuess: DELIMITERS,
    skipEmptyLines: true
  })
  const found = result.meta.delimiter as Delimiter
  return DELIMITERS.includes(found) ? found : ','
}

/** Reads a CSV/TSV/TXT file's bytes: encoding, delimiter and header row detected unless given. */
export function parseDelimited(
  input: Uint8Array | ArrayBuffer,
  options: DelimitedOptions = {}
): DelimitedTable {
  const bytes = toBytes(input)
  const guess = options.encoding
    ? { encoding: options.encoding, confidence: 1, source: 'chosen' as const }
    : detectEncoding(bytes)
  const text = decodeBytes(bytes, guess.encoding)
  const table = parseDelimitedText(text, options)
  return {
    kind: 'delimited',
    encoding: guess.encoding,
    encodingConfidence: guess.confidence,
    encodingSource: guess.source,
    ...table
  }
}

/** The same, for text already decoded. */
export function parseDelimitedText(
  text: string,
  options: Omit<DelimitedOptions, 'encoding'> = {}
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

/** Papaparse in array mode; returns one record per row as the file counts rows. */
export function readRecords(text: string, delimiter: string): { records: string[][]; errors: ParseIssue[] } {
  const result = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: false, header: false })
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
