import * as XLSX from '@e965/xlsx'
import { describe, expect, it } from 'vitest'
import type { GridRow } from '../screens/invite/gridState'
import { createInlineClient } from './client'
import { ImportEngine } from './engine'
import type { ChecksResult, Progress, RowsResult, SourceInfo } from './protocol'

function utf16le(text: string): ArrayBuffer {
  const bytes = new Uint8Array(2 + text.length * 2)
  bytes[0] = 0xff
  bytes[1] = 0xfe
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    bytes[2 + i * 2] = code & 0xff
    bytes[3 + i * 2] = code >> 8
  }
  return bytes.buffer
}

function latin1(text: string): ArrayBuffer {
  return new Uint8Array(Array.from(text, (c) => c.charCodeAt(0))).buffer
}

function workbook(sheets: Record<string, string[][]>): ArrayBuffer {
  const book = XLSX.utils.book_new()
  for (const [name, rows] of Object.entries(sheets)) {
    XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), name)
  }
  const out = XLSX.write(book, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer
  return out
}

async function open(engine: ImportEngine, name: string, data: ArrayBuffer): Promise<SourceInfo> {
  return (await engine.handle({ op: 'openFile', name, data })) as SourceInfo
}

describe('the import engine', () => {
  it('reads a UTF-16 LE file with a BOM (Excel’s “Unicode Text”) with tabs', async () => {
    const engine = new ImportEngine()
    const info = await open(engine, 'list.txt', utf16le('Phone\tNom\n0712345678\tAïcha\n'))
    expect(info).toMatchObject({
      kind: 'delimited',
      encoding: 'utf-16le',
      bom: true,
      delimiter: '\t',
      hasHeader: true
    })
    expect(info.headers).toEqual(['Phone', 'Nom'])
    expect(info.preview).toEqual([['0712345678', 'Aïcha']])
    expect(info.mapping.phone).toBe(0)
  })

  it('detects Windows-1252 and re-reads the same bytes as UTF-8 when the coordinator says so', async () => {
    const engine = new ImportEngine()
    const info = await open(engine, 'list.csv', latin1('Téléphone;Nom\r\n0712345678;Aïcha\r\n'))
    expect(info).toMatchObject({ encoding: 'windows-1252', delimiter: ';', bom: false })
    expect(info.preview[0]![1]).toBe('Aïcha')
    const again = (await engine.handle({ op: 'reread', options: { encoding: 'utf-8' } })) as SourceInfo
    expect(again.encodingSource).toBe('chosen')
    expect(again.preview[0]![1]).not.toBe('Aïcha')
  })

  it('reads the sheet the coordinator picks from a workbook', async () => {
    const engine = new ImportEngine()
    const data = workbook({
      Notes: [['Read me']],
      Workers: [
        ['Mobile', 'Name'],
        ['+254712345678', 'Amina']
      ]
    })
    const first = await open(engine, 'book.xlsx', data)
    expect(first).toMatchObject({ kind: 'sheet', sheet: 'Notes', sheets: ['Notes', 'Workers'] })
    const chosen = (await engine.handle({ op: 'reread', options: { sheet: 'Workers' } })) as SourceInfo
    expect(chosen.sheet).toBe('Workers')
    expect(chosen.preview).toEqual([['+254712345678', 'Amina']])
  })

  it('turns the mapped columns into grid rows, reporting progress, and asks about every valid number once', async () => {
    const engine = new ImportEngine()
    const info = await open(engine, 'list.csv', latin1('Phone,Name,Empty\n0712345678,Amina,\n0722,Baraka,\n'))
    const progress: Progress[] = []
    const rows = (await engine.handle({ op: 'rows', mapping: info.mapping, country: 'KE' }, (p) =>
      progress.push(p)
    )) as RowsResult
    expect(rows.rows).toEqual([
      { id: 1, row: 2, phone: '0712345678', fields: { Name: 'Amina' } },
      { id: 2, row: 3, phone: '0722', fields: { Name: 'Baraka' } }
    ])
    expect(rows.fieldKeys).toEqual(['Name'])
    expect(rows.digits).toEqual(['254712345678'])
    expect(progress.at(-1)).toEqual({ phase: 'checking', done: 2, total: 2 })

    const checks = (await engine.handle({
      op: 'lookups',
      lookup: { registered: [], invited: [], takenUsernames: [] }
    })) as ChecksResult
    expect(new Map(checks.checks).get(1)).toMatchObject({ status: 'ready', e164: '+254712345678' })
    expect(new Map(checks.checks).get(2)).toMatchObject({ status: 'error' })
  })

  it('re-checks only the rows an edit touches, and asks about a number typed in that it has not seen', async () => {
    const engine = new ImportEngine()
    const rows: GridRow[] = [
      { id: 1, row: 2, phone: '0712345678', fields: {} },
      { id: 2, row: 3, phone: '0712 345 678', fields: {} },
      { id: 3, row: 4, phone: '0733000111', fields: {} }
    ]
    await engine.handle({ op: 'start', rows, country: 'KE' })
    const all = (await engine.handle({
      op: 'lookups',
      lookup: { registered: [], invited: [], takenUsernames: [] }
    })) as ChecksResult
    expect(new Map(all.checks).get(2)?.message).toMatch(/same number as row 2/)

    // Fixing the duplicate changes row 3 (now unique) and nothing else.
    const edit = (await engine.handle({
      op: 'update',
      upsert: [{ id: 2, row: 3, phone: '0722000111', fields: {} }],
      remove: []
    })) as ChecksResult
    expect(edit.checks.map(([id]) => id)).toEqual([2])
    expect(edit.checks[0]![1].status).toBe('ready')
    expect(edit.needLookup).toEqual(['254722000111'])

    const clash = (await engine.handle({
      op: 'lookups',
      lookup: {
        registered: [],
        takenUsernames: [],
        invited: [
          {
            digits: '254722000111',
            batchId: 3,
            invitedAt: '2025-01-02T00:00:00Z',
            status: 'success',
            registered: false
          }
        ]
      }
    })) as ChecksResult
    expect(clash.checks).toHaveLength(1)
    expect(clash.checks[0]![1]).toMatchObject({ status: 'warning', invitedBefore: true })

    // Removing row 2 leaves no duplicate behind and reports nothing for the removed row.
    const removed = (await engine.handle({ op: 'update', upsert: [], remove: [1] })) as ChecksResult
    expect(removed.checks.map(([id]) => id)).not.toContain(1)
  })

  it('counts only live earlier invitations as invited before, not failed or refused attempts', async () => {
    const engine = new ImportEngine()
    const rows: GridRow[] = [
      { id: 1, row: 2, phone: '0711000001', fields: {} },
      { id: 2, row: 3, phone: '0711000002', fields: {} },
      { id: 3, row: 4, phone: '0711000003', fields: {} },
      { id: 4, row: 5, phone: '0711000004', fields: {} },
      { id: 5, row: 6, phone: '0711000005', fields: {} },
      { id: 6, row: 7, phone: '0711000006', fields: {} },
      { id: 7, row: 8, phone: '0711000007', fields: {} },
      { id: 8, row: 9, phone: '0711000008', fields: {} }
    ]
    await engine.handle({ op: 'start', rows, country: 'KE' })
    const at = (day: number) => `2025-02-0${day}T10:00:00Z`
    const checks = (await engine.handle({
      op: 'lookups',
      lookup: {
        registered: [],
        takenUsernames: [],
        invited: [
          { digits: '254711000001', batchId: 1, invitedAt: at(1), status: 'failed', registered: false },
          {
            digits: '254711000002',
            batchId: 1,
            invitedAt: at(1),
            status: 'invalid_format',
            registered: false
          },
          { digits: '254711000003', batchId: 1, invitedAt: at(1), status: 'in_use', registered: false },
          { digits: '254711000004', batchId: 1, invitedAt: at(1), status: 'success', registered: false },
          { digits: '254711000005', batchId: 1, invitedAt: at(1), status: 'queued', registered: false },
          { digits: '254711000006', batchId: 1, invitedAt: at(1), status: 'unknown', registered: false },
          { digits: '254711000007', batchId: 1, invitedAt: at(1), status: 'sending', registered: false },
          // Accepted once, then a later attempt failed: the first link still works.
          { digits: '254711000008', batchId: 1, invitedAt: at(1), status: 'success', registered: false },
          { digits: '254711000008', batchId: 2, invitedAt: at(2), status: 'failed', registered: false }
        ]
      }
    })) as ChecksResult
    const byId = new Map(checks.checks)
    for (const id of [1, 2, 3]) {
      expect(byId.get(id)).toMatchObject({ status: 'ready' })
      expect(byId.get(id)?.invitedBefore).toBeUndefined()
      expect(byId.get(id)?.message).not.toMatch(/already invited/)
    }
    for (const id of [4, 5, 6, 7, 8]) {
      expect(byId.get(id)).toMatchObject({ status: 'warning', invitedBefore: true })
      expect(byId.get(id)?.message).toMatch(/already invited/)
    }
    expect(byId.get(8)?.message).toMatch(/batch 1\b/)
  })

  it('answers in order through the in-process client, and says which step failed', async () => {
    const client = createInlineClient()
    await expect(client.request({ op: 'reread', options: {} })).rejects.toThrow(
      /Open a file or paste cells first/
    )
    const info = await client.request({ op: 'openText', text: '0712345678\n0722000111\n' })
    expect(info).toMatchObject({ kind: 'paste', hasHeader: false, rowCount: 2 })
    const rows = await client.request({ op: 'rows', mapping: info.mapping, country: 'KE' })
    expect(rows.rows.map((r) => r.phone)).toEqual(['0712345678', '0722000111'])
  })
})

describe('the import engine with accounts (channels 2 and 3)', () => {
  const accounts = {
    channel: 'sms-confirmation',
    domain: 'demo-project',
    template: '{first}.{last}'
  } as const

  it('maps the name columns to the account, makes usernames, asks about them, and numbers the taken ones', async () => {
    const engine = new ImportEngine()
    await engine.handle({ op: 'accounts', accounts })
    const info = (await engine.handle({
      op: 'openText',
      text: 'Phone\tFirst name\tLast name\tVillage\n0712345678\tAmina\tDiallo\tKisumu\n0733000111\tAmina\tDiallo\t'
    })) as SourceInfo
    expect(info.mapping.roles).toEqual({ first_name: 1, last_name: 2 })
    const rows = (await engine.handle({ op: 'rows', mapping: info.mapping, country: 'KE' })) as RowsResult
    expect(rows.fieldKeys).toEqual(['Village'])
    expect(rows.accountKeys).toEqual(['first_name', 'last_name'])
    expect(rows.rows[0]!.account).toEqual({ first_name: 'Amina', last_name: 'Diallo' })
    expect(rows.usernames).toContain('amina.diallo')

    const checks = (await engine.handle({
      op: 'lookups',
      lookup: { registered: [], invited: [], takenUsernames: ['amina.diallo'] }
    })) as ChecksResult
    const byId = new Map(checks.checks)
    expect(byId.get(1)).toMatchObject({ status: 'ready', username: 'amina.diallo2', usernameMade: true })
    expect(byId.get(2)).toMatchObject({ status: 'ready', username: 'amina.diallo3', firstName: 'Amina' })
  })

  it('checks an edited username at once and asks about the new one', async () => {
    const engine = new ImportEngine()
    await engine.handle({ op: 'accounts', accounts })
    const rows: GridRow[] = [
      { id: 1, row: 2, phone: '0712345678', fields: {}, account: { username: 'chris' } },
      { id: 2, row: 3, phone: '0733000111', fields: {}, account: { username: 'chris' } }
    ]
    await engine.handle({ op: 'start', rows, country: 'KE' })
    const first = (await engine.handle({
      op: 'lookups',
      lookup: { registered: [], invited: [], takenUsernames: [] }
    })) as ChecksResult
    expect(new Map(first.checks).get(2)).toMatchObject({ status: 'error', usernameSuggestion: 'chris2' })

    const edit = (await engine.handle({
      op: 'update',
      upsert: [{ ...rows[1]!, account: { username: 'baraka' } }],
      remove: []
    })) as ChecksResult
    expect(new Map(edit.checks).get(2)).toMatchObject({ status: 'ready', username: 'baraka' })
    expect(edit.needUsernames).toContain('baraka')
  })

  it('checks every row again when the channel changes, and drops the accounts for channel 1', async () => {
    const engine = new ImportEngine()
    const rows: GridRow[] = [
      { id: 1, row: 2, phone: '0712345678', fields: {}, account: { first_name: 'Amina' } }
    ]
    await engine.handle({ op: 'start', rows, country: 'KE' })
    const withAccounts = (await engine.handle({
      op: 'accounts',
      accounts: { ...accounts, channel: 'email-confirmation' }
    })) as ChecksResult
    expect(withAccounts.checks[0]![1]).toMatchObject({ status: 'error', username: 'amina' })
    expect(withAccounts.checks[0]![1].message).toMatch(/no e-mail address/)
    const without = (await engine.handle({ op: 'accounts', accounts: null })) as ChecksResult
    expect(without.checks[0]![1]).toEqual({ status: 'ready', e164: '+254712345678', message: '' })
  })
})
