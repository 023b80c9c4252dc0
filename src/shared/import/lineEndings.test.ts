import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { isSpreadsheet, parseDelimited, parseDelimitedText } from './index'

const phones = (rows: readonly (readonly string[])[]) => rows.map((r) => r[0])

describe('line endings', () => {
  it('keeps every person of a CSV that mixes CRLF, LF and CR lines', () => {
    const text =
      'Phone,Name\r\n0711000001,Amina\r\n0711000002,Baraka\n0711000003,Chebet\r\n0711000004,Juma\r0711000005,Zawadi\r\n'
    const table = parseDelimitedText(text)
    expect(phones(table.rows)).toEqual(['0711000001', '0711000002', '0711000003', '0711000004', '0711000005'])
    expect(table.rows.map((r) => r[1])).toEqual(['Amina', 'Baraka', 'Chebet', 'Juma', 'Zawadi'])
  })

  it('keeps every person in every encoding (UTF-16 and Windows-1252 files too)', () => {
    const text = 'Phone;Nom\r\n0711000001;Aïcha\n0711000002;Éloïse\r\n0711000003;Ndèye\n'
    for (const bytes of [
      Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf16le')]),
      iconv.encode(text, 'win1252'),
      Buffer.from(text, 'utf8')
    ]) {
      const table = parseDelimited(new Uint8Array(bytes))
      expect(table.rows.map((r) => r[1])).toEqual(['Aïcha', 'Éloïse', 'Ndèye'])
    }
  })

  it('keeps a line break inside a quoted cell as part of the cell', () => {
    const table = parseDelimitedText('Phone,Note\r\n0711000001,"first line\r\nsecond line"\n0711000002,x\n')
    expect(phones(table.rows)).toEqual(['0711000001', '0711000002'])
    expect(table.rows[0]![1]).toBe('first line\nsecond line')
  })
})

describe('telling a spreadsheet from text', () => {
  it('goes by the zip or OLE signature whatever the name, else by the name', () => {
    expect(isSpreadsheet('list.csv', new Uint8Array([0x50, 0x4b, 0x03, 0x04]))).toBe(true)
    expect(isSpreadsheet('old', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]))).toBe(true)
    expect(isSpreadsheet('Roster.XLSX', new Uint8Array([1, 2, 3, 4]))).toBe(true)
    expect(isSpreadsheet('list.csv', new TextEncoder().encode('Phone\n0711'))).toBe(false)
  })
})
