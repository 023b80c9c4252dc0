import { describe, expect, it } from 'vitest'
import { detectDelimiter, parseDelimited, parseDelimitedText } from './delimited'
import { decodeBytes, detectEncoding } from './encoding'
import { detectHeaderRow } from './header'
import { parsePaste } from './paste'

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

/** Windows-1252 for Latin-1 text: those characters have the byte of their code point. */
function cp1252(s: string): Uint8Array {
  return Uint8Array.from(
    [...s].map((c) => {
      const code = c.charCodeAt(0)
      if (code > 0xff) throw new Error(`not in Latin-1: ${c}`)
      return code
    })
  )
}

function utf16(s: string, order: 'le' | 'be', bom: boolean): Uint8Array {
  const out: number[] = bom ? (order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]) : []
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i)
    if (order === 'le') out.push(code & 0xff, code >> 8)
    else out.push(code >> 8, code & 0xff)
  }
  return Uint8Array.from(out)
}

const FRENCH =
  'Nom;Prénom;Téléphone\r\nDiallo;Aïcha;77 123 45 67\r\nNdiaye;Françoise;77 222 33 44\r\nSeck;Hélène;76 555 44 33\r\n'

describe('encoding detection', () => {
  it('trusts a byte order mark', () => {
    expect(detectEncoding(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41]))).toEqual({
      encoding: 'utf-8',
      confidence: 1,
      source: 'bom'
    })
    expect(detectEncoding(utf16('Name\tPhone', 'le', true)).encoding).toBe('utf-16le')
    expect(detectEncoding(utf16('Name\tPhone', 'be', true)).encoding).toBe('utf-16be')
  })

  it('recognises UTF-16 without a BOM by its zero bytes', () => {
    expect(detectEncoding(utf16('Name\tPhone\r\nAmina\t0712345678\r\n', 'le', false))).toEqual({
      encoding: 'utf-16le',
      confidence: 0.9,
      source: 'detected'
    })
    expect(detectEncoding(utf16('Name\tPhone\r\nAmina\t0712345678\r\n', 'be', false)).encoding).toBe(
      'utf-16be'
    )
  })

  it('reads accented UTF-8 as UTF-8 and plain ASCII as UTF-8 with full confidence', () => {
    expect(detectEncoding(utf8(FRENCH))).toEqual({ encoding: 'utf-8', confidence: 0.99, source: 'detected' })
    expect(detectEncoding(utf8('Name,Phone\nAmina,0712345678\n'))).toEqual({
      encoding: 'utf-8',
      confidence: 1,
      source: 'detected'
    })
  })

  it('guesses Windows-1252 for French Excel CSV', () => {
    const guess = detectEncoding(cp1252(FRENCH))
    expect(guess.encoding).toBe('windows-1252')
    expect(guess.confidence).toBeGreaterThanOrEqual(0.5)
    expect(decodeBytes(cp1252(FRENCH), guess.encoding)).toBe(FRENCH)
  })

  it('lowers its confidence when the bytes look like a non-Latin alphabet', () => {
    // "Анна Иванова" and friends in Windows-1251
    const cyrillic = Uint8Array.from([
      ...utf8('name;phone\r\n'),
      0xc0,
      0xed,
      0xed,
      0xe0,
      0x20,
      0xc8,
      0xe2,
      0xe0,
      0xed,
      0xee,
      0xe2,
      0xe0,
      ...utf8(';0712345678\r\n'),
      0xd1,
      0xe5,
      0xf0,
      0xe3,
      0xe5,
      0xe9,
      0x20,
      0xcf,
      0xe5,
      0xf2,
      0xf0,
      0xee,
      0xe2,
      ...utf8(';0722333444\r\n'),
      0xce,
      0xeb,
      0xfc,
      0xe3,
      0xe0,
      0x20,
      0xd1,
      0xec,
      0xe8,
      0xf0,
      0xed,
      0xee,
      0xe2,
      0xe0,
      ...utf8(';0733111222\r\n')
    ])
    const guess = detectEncoding(cyrillic)
    expect(guess.encoding).toBe('windows-1252')
    expect(guess.confidence).toBeLessThan(0.5)
  })

  it('refuses an encoding name it does not know, in words', () => {
    expect(() => decodeBytes(utf8('x'), 'klingon')).toThrow(
      '"klingon" is not a text encoding this app can read'
    )
  })
})

describe('delimited files', () => {
  it('detects comma, semicolon and tab', () => {
    expect(detectDelimiter('Name,Phone,Village\nAmina,0712 345 678,Kisumu\n')).toBe(',')
    expect(detectDelimiter('Nom;Téléphone;Ville\nDiallo;77 123 45 67;Thiès\n')).toBe(';')
    expect(detectDelimiter('Name\tPhone\nAmina\t0712 345 678\n')).toBe('\t')
    // One column: nothing to separate
    expect(detectDelimiter('0712345678\n0722345678\n')).toBe(',')
  })

  it('returns the encoding, delimiter, header and rows of a Windows-1252 file', () => {
    const table = parseDelimited(cp1252(FRENCH))
    expect(table).toMatchObject({
      kind: 'delimited',
      encoding: 'windows-1252',
      encodingSource: 'detected',
      delimiter: ';',
      hasHeader: true,
      headers: ['Nom', 'Prénom', 'Téléphone'],
      rowNumbers: [2, 3, 4],
      errors: []
    })
    expect(table.rows[1]).toEqual(['Ndiaye', 'Françoise', '77 222 33 44'])
  })

  it('decodes with the encoding the coordinator chose', () => {
    const wrong = parseDelimited(cp1252(FRENCH), { encoding: 'utf-8' })
    expect(wrong.encodingSource).toBe('chosen')
    expect(wrong.headers[1]).toBe('Pr\uFFFDnom')
    const right = parseDelimited(cp1252(FRENCH), { encoding: 'windows-1252', delimiter: ';' })
    expect(right.headers[1]).toBe('Prénom')
  })

  it('reads ArrayBuffer input as well as Uint8Array', () => {
    const bytes = utf8('Name,Phone\nAmina,0712345678\n')
    const copy = new ArrayBuffer(bytes.byteLength)
    new Uint8Array(copy).set(bytes)
    expect(parseDelimited(copy).rows).toEqual([['Amina', '0712345678']])
  })

  it('numbers rows as the file does, across empty lines and quoted line breaks', () => {
    const text =
      'Name,Phone,Note\nAmina,0712345678,ok\n\n"Brian",0722345678,"two\nlines"\nChebet,0733345678,\n\n'
    const table = parseDelimitedText(text)
    expect(table.rowNumbers).toEqual([2, 4, 5])
    expect(table.rows).toEqual([
      ['Amina', '0712345678', 'ok'],
      ['Brian', '0722345678', 'two\nlines'],
      ['Chebet', '0733345678', '']
    ])
  })

  it('pads short rows and names columns beyond the header', () => {
    const table = parseDelimitedText('Name,Phone\nAmina,0712345678,Kisumu\nBrian\n')
    expect(table.headers).toEqual(['Name', 'Phone', 'Column C'])
    expect(table.rows).toEqual([
      ['Amina', '0712345678', 'Kisumu'],
      ['Brian', '', '']
    ])
  })

  it('honours the "sep=;" line Excel writes, and does not count it as a row', () => {
    const table = parseDelimitedText('sep=;\r\nName;Phone\r\nAmina, W.;0712345678\r\n')
    expect(table.delimiter).toBe(';')
    expect(table.headers).toEqual(['Name', 'Phone'])
    expect(table.rows).toEqual([['Amina, W.', '0712345678']])
    expect(table.rowNumbers).toEqual([2])
  })

  it('reports an unclosed quote with its row', () => {
    const table = parseDelimitedText('Name,Phone\nAmina,0712345678\n"Brian,0722345678\nChebet,0733345678\n')
    expect(table.errors).toEqual([
      {
        row: 3,
        message: 'a quote mark (") is never closed, so the rest of the file may have been read as one cell'
      }
    ])
  })

  it('reads a file with no header row', () => {
    const table = parseDelimitedText('Amina,0712345678\nBrian,0722345678\n')
    expect(table.hasHeader).toBe(false)
    expect(table.headers).toEqual(['Column A', 'Column B'])
    expect(table.rowNumbers).toEqual([1, 2])
  })

  it('lets the coordinator say whether there is a header row', () => {
    const table = parseDelimitedText('Amina,0712345678\nBrian,0722345678\n', { hasHeader: true })
    expect(table.headers).toEqual(['Amina', '0712345678'])
    expect(table.rowNumbers).toEqual([2])
  })

  it('reads an empty file as no rows', () => {
    expect(parseDelimited(new Uint8Array(0))).toMatchObject({ rows: [], headers: [], hasHeader: false })
  })
})

describe('header row detection', () => {
  it('sees titles above data', () => {
    expect(detectHeaderRow(['Name', 'Phone'], [['Amina', '0712345678']])).toBe(true)
    expect(detectHeaderRow(['Jina', 'Namba ya simu'], [['Amina', '0712345678']])).toBe(true)
    // Unknown titles: the column below holds numbers, the title does not
    expect(detectHeaderRow(['Mfanyakazi', 'Kituo', 'Xyz'], [['Amina', 'Kisumu', '0712345678']])).toBe(true)
  })

  it('sees data in the first row', () => {
    expect(detectHeaderRow(['Amina', '0712345678'], [['Brian', '0722345678']])).toBe(false)
    expect(detectHeaderRow(['+254712345678'], [['+254722345678']])).toBe(false)
    expect(detectHeaderRow(['Amina', 'Kisumu'], [['Brian', 'Siaya']])).toBe(false)
  })
})

describe('pasted cells', () => {
  it('reads Excel clipboard text: tabs, CRLF and a trailing line break', () => {
    const table = parsePaste('Name\tPhone\r\nAmina\t0712 345 678\r\nBrian\t254722345678\r\n')
    expect(table).toEqual({
      kind: 'paste',
      errors: [],
      hasHeader: true,
      headers: ['Name', 'Phone'],
      rows: [
        ['Amina', '0712 345 678'],
        ['Brian', '254722345678']
      ],
      rowNumbers: [2, 3]
    })
  })

  it('keeps a quoted cell with a line break or tab in one cell', () => {
    const table = parsePaste('Name\tPhone\tNote\n"Amina\nWanjiru"\t0712345678\t"a\tb"\nBrian\t0722345678\t\n')
    expect(table.rows).toEqual([
      ['Amina\nWanjiru', '0712345678', 'a\tb'],
      ['Brian', '0722345678', '']
    ])
  })

  it('reads one copied column of numbers, without a final line break (Google Sheets)', () => {
    const table = parsePaste('0712345678\n0722345678\n\n0733345678')
    expect(table.hasHeader).toBe(false)
    expect(table.headers).toEqual(['Column A'])
    expect(table.rows).toEqual([['0712345678'], ['0722345678'], ['0733345678']])
    expect(table.rowNumbers).toEqual([1, 2, 4])
  })

  it('keeps commas and semicolons inside pasted cells', () => {
    expect(parsePaste('Otieno, Brian\t0722;345678\n').rows).toEqual([['Otieno, Brian', '0722;345678']])
  })
})
