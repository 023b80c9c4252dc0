import * as XLSX from '@e965/xlsx'
import { describe, expect, it } from 'vitest'
import { cellText, listSheets, openWorkbook, readSheet } from './xlsx'

type Cell = string | number | { v: number; z: string }

/** An .xlsx file in memory, as Excel would save it. */
function workbook(sheets: Record<string, Cell[][]>, origin = 'A1'): Uint8Array {
  const book = XLSX.utils.book_new()
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = XLSX.utils.aoa_to_sheet([])
    XLSX.utils.sheet_add_aoa(
      ws,
      rows.map((r) => r.map((c) => (typeof c === 'object' ? c.v : c))),
      { origin }
    )
    const start = XLSX.utils.decode_cell(origin)
    rows.forEach((r, ri) =>
      r.forEach((c, ci) => {
        if (typeof c === 'object') {
          const cell = ws[XLSX.utils.encode_cell({ r: start.r + ri, c: start.c + ci })] as XLSX.CellObject
          cell.z = c.z
        }
      })
    )
    XLSX.utils.book_append_sheet(book, ws, name)
  }
  return new Uint8Array(XLSX.write(book, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer)
}

describe('XLSX', () => {
  it('lists the sheets', () => {
    const bytes = workbook({ Kisumu: [['Phone']], 'Équipe B': [['Simu']] })
    expect(listSheets(bytes)).toEqual(['Kisumu', 'Équipe B'])
    expect(openWorkbook(bytes).sheets).toEqual(['Kisumu', 'Équipe B'])
  })

  it('gives phone numbers stored as numbers with every digit, never in E notation', () => {
    const bytes = workbook({
      Sheet1: [
        ['Name', 'Phone'],
        ['General format', 254712345678],
        ['Scientific format', { v: 254722345678, z: '0.00E+00' }],
        ['Thousands', { v: 254733345678, z: '#,##0' }],
        ['Leading-zero format', { v: 712345678, z: '0000000000' }],
        ['Plain', 712345678],
        ['Text', '2.54712E+11']
      ]
    })
    const table = readSheet(bytes)
    expect(table.rows.map((r) => r[1])).toEqual([
      '254712345678',
      '254722345678',
      '254733345678',
      '0712345678',
      '712345678',
      '2.54712E+11'
    ])
  })

  it('reads the sheet asked for, with row numbers as the spreadsheet shows them', () => {
    const bytes = workbook(
      {
        First: [['x']],
        Second: [
          ['Jina', 'Namba ya simu'],
          ['Wanjiru', 254745678901],
          ['', ''],
          ['Odhiambo', '0756 789 012']
        ]
      },
      'B3'
    )
    const table = openWorkbook(bytes).readSheet({ sheet: 'Second' })
    expect(table).toMatchObject({
      kind: 'sheet',
      sheet: 'Second',
      sheets: ['First', 'Second'],
      hasHeader: true,
      headers: ['Column A', 'Jina', 'Namba ya simu'],
      rowNumbers: [4, 6]
    })
    expect(table.rows).toEqual([
      ['', 'Wanjiru', '254745678901'],
      ['', 'Odhiambo', '0756 789 012']
    ])
  })

  it('names the sheets when asked for one that does not exist', () => {
    const bytes = workbook({ Kisumu: [['Phone']], Siaya: [['Phone']] })
    expect(() => readSheet(bytes, { sheet: 'Nakuru' })).toThrow(
      'there is no sheet "Nakuru"; the sheets are "Kisumu", "Siaya"'
    )
  })

  it('says a file that is not a spreadsheet cannot be read', () => {
    const zipLookalike = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8])
    expect(() => openWorkbook(zipLookalike)).toThrow(/not a spreadsheet this app can read/)
  })

  it('turns other cell types into the text Excel shows', () => {
    expect(cellText(undefined)).toBe('')
    expect(cellText({ t: 'b', v: true })).toBe('TRUE')
    expect(cellText({ t: 'e', v: 7, w: '#DIV/0!' })).toBe('#DIV/0!')
    expect(cellText({ t: 'n', v: 0.5, w: '50%' })).toBe('50%')
    expect(cellText({ t: 'n', v: 1e21 })).toBe('1000000000000000000000')
    expect(cellText({ t: 's', v: 'Aïcha' })).toBe('Aïcha')
  })
})
