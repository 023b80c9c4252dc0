import { z } from 'zod'

/** A problem found while reading a file, with the row as the file counts it. */
export const ParseIssueSchema = z.object({
  row: z.number().int().min(1).optional(),
  message: z.string()
})
export type ParseIssue = z.infer<typeof ParseIssueSchema>

const TableBase = z.object({
  /** Column titles; "Column A", "Column B"... when the file has no header row. */
  headers: z.array(z.string()),
  /** Data rows (header and empty rows left out), each padded to headers.length cells. */
  rows: z.array(z.array(z.string())),
  /** rowNumbers[i] is rows[i]'s row number as the file (or spreadsheet) counts it; header = 1. */
  rowNumbers: z.array(z.number().int().min(1)),
  hasHeader: z.boolean(),
  errors: z.array(ParseIssueSchema)
})

export const DelimiterSchema = z.enum([',', ';', '\t'])
export type Delimiter = z.infer<typeof DelimiterSchema>

export const DelimitedTableSchema = TableBase.extend({
  kind: z.literal('delimited'),
  /** A TextDecoder label: 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252', or one the user chose. */
  encoding: z.string(),
  encodingConfidence: z.number().min(0).max(1),
  encodingSource: z.enum(['bom', 'detected', 'chosen']),
  delimiter: DelimiterSchema
})
export type DelimitedTable = z.infer<typeof DelimitedTableSchema>

export const SheetTableSchema = TableBase.extend({
  kind: z.literal('sheet'),
  sheet: z.string(),
  sheets: z.array(z.string())
})
export type SheetTable = z.infer<typeof SheetTableSchema>

export const PastedTableSchema = TableBase.extend({ kind: z.literal('paste') })
export type PastedTable = z.infer<typeof PastedTableSchema>

export const ParsedTableSchema = z.discriminatedUnion('kind', [
  DelimitedTableSchema,
  SheetTableSchema,
  PastedTableSchema
])
export type ParsedTable = z.infer<typeof ParsedTableSchema>

/** "A", "B", ... "Z", "AA": spreadsheet column letters, 0-based index. */
export function columnLetter(index: number): string {
  let n = index + 1
  let s = ''
  while (n > 0) {
    const r = (n - 1) % 26
    s = String.fromCharCode(65 + r) + s
    n = Math.floor((n - 1) / 26)
  }
  return s
}

export function isBlankRow(cells: readonly string[]): boolean {
  return cells.every((c) => c.trim() === '')
}
