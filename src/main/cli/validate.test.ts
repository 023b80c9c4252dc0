import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { lookupsFromLists } from '../../shared/import'
import { ROSTER } from '../../../test/fixtures/import/fixture-data'
import { KE_UTF8_REPEATED_ROW, runCli } from './testing'
import { parseValidateArgs, runValidate, type ValidateIo, type ValidateJsonRow } from './validate'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/import')
const fixture = (name: string) => join(fixtures, name)
const temp = mkdtempSync(join(tmpdir(), 'roster-validate-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

function tempFile(name: string, content: string): string {
  const path = join(temp, name)
  writeFileSync(path, content)
  return path
}

const run = (args: string[], extra: Partial<ValidateIo> = {}) => runCli(runValidate, args, extra)

const lookup = lookupsFromLists(ROSTER)

describe('roster validate --json', () => {
  it('prints one object per row with the row numbers of the file, and exits 1 when a row has an error', async () => {
    const { code, stdout, stderr } = await run([fixture('ke-utf8.csv'), '--country', 'KE', '--json'], {
      lookup
    })
    expect(stderr).toBe('')
    expect(code).toBe(1)
    const rows = JSON.parse(stdout) as ValidateJsonRow[]
    expect(rows.map((r) => [r.row, r.status, r.e164])).toEqual([
      [2, 'ready', '+254712345678'],
      [3, 'ready', '+254722111222'],
      [4, 'fixed', '+254733444555'],
      [5, 'error', null],
      [6, 'fixed', '+254710222333'],
      [7, 'error', '+254712345678'],
      [8, 'error', '+254722000111'],
      [9, 'warning', '+254733555666'],
      [10, 'warning', '+254202345678'],
      [12, 'error', null],
      [13, 'fixed', '+254745678901'],
      [14, 'fixed', '+254756789012'],
      [15, 'error', '+254722111222'],
      [16, 'ready', '+254799888777']
    ])
    expect(rows[5]).toEqual(KE_UTF8_REPEATED_ROW)
    expect(rows[6]?.message).toBe('already registered as Grace Muthoni (grace.muthoni)')
    expect(Object.keys(rows[0] ?? {})).toEqual(['row', 'input', 'status', 'e164', 'message'])
  })

  it('reads a sheet of a workbook by name', async () => {
    const { code, stdout } = await run([
      fixture('roster.xlsx'),
      '--sheet',
      'Équipe B',
      '--country',
      'KE',
      '--json'
    ])
    expect(code).toBe(1)
    expect(
      (JSON.parse(stdout) as ValidateJsonRow[]).map((r) => [r.row, r.input, r.status, r.message])
    ).toEqual([
      [2, '254745678901', 'ready', ''],
      [3, '0756 789 012', 'ready', ''],
      [4, '756789012', 'error', 'same number as row 3; put back the leading 0 (Excel drops it from numbers)']
    ])
  })

  it('exits 0 when no row has an error, warnings included', async () => {
    const file = tempFile('clean.csv', 'Name,Phone\nAmina,0712 345 678\nIrène,020 2345678\n')
    const { code, stdout } = await run([file, '--country', 'ke', '--json'])
    expect(code).toBe(0)
    expect((JSON.parse(stdout) as ValidateJsonRow[]).map((r) => r.status)).toEqual(['ready', 'warning'])
  })
})

describe('roster validate (table)', () => {
  it('prints what it read, a table and a count per status', async () => {
    const { code, stdout } = await run([fixture('sn-windows1252.csv'), '--country', 'SN'], { lookup })
    expect(code).toBe(1)
    const lines = stdout.split('\n')
    expect(lines[0]).toBe(
      'sn-windows1252.csv (windows-1252, semicolon-separated): phone numbers in column C "Téléphone"'
    )
    expect(lines[2]).toMatch(/^Row\s+Status\s+Number\s+Input\s+Message$/)
    expect(lines[3]).toMatch(/^2\s+ready\s+\+221771234567\s+77 123 45 67$/)
    expect(lines[4]).toMatch(/^3\s+ready\s+\+221771112233\s+221771112233$/)
    expect(lines[8]).toMatch(
      /^7\s+error\s+\+221760001122\s+76 000 11 22\s+already registered as Clément Sow \(clement\.sow\)$/
    )
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('10 rows: 2 ready, 2 fixed, 2 warning, 4 error')
  })

  it('reads a headerless list of numbers and says which column it used', async () => {
    const { stdout } = await run([fixture('ke-numbers.txt'), '--country', 'KE'], { lookup })
    expect(stdout.split('\n')[0]).toBe('ke-numbers.txt (utf-8, comma-separated): phone numbers in column A')
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('14 rows: 3 ready, 4 fixed, 2 warning, 5 error')
  })

  it('names the sheet of a workbook', async () => {
    const { stdout } = await run([fixture('roster.xlsx'), '--country', 'KE'], { lookup })
    expect(stdout.split('\n')[0]).toBe('roster.xlsx, sheet "Kisumu": phone numbers in column B "Phone"')
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('8 rows: 3 ready, 1 fixed, 1 warning, 3 error')
  })
})

describe('roster validate: choosing the column', () => {
  const file = tempFile('two-numbers.csv', 'Name,Phone,Other phone\nAmina,0712345678,0722345678\n')

  it('takes --column by title, letter or number', async () => {
    for (const column of ['other phone', 'C', '3']) {
      const { stdout } = await run([file, '--country', 'KE', '--json', '--column', column])
      expect((JSON.parse(stdout) as ValidateJsonRow[])[0]?.e164).toBe('+254722345678')
    }
  })

  it('lists the columns when --column names none of them', async () => {
    const { code, stderr } = await run([file, '--country', 'KE', '--column', 'Mobile'])
    expect(code).toBe(2)
    expect(stderr).toBe(
      'roster validate: two-numbers.csv has no column "Mobile" (columns: A "Name", B "Phone", C "Other phone")\n'
    )
  })

  it('fails when no column holds phone numbers', async () => {
    const names = tempFile('names.csv', 'Name,Village\nAmina,Kisumu\n')
    const { code, stderr } = await run([names, '--country', 'KE'])
    expect(code).toBe(1)
    expect(stderr).toBe(
      'cannot tell which column of names.csv holds the phone numbers; name it with --column (columns: A "Name", B "Village")\n'
    )
  })
})

describe('roster validate: country', () => {
  it('needs --country when numbers are written the national way, and says which rows', async () => {
    const { code, stderr, stdout } = await run([fixture('ke-utf8.csv')])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toBe(
      'roster validate: ke-utf8.csv: rows 2, 6, 8, 9, 10 and 3 more are not in international form (+ and country code); ' +
        'say which country the numbers are from with --country, e.g. --country KE\n'
    )
  })

  it('does without --country when every number is international', async () => {
    const file = tempFile('intl.csv', 'Phone\n+254712345678\ntel:+221771234567\n00256712345678\n')
    const { code, stdout } = await run([file, '--json'])
    expect(code).toBe(0)
    expect((JSON.parse(stdout) as ValidateJsonRow[]).map((r) => r.e164)).toEqual([
      '+254712345678',
      '+221771234567',
      '+256712345678'
    ])
  })

  it('rejects an unknown country code', async () => {
    const { code, stderr } = await run([fixture('ke-utf8.csv'), '--country', 'XX'])
    expect(code).toBe(2)
    expect(stderr.split('\n')[0]).toBe(
      'roster validate: unknown country "XX"; use a two-letter code such as KE'
    )
  })
})

describe('roster validate: files that cannot be read', () => {
  it('exits 1 with one line naming the file', async () => {
    const missing = join(temp, 'nope.csv')
    const { code, stderr, stdout } = await run([missing, '--country', 'KE'])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(`cannot read ${missing}: no such file\n`)
  })

  it('says a folder is not a file', async () => {
    const { code, stderr } = await run([temp, '--country', 'KE'])
    expect(code).toBe(1)
    expect(stderr).toBe(`cannot read ${temp}: it is a folder, not a file\n`)
  })

  it('says a broken workbook cannot be read', async () => {
    const broken = tempFile('broken.xlsx', 'PK\u0003\u0004 not really a zip')
    const { code, stderr } = await run([broken, '--country', 'KE'])
    expect(code).toBe(1)
    expect(stderr).toMatch(/^cannot read broken\.xlsx: not a spreadsheet this app can read/)
    expect(stderr.trimEnd().split('\n')).toHaveLength(1)
  })

  it('says an empty file has no rows', async () => {
    const empty = tempFile('empty.csv', '\n\n')
    const { code, stderr } = await run([empty, '--country', 'KE'])
    expect(code).toBe(1)
    expect(stderr).toBe('empty.csv has no rows to check\n')
  })
})

describe('roster validate: usage', () => {
  it('exits 2 with the usage line for a missing file or an unknown option', async () => {
    for (const args of [[], ['a.csv', 'b.csv'], ['a.csv', '--colour', 'red'], ['a.csv', '--country']]) {
      const { code, stderr } = await run(args)
      expect(code).toBe(2)
      expect(stderr).toMatch(/^roster validate: .+\nusage: roster validate FILE/)
    }
  })

  it('exits 2 for --sheet on a text file and for an unknown sheet', async () => {
    const csv = await run([fixture('ke-utf8.csv'), '--country', 'KE', '--sheet', 'x'])
    expect(csv.code).toBe(2)
    expect(csv.stderr).toBe('roster validate: --sheet only applies to spreadsheets (xlsx, xls, ods)\n')
    const xlsx = await run([fixture('roster.xlsx'), '--country', 'KE', '--sheet', 'Nakuru'])
    expect(xlsx.code).toBe(2)
    expect(xlsx.stderr).toBe(
      'roster validate: roster.xlsx has no sheet "Nakuru"; its sheets are "Kisumu", "Équipe B"\n'
    )
  })

  it('prints the usage for --help', async () => {
    const { code, stdout } = await run(['--help'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^usage: roster validate FILE \[--country CC\]/)
  })

  it('parses every option for the dispatcher', () => {
    expect(
      parseValidateArgs([
        'f.csv',
        '--country',
        'sn',
        '--domain',
        'demo',
        '--db',
        '/x/roster.db',
        '--json',
        '--sheet',
        'S',
        '--column',
        'B'
      ])
    ).toEqual({
      ok: true,
      options: {
        file: 'f.csv',
        country: 'SN',
        domain: 'demo',
        db: '/x/roster.db',
        json: true,
        sheet: 'S',
        column: 'B'
      }
    })
  })
})

describe('roster validate: database lookups', () => {
  it('opens the lookups from --db and --domain through openLookup', async () => {
    const seen: unknown[] = []
    const { code, stdout } = await run(
      [fixture('ke-utf8.csv'), '--country', 'KE', '--json', '--db', '/x/roster.db', '--domain', 'demo'],
      {
        openLookup: (options) => {
          seen.push(options)
          return lookup
        }
      }
    )
    expect(code).toBe(1)
    expect(seen).toEqual([{ db: '/x/roster.db', domain: 'demo' }])
    expect((JSON.parse(stdout) as ValidateJsonRow[]).find((r) => r.row === 9)?.status).toBe('warning')
  })

  it('reports a database that cannot be opened as one line', async () => {
    const { code, stderr } = await run([fixture('ke-utf8.csv'), '--country', 'KE', '--db', '/x/roster.db'], {
      openLookup: () => {
        throw new Error('no roster database at /x/roster.db')
      }
    })
    expect(code).toBe(1)
    expect(stderr).toBe('cannot open the roster database: no roster database at /x/roster.db\n')
  })

  it('says when --db was given but nothing can read it', async () => {
    const { stderr } = await run([
      fixture('ke-utf8.csv'),
      '--country',
      'KE',
      '--json',
      '--db',
      '/x/roster.db'
    ])
    expect(stderr).toBe('note: registered and invited numbers were not checked (no database available)\n')
  })
})

describe('roster validate: large files', () => {
  it('prints the table of a 150,000-row file without overflowing the stack', async () => {
    const lines = ['name,phone']
    for (let i = 0; i < 150_000; i++) lines.push(`Person ${i},+2547${String(i).padStart(8, '0')}`)
    const file = tempFile('large.csv', `${lines.join('\n')}\n`)

    const table = await run([file, '--country', 'KE'])
    expect(table.stderr).toBe('')
    expect(table.code).toBe(0)
    expect(table.stdout.trimEnd().split('\n').at(-1)).toBe(
      '150000 rows: 150000 ready, 0 fixed, 0 warning, 0 error'
    )
  }, 120_000)
})
