import { decodeBytes, toBytes } from './bytes'
import { detectEncoding } from './encoding'
import { parseDelimitedText, type DelimitedTextOptions } from './delimitedText'
import type { DelimitedTable } from './table'

export { detectDelimiter, parseDelimitedText, readRecords, type DelimitedTextOptions } from './delimitedText'

export interface DelimitedOptions extends DelimitedTextOptions {
  /** TextDecoder label chosen by the coordinator; detected when absent. */
  encoding?: string
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
