import * as XLSX from '@e965/xlsx'
import type { CellObject, WorkSheet } from '@e965/xlsx'
import { toBytes } from './bytes'
import { shapeTable } from './header'
import type { SheetTable } from './table'

export interface SheetOptions {
  /** Sheet name; the first sheet when absent. */
  sheet?: string
  /** Detected when absent. */
  hasHeader?: boolean
}

export interface Workbook {
  sheets: string[]
  readSheet(options?: SheetOptions): SheetTable
}

/** Thrown for files that are not spreadsheets and for unknown sheet names; the message is for people. */
export class SpreadsheetError extends Error {
  override name = 'SpreadsheetError'
}

/** Reads an XLSX/XLS/ODS workbook once; sheets can then be read one by one. */
export function openWorkbook(input: Uint8Array | ArrayBuffer): Workbook {
  let book: XLSX.WorkBook
  try {
    book = XLSX.read(toBytes(input), {
      type: 'array',
      dense: true,
      cellFormula: false,
      cellHTML: false,
      cellStyles: false
    })
  } catch (e) {
    throw new SpreadsheetError(`not a spreadsheet this app can read (${(e as Error).message})`)
  }
  const sheets = [...book.SheetNames]
  return {
    sheets,
    readSheet(options: SheetOptions = {}): SheetTable {
      const name = options.sheet ?? sheets[0]
      const sheet = name === undefined ? undefined : book.Sheets[name]
      if (name === undefined || !sheet) {
        throw new SpreadsheetError(
          sheets.length === 0
            ? 'the workbook has no sheets'
            : `there is no sheet "${name}"; the sheets are ${sheets.map((s) => `"${s}"`).join(', ')}`
        )
      }
      const { records, rowNumbers } = sheetRecords(sheet)
      return {
        kind: 'sheet',
        sheet: name,
        sheets,
        errors: [],
        ...shapeTable(records, rowNumbers, options.hasHeader)
      }
    }
  }
}

/** Sheet names without reading the cells. */
export function listSheets(input: Uint8Array | ArrayBuffer): string[] {
  try {
    return [...XLSX.read(toBytes(input), { type: 'array', bookSheets: true }).SheetNames]
  } catch (e) {
    throw new SpreadsheetError(`not a spreadsheet this app can read (${(e as Error).message})`)
  }
}

export function readSheet(input: Uint8Array | ArrayBuffer, options: SheetOptions = {}): SheetTable {
  return openWorkbook(input).readSheet(options)
}

function sheetRecords(sheet: WorkSheet): { records: string[][]; rowNumbers: number[] } {
  const ref = sheet['!ref']
  if (!ref) return { records: [], rowNumbers: [] }
  const range = XLSX.utils.decode_range(ref)
  const dense = sheet['!data'] as (CellObject | undefined)[][] | undefined
  const records: string[][] = []
  const rowNumbers: number[] = []
  for (let r = range.s.r; r <= range.e.r; r++) {
    const cells: string[] = []
    const row = dense ? dense[r] : undefined
    for (let c = 0; c <= range.e.c; c++) {
      const cell = dense ? row?.[c] : (sheet[XLSX.utils.encode_cell({ r, c })] as CellObject | undefined)
      cells.push(cellText(cell))
    }
    records.push(cells)
    rowNumbers.push(r + 1)
  }
  return { records, rowNumbers }
}

/** The text a cell shows, except that numbers keep every digit (phone numbers stored as numbers). */
export function cellText(cell: CellObject | undefined): string {
  if (!cell) return ''
  switch (cell.t) {
    case 'n':
      return numberText(cell.v as number, cell.w)
    case 's':
      return String(cell.v ?? '')
    case 'b':
      return cell.w ?? (cell.v ? 'TRUE' : 'FALSE')
    case 'd':
      return cell.w ?? (cell.v instanceof Date ? cell.v.toISOString().slice(0, 10) : String(cell.v ?? ''))
    case 'e':
      return cell.w ?? ''
    default:
      return ''
  }
}

function numberText(value: number, shown: string | undefined): string {
  const plain = plainNumber(value)
  if (shown === undefined) return plain
  // Excel's General format shows 254712345678 as 2.54712E+11: the value still has every digit.
  if (/\d[eE][+-]?\d/.test(shown)) return plain
  // "254,712,345,678" is the same number with grouping: the digits are what matters.
  if (shown.replace(/[,\s\u00A0\u202F.']/g, '') === plain) return plain
  // Otherwise the format adds something real, such as the leading 0 of "0000000000".
  return shown
}

function plainNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  if (Number.isInteger(value)) return Math.abs(value) < 1e21 ? value.toFixed(0) : BigInt(value).toString()
  return String(value)
}
