import * as XLSX from '@e965/xlsx'
import type { CellObject, WorkSheet } from '@e965/xlsx'

// HQ reads uploads with openpyxl (corehq/util/workbook_json/excel.py): only a real .xlsx (a zip)
// opens; row 1 holds the headers, reading stops at the first empty header cell and at the first
// fully empty row. Cells keep their type, because HQ's rules differ for text and numbers.

export type Cell =
  { kind: 'text'; value: string } | { kind: 'number'; value: number } | { kind: 'bool'; value: boolean }

export interface Sheet {
  headers: string[]
  rows: Map<string, Cell>[] // header -> cell; empty cells are absent
}

export class WorkbookError extends Error {}

function toCell(c: CellObject | undefined): Cell | null {
  if (!c || c.v === undefined || c.v === null) return null
  if (c.t === 's') return c.v === '' ? null : { kind: 'text', value: String(c.v) }
  if (c.t === 'n') return { kind: 'number', value: Number(c.v) }
  if (c.t === 'b') return { kind: 'bool', value: Boolean(c.v) }
  if (c.t === 'd') return { kind: 'text', value: String(c.w ?? c.v) }
  return null
}

function readSheet(ws: WorkSheet): Sheet {
  const range = XLSX.utils.decode_range(ws['!ref'] ?? 'A1:A1')
  const headers: string[] = []
  for (let col = range.s.c; col <= range.e.c; col++) {
    const cell = toCell(ws[XLSX.utils.encode_cell({ r: range.s.r, c: col })] as CellObject | undefined)
    if (!cell) break
    headers.push(String(cell.value).trim())
  }
  const rows: Map<string, Cell>[] = []
  for (let r = range.s.r + 1; r <= range.e.r; r++) {
    const row = new Map<string, Cell>()
    headers.forEach((header, i) => {
      const cell = toCell(ws[XLSX.utils.encode_cell({ r, c: range.s.c + i })] as CellObject | undefined)
      if (cell) row.set(header, cell)
    })
    if (row.size === 0) break
    rows.push(row)
  }
  return { headers, rows }
}

// The `users` sheet, else the first one.
export function readUsersSheet(file: Uint8Array): Sheet {
  const zip = file.length >= 4 && file[0] === 0x50 && file[1] === 0x4b && file[2] === 0x03 && file[3] === 0x04
  if (!zip) throw new WorkbookError('File is not a zip file')
  let wb: XLSX.WorkBook
  try {
    wb = XLSX.read(file, { type: 'array', cellDates: false })
  } catch (e) {
    throw new WorkbookError(e instanceof Error ? e.message : String(e))
  }
  const name = wb.SheetNames.includes('users') ? 'users' : wb.SheetNames[0]
  const ws = name === undefined ? undefined : wb.Sheets[name]
  if (!ws) throw new WorkbookError('the workbook has no sheet')
  return readSheet(ws)
}
