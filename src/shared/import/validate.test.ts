import { describe, expect, it } from 'vitest'
import {
  invitableRows,
  lookupsFromLists,
  validateRows,
  ValidatedRowSchema,
  ValidationIndex,
  type ImportRow,
  type ValidatedRow
} from './validate'

const lookups = lookupsFromLists({
  registered: [
    {
      digits: '254722000111',
      workerId: 'w1',
      username: 'grace.muthoni@demo-project.commcarehq.org',
      name: 'Grace Muthoni'
    }
  ],
  invited: [
    { digits: '254733555666', batchId: 3, invitedAt: '2025-01-05T09:00:00.000Z', status: 'in_use' },
    { digits: '254733555666', batchId: 7, invitedAt: '2025-03-02T10:00:00.000Z', status: 'success' }
  ]
})

const rows = (...phones: string[]): ImportRow[] => phones.map((phone, i) => ({ row: i + 2, phone }))
const brief = (r: ValidatedRow) => [r.row, r.status, r.message]

describe('validateRows', () => {
  it('classifies each row as ready, fixed, warning or error', () => {
    const results = validateRows(
      rows('0712 345 678', '722 111 222', '020 2345678', '12345', '254733111222'),
      { country: 'KE' }
    )
    expect(results.map(brief)).toEqual([
      [2, 'ready', ''],
      [3, 'fixed', 'put back the leading 0 (Excel drops it from numbers)'],
      [4, 'warning', 'looks like a landline number, which may not receive SMS'],
      [5, 'error', 'too short for a Kenyan number'],
      // HQ's own form (digits, no "+") that reads as international: nothing was repaired.
      [6, 'ready', '']
    ])
    expect(results[4]).toMatchObject({ e164: '+254733111222', repairs: [] })
    expect(results[0]).toEqual({
      row: 2,
      input: '0712 345 678',
      status: 'ready',
      e164: '+254712345678',
      digits: '254712345678',
      phoneType: 'MOBILE',
      message: '',
      repairs: [],
      fields: {}
    })
    expect(results[3]).toMatchObject({ e164: null, digits: null, phoneType: null })
    for (const r of results) expect(ValidatedRowSchema.parse(r)).toEqual(r)
  })

  it('marks later copies of a number as errors naming the first row, however they were written', () => {
    const results = validateRows(
      rows('0712 345 678', '+254712345678', '712345678', '0722 111 222', '2.54712345678E+11'),
      {
        country: 'KE'
      }
    )
    expect(results.map(brief)).toEqual([
      [2, 'ready', ''],
      [3, 'error', 'same number as row 2'],
      [4, 'error', 'same number as row 2; put back the leading 0 (Excel drops it from numbers)'],
      [5, 'ready', ''],
      [6, 'error', 'same number as row 2; rebuilt from scientific notation 2.54712345678E+11']
    ])
    expect(results[1]?.clash).toEqual({ kind: 'duplicate', firstRow: 2 })
    expect(results[0]?.clash).toBeUndefined()
  })

  it('counts the first copy by row number, not by position in the list', () => {
    const results = validateRows(
      [
        { row: 9, phone: '0712345678' },
        { row: 4, phone: '+254712345678' }
      ],
      { country: 'KE' }
    )
    expect(results.map(brief)).toEqual([
      [9, 'error', 'same number as row 4'],
      [4, 'ready', '']
    ])
  })

  it('refuses a number already registered, naming the worker', () => {
    const [result] = validateRows(rows('0722 000 111'), { country: 'KE', ...lookups })
    expect(result).toMatchObject({
      status: 'error',
      message: 'already registered as Grace Muthoni (grace.muthoni)',
      clash: {
        kind: 'registered',
        worker: { id: 'w1', username: 'grace.muthoni@demo-project.commcarehq.org', name: 'Grace Muthoni' }
      }
    })
  })

  it('warns about a number already invited, naming the latest batch', () => {
    const [result] = validateRows(rows('0733 555 666'), { country: 'KE', ...lookups })
    expect(result).toMatchObject({
      status: 'warning',
      message:
        'already invited on 2025-03-02 (batch 7, accepted by HQ); inviting again sends a new SMS and the earlier link stops working',
      clash: {
        kind: 'invited',
        batch: { batchId: 7, invitedAt: '2025-03-02T10:00:00.000Z', status: 'success' }
      }
    })
  })

  it('lists every problem of a row, the most serious first', () => {
    const results = validateRows(rows('0722000111', '254722000111', '0202345678'), {
      country: 'KE',
      ...lookups,
      findInvitationByDigits: (d) =>
        d === '254202345678'
          ? { batchId: 2, invitedAt: '2025-02-01T00:00:00Z', status: 'success' }
          : undefined
    })
    expect(results.map(brief)).toEqual([
      [2, 'error', 'already registered as Grace Muthoni (grace.muthoni)'],
      [3, 'error', 'already registered as Grace Muthoni (grace.muthoni); same number as row 2'],
      [
        4,
        'warning',
        'already invited on 2025-02-01 (batch 2, accepted by HQ); inviting again sends a new SMS and the earlier link stops working; ' +
          'looks like a landline number, which may not receive SMS'
      ]
    ])
    expect(results[1]?.clash?.kind).toBe('registered')
  })

  it('keeps the mapped fields with each row', () => {
    const [result] = validateRows([{ row: 2, phone: '0712345678', fields: { name: 'Amina' } }], {
      country: 'KE'
    })
    expect(result?.fields).toEqual({ name: 'Amina' })
  })

  it('calls lookups as methods, so a class instance works', () => {
    class Db {
      private readonly taken = new Set(['254722000111'])
      findWorkerByDigits(digits: string) {
        return this.taken.has(digits) ? { id: 'w9', username: 'x', name: 'X' } : undefined
      }
    }
    const withDb = new ValidationIndex(Object.assign(new Db(), { country: 'KE' as const }))
    expect(withDb.load(rows('0722000111'))[0]?.status).toBe('error')
    const later = new ValidationIndex({ country: 'KE' })
    expect(later.load(rows('0722000111'))[0]?.status).toBe('ready')
    expect(later.setLookups(new Db())[0]?.status).toBe('error')
  })

  // How fast this is lives in the benchmarks (npm run bench), not here.
  it('validates 100,000 rows and finds every repeat among them', () => {
    const many: ImportRow[] = Array.from({ length: 100_000 }, (_, i) => ({
      row: i + 2,
      // every tenth row repeats an earlier number
      phone: i % 10 === 9 ? `07${String(10_000_000 + i - 9)}` : `07${String(10_000_000 + i)}`,
      fields: { name: `Worker ${i}` }
    }))
    const results = validateRows(many, { country: 'KE', ...lookups })
    expect(results).toHaveLength(100_000)
    expect(results.filter((r) => r.status === 'error')).toHaveLength(10_000)
    expect(results[9]?.message).toBe('same number as row 2')
  })
})

describe('ValidationIndex (editing in the grid)', () => {
  const start = () => {
    const index = new ValidationIndex({ country: 'KE', ...lookups })
    index.load(rows('0712345678', '0722345678', '0712345678', '0712345678'))
    return index
  }

  it('makes an edited row a duplicate and reports only the rows that changed', () => {
    const index = start()
    const changed = index.update({ row: 3, phone: '+254712345678' })
    expect(changed.map(brief)).toEqual([[3, 'error', 'same number as row 2']])
    expect(index.counts()).toEqual({ ready: 1, fixed: 0, warning: 0, error: 3 })
  })

  it('clears the duplicate when the later copy is corrected', () => {
    const index = start()
    const changed = index.update({ row: 5, phone: '0733 000 999' })
    expect(changed.map(brief)).toEqual([[5, 'ready', '']])
    expect(index.get(4)?.message).toBe('same number as row 2')
  })

  it('promotes the next copy when the first copy is edited away', () => {
    const index = start()
    const changed = index.update({ row: 2, phone: '0733 000 999' })
    expect(changed.map(brief)).toEqual([
      [2, 'ready', ''],
      [4, 'ready', ''],
      [5, 'error', 'same number as row 4']
    ])
  })

  it('demotes the old first copy when an earlier row takes its number', () => {
    const index = new ValidationIndex({ country: 'KE' })
    index.load([
      { row: 2, phone: '0799 000 111' },
      { row: 5, phone: '0712345678' },
      { row: 7, phone: '0712345678' }
    ])
    const changed = index.update({ row: 2, phone: '712345678' })
    expect(changed.map(brief)).toEqual([
      [2, 'fixed', 'put back the leading 0 (Excel drops it from numbers)'],
      [5, 'error', 'same number as row 2'],
      [7, 'error', 'same number as row 2']
    ])
  })

  it('adds and removes rows', () => {
    const index = start()
    expect(index.update({ row: 1, phone: '0722345678' }).map(brief)).toEqual([
      [1, 'ready', ''],
      [3, 'error', 'same number as row 1']
    ])
    expect(index.remove(2).map(brief)).toEqual([
      [4, 'ready', ''],
      [5, 'error', 'same number as row 4']
    ])
    expect(index.get(2)).toBeUndefined()
    expect(index.remove(99)).toEqual([])
    expect(index.all().map((r) => r.row)).toEqual([1, 3, 4, 5])
  })

  it('turns an invalid edit into an error and frees its old number', () => {
    const index = start()
    const changed = index.update({ row: 2, phone: '07' })
    expect(changed.map(brief)).toEqual([
      [2, 'error', 'too short for a Kenyan number'],
      [4, 'ready', ''],
      [5, 'error', 'same number as row 4']
    ])
  })

  it('agrees with a full re-validation after a series of edits', () => {
    const index = new ValidationIndex({ country: 'KE', ...lookups })
    const current = new Map<number, string>()
    const phones = ['0712345678', '0722345678', '0733555666', '0722000111', '12', '254712345678']
    for (let row = 2; row < 40; row++) current.set(row, phones[row % phones.length] as string)
    index.load([...current].map(([row, phone]) => ({ row, phone })))
    // A fixed, repeatable series of edits, inserts and removals
    let seed = 7
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
    for (let step = 0; step < 300; step++) {
      const row = 2 + (next() % 45)
      if (next() % 5 === 0 && current.has(row)) {
        current.delete(row)
        index.remove(row)
      } else {
        const phone = phones[next() % phones.length] as string
        current.set(row, phone)
        index.update({ row, phone })
      }
    }
    const fresh = validateRows(
      [...current].map(([row, phone]) => ({ row, phone })),
      { country: 'KE', ...lookups }
    ).sort((a, b) => a.row - b.row)
    expect(index.all()).toEqual(fresh)
  })

  it('lists the distinct numbers to look up, then applies the lookups without re-parsing', () => {
    const index = new ValidationIndex({ country: 'KE' })
    index.load(rows('0722000111', '0733555666', '0733555666'))
    expect(index.digits().sort()).toEqual(['254722000111', '254733555666'])
    expect(index.rowsWithDigits('254733555666')).toEqual([3, 4])
    const all = index.setLookups(lookups)
    expect(all.map((r) => r.status)).toEqual(['error', 'warning', 'error'])
  })
})

describe('invitableRows', () => {
  it('sends ready and fixed rows, and warnings only when the coordinator accepts them', () => {
    const results = validateRows(
      [
        { row: 2, phone: '0712345678', fields: { name: 'Amina' } },
        { row: 3, phone: '254722111222' },
        { row: 4, phone: '0733555666' },
        { row: 5, phone: '0202345678' },
        { row: 6, phone: '12' },
        { row: 7, phone: '0712345678' }
      ],
      { country: 'KE', ...lookups }
    )
    expect(invitableRows(results)).toEqual([
      { row: 2, e164: '+254712345678', customUserData: { name: 'Amina' } },
      { row: 3, e164: '+254722111222', customUserData: {} }
    ])
    expect(invitableRows(results, { reinvite: true, nonMobile: true }).map((r) => r.row)).toEqual([
      2, 3, 4, 5
    ])
  })
})
