import { afterEach, describe, expect, it } from 'vitest'
import { replaceApplications } from '../db/applications'
import { writeWorkers } from '../db/workers'
import {
  BatchNumberSchema,
  BatchSummarySchema,
  InviteLookupSchema,
  InviteProgressSchema
} from '../../shared/invite'
import {
  batchProgress,
  cancelQueued,
  createBatch,
  exportBatchCsv,
  getBatch,
  listBatches,
  lookupInvitations,
  markRegistered,
  reinvite,
  validationLookup
} from './index'
import { InviteError } from './errors'
import { kenyanNumbers, rowsOf, tempDb, type TempDb } from './testing'

let t: TempDb
afterEach(() => t?.cleanup())

const options = { appId: 'app-1' }

function errorOf(fn: () => unknown): InviteError {
  try {
    fn()
  } catch (error) {
    if (error instanceof InviteError) return error
    throw error
  }
  throw new Error('expected an InviteError')
}

describe('creating a batch', () => {
  it('writes the batch and every number, queued, before anything is sent', () => {
    t = tempDb()
    const numbers = kenyanNumbers(250)
    const id = createBatch(t.db, {
      projectId: t.project.id,
      options: { appId: 'app-1', androidOnly: true, message: 'Register: {}' },
      rows: rowsOf(numbers, (i) => ({ district: `D${i % 3}` }))
    })
    const [summary] = listBatches(t.db, t.project.id)
    expect(summary).toMatchObject({
      id,
      state: 'queued',
      total: 250,
      androidOnly: true,
      requireEmail: false,
      message: 'Register: {}',
      error: null
    })
    expect(summary!.counts.queued).toBe(250)
    const { numbers: stored } = getBatch(t.db, id)
    expect(stored.map((n) => n.e164)).toEqual(numbers)
    expect(stored[4]).toMatchObject({
      row: 6,
      digits: numbers[4]!.slice(1),
      status: 'queued',
      customUserData: { district: 'D1' }
    })
  })

  it('names the app from the last sync of the project', () => {
    t = tempDb()
    replaceApplications(t.db, t.project.id, [{ id: 'app-1', name: 'Community Health' }])
    const id = createBatch(t.db, { projectId: t.project.id, options, rows: rowsOf(kenyanNumbers(1)) })
    expect(getBatch(t.db, id).batch.appName).toBe('Community Health')
    expect(listBatches(t.db, t.project.id)[0]!.appName).toBe('Community Health')
  })

  it('stores a blank message as none, so HQ sends its default', () => {
    t = tempDb()
    const id = createBatch(t.db, {
      projectId: t.project.id,
      options: { appId: 'a', message: '   ' },
      rows: rowsOf(kenyanNumbers(1))
    })
    expect(getBatch(t.db, id).batch.message).toBeNull()
  })

  it('refuses a number that appears twice and names the rows, writing nothing', () => {
    t = tempDb()
    const numbers = kenyanNumbers(5)
    const rows = [...rowsOf(numbers), { row: 40, e164: numbers[2]!, customUserData: {} }]
    const error = errorOf(() => createBatch(t.db, { projectId: t.project.id, options, rows }))
    expect(error.code).toBe('duplicate-numbers')
    expect(error.message).toContain(`${numbers[2]} (rows 4, 40)`)
    expect(error.numbers).toEqual([numbers[2]])
    expect(listBatches(t.db, t.project.id)).toEqual([])
  })

  it('refuses numbers an earlier batch invited unless the coordinator chose to invite again', () => {
    t = tempDb()
    const first = kenyanNumbers(10)
    const firstId = createBatch(t.db, { projectId: t.project.id, options, rows: rowsOf(first) })
    const overlap = [...kenyanNumbers(3, 8), ...kenyanNumbers(2, 100)]
    const error = errorOf(() =>
      createBatch(t.db, { projectId: t.project.id, options, rows: rowsOf(overlap) })
    )
    expect(error.code).toBe('already-invited')
    expect([...error.numbers].sort()).toEqual([first[8], first[9]])
    expect(error.message).toContain(`${first[8]} (batch ${firstId}`)
    expect(error.message).toContain('Invite again')
    expect(listBatches(t.db, t.project.id)).toHaveLength(1)

    // Inviting again is for numbers HQ invited; ones still queued would get two SMS.
    expect(
      errorOf(() =>
        createBatch(t.db, { projectId: t.project.id, options, rows: rowsOf(overlap), reinvite: true })
      ).message
    ).toContain('still waiting in an earlier batch')
    t.db.prepare(`UPDATE invite_numbers SET status = 'success' WHERE batch_id = ?`).run(firstId)
    const again = createBatch(t.db, {
      projectId: t.project.id,
      options,
      rows: rowsOf(overlap),
      reinvite: true
    })
    expect(getBatch(t.db, again).batch.total).toBe(5)
  })

  it('refuses an Android-only message without exactly one {}', () => {
    t = tempDb()
    const error = errorOf(() =>
      createBatch(t.db, {
        projectId: t.project.id,
        options: { appId: 'a', androidOnly: true, message: 'Hello {name}, register at {}' },
        rows: rowsOf(kenyanNumbers(1))
      })
    )
    expect(error.code).toBe('invalid-message')
    expect(error.message).toContain('{')
  })

  it('refuses a project that is not saved and input that is not E.164', () => {
    t = tempDb()
    expect(
      errorOf(() => createBatch(t.db, { projectId: 'nope', options, rows: rowsOf(kenyanNumbers(1)) })).code
    ).toBe('unknown-project')
    const bad = errorOf(() =>
      createBatch(t.db, {
        projectId: t.project.id,
        options,
        rows: [{ row: 2, e164: '0712345678', customUserData: {} }]
      })
    )
    expect(bad.code).toBe('invalid-input')
    expect(bad.message).toContain('rows[0].e164')
  })

  it('re-invites chosen numbers of a batch as a new batch with the same options', () => {
    t = tempDb()
    const numbers = kenyanNumbers(4)
    const id = createBatch(t.db, {
      projectId: t.project.id,
      options: { appId: 'app-9', requireEmail: true },
      rows: rowsOf(numbers, () => ({ team: 'north' }))
    })
    t.db.prepare(`UPDATE invite_numbers SET status = 'success' WHERE batch_id = ?`).run(id)
    const chosen = getBatch(t.db, id)
      .numbers.filter((n) => n.e164 !== numbers[0])
      .map((n) => n.id)
    const next = reinvite(t.db, id, chosen)
    const { batch, numbers: copied } = getBatch(t.db, next)
    expect(batch).toMatchObject({ appId: 'app-9', requireEmail: true, total: 3, state: 'queued' })
    expect(copied.map((n) => n.e164)).toEqual(numbers.slice(1))
    expect(copied[0]!.customUserData).toEqual({ team: 'north' })
  })
})

describe('lookups and the registration follow-up', () => {
  it('reports numbers already in the roster and earlier invitations for validation', () => {
    t = tempDb()
    const numbers = kenyanNumbers(3)
    writeWorkers(t.db, { projectId: t.project.id, generation: 1, archived: false, country: 'KE' }, [
      {
        id: 'w1',
        username: 'amina@demo-project.commcarehq.org',
        first_name: 'Amina',
        last_name: 'Otieno',
        phone_numbers: [numbers[0]!.slice(1)]
      }
    ])
    const batchId = createBatch(t.db, { projectId: t.project.id, options, rows: rowsOf(numbers.slice(1, 2)) })
    const lookup = lookupInvitations(
      t.db,
      t.project.id,
      numbers.map((n) => n.slice(1))
    )
    expect(lookup.registered).toEqual([
      {
        digits: numbers[0]!.slice(1),
        workerId: 'w1',
        username: 'amina@demo-project.commcarehq.org',
        name: 'Amina Otieno'
      }
    ])
    expect(lookup.invited).toEqual([
      {
        digits: numbers[1]!.slice(1),
        batchId,
        invitedAt: expect.any(String),
        status: 'queued',
        registered: false
      }
    ])
    const perNumber = validationLookup(t.db, t.project.id)
    expect(perNumber.findWorkerByDigits(numbers[0]!.slice(1))).toEqual({
      id: 'w1',
      username: 'amina@demo-project.commcarehq.org',
      name: 'Amina Otieno'
    })
    expect(perNumber.findInvitationByDigits(numbers[1]!.slice(1))).toMatchObject({
      batchId,
      status: 'queued'
    })
    expect(perNumber.findInvitationByDigits(numbers[2]!.slice(1))).toBeUndefined()
  })

  it('counts only live invitations as invited before: refused or unsent attempts invited nobody', () => {
    t = tempDb()
    const [failed, invalid, inUse, sent, unknown] = kenyanNumbers(5).map((n) => n.slice(1))
    const first = createBatch(t.db, { projectId: t.project.id, options, rows: rowsOf(kenyanNumbers(5)) })
    const setStatus = t.db.prepare(`UPDATE invite_numbers SET status = ? WHERE batch_id = ? AND digits = ?`)
    setStatus.run('failed', first, failed)
    setStatus.run('invalid_format', first, invalid)
    setStatus.run('in_use', first, inUse)
    setStatus.run('success', first, sent)
    setStatus.run('unknown', first, unknown)
    // A later attempt at the sent number that failed does not hide the invitation that went out.
    const second = createBatch(t.db, {
      projectId: t.project.id,
      options,
      rows: [{ row: 2, e164: `+${sent}`, customUserData: {} }],
      reinvite: true
    })
    setStatus.run('failed', second, sent)

    const all = [failed!, invalid!, inUse!, sent!, unknown!]
    const lookup = lookupInvitations(t.db, t.project.id, all)
    expect(lookup.invited.map((i) => [i.digits, i.batchId, i.status]).sort()).toEqual(
      [
        [sent, first, 'success'],
        [unknown, first, 'unknown']
      ].sort()
    )
    const perNumber = validationLookup(t.db, t.project.id)
    expect(all.map((d) => perNumber.findInvitationByDigits(d)?.status)).toEqual([
      undefined,
      undefined,
      undefined,
      'success',
      'unknown'
    ])
    // The same numbers createBatch lets through without "invite again".
    expect(() =>
      createBatch(t.db, {
        projectId: t.project.id,
        options,
        rows: rowsOf([`+${failed}`, `+${invalid}`, `+${inUse}`])
      })
    ).not.toThrow()
  })

  it('marks accepted invitations as registered once their number belongs to a worker', () => {
    t = tempDb()
    const numbers = kenyanNumbers(3)
    const batchId = createBatch(t.db, { projectId: t.project.id, options, rows: rowsOf(numbers) })
    // HQ accepted two of them (the sender's answer, written as it would be).
    t.db
      .prepare(`UPDATE invite_numbers SET status = 'success' WHERE batch_id = ? AND e164 != ?`)
      .run(batchId, numbers[2])
    expect(markRegistered(t.db, t.project.id)).toBe(0)
    writeWorkers(t.db, { projectId: t.project.id, generation: 1, archived: false, country: 'KE' }, [
      { id: 'w9', username: 'new@demo-project.commcarehq.org', phone_numbers: [numbers[0]!.slice(1)] },
      { id: 'w10', username: 'other@demo-project.commcarehq.org', phone_numbers: [numbers[2]!.slice(1)] }
    ])
    expect(markRegistered(t.db, t.project.id, '2030-01-01T00:00:00.000Z')).toBe(1)
    expect(markRegistered(t.db, t.project.id)).toBe(0)
    const { batch, numbers: rows } = getBatch(t.db, batchId, { registered: true })
    expect(rows.map((n) => [n.e164, n.registeredWorkerId, n.registeredAt])).toEqual([
      [numbers[0], 'w9', '2030-01-01T00:00:00.000Z']
    ])
    expect(batch.counts.registered).toBe(1)
  })
})

describe('the shapes the renderer receives', () => {
  it('match the API contract exactly: no missing and no extra fields', () => {
    t = tempDb()
    const numbers = kenyanNumbers(2)
    const id = createBatch(t.db, {
      projectId: t.project.id,
      options,
      rows: rowsOf(numbers, () => ({ a: 'b' }))
    })
    const exact = (schema: { shape: Record<string, unknown> }, value: unknown) => {
      expect(Object.keys(value as object).sort()).toEqual(Object.keys(schema.shape).sort())
    }
    const [summary] = listBatches(t.db, t.project.id)
    expect(BatchSummarySchema.parse(summary)).toEqual(summary)
    exact(BatchSummarySchema, summary)
    const { numbers: rows } = getBatch(t.db, id)
    expect(BatchNumberSchema.parse(rows[0])).toEqual(rows[0])
    exact(BatchNumberSchema, rows[0])
    const progress = batchProgress(t.db, id)
    expect(InviteProgressSchema.parse(progress)).toEqual(progress)
    exact(InviteProgressSchema, progress)
    const lookup = lookupInvitations(
      t.db,
      t.project.id,
      numbers.map((n) => n.slice(1))
    )
    expect(InviteLookupSchema.parse(lookup)).toEqual(lookup)
  })
})

describe('exporting a batch', () => {
  it('writes one CSV row per number with its outcome and custom data, safe to open in a spreadsheet', () => {
    t = tempDb()
    const numbers = kenyanNumbers(3)
    const id = createBatch(t.db, {
      projectId: t.project.id,
      options,
      rows: rowsOf(numbers, (i) => ({ district: ['D0', '=HYPERLINK("http://x")', 'አዲስ አበባ'][i]! }))
    })
    cancelQueued(t.db, id, 'Not sent: the coordinator stopped.')
    const { filename, csv, rows } = exportBatchCsv(t.db, id)
    expect(rows).toBe(3)
    expect(filename).toMatch(new RegExp(`^invitations-demo-project-batch-${id}-\\d{4}-\\d{2}-\\d{2}\\.csv$`))
    // Excel on Windows reads a CSV as UTF-8 (Amharic, Arabic, accents) only after this mark.
    expect([...Buffer.from(csv, 'utf8').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = csv.split('\r\n')
    expect(lines[0]).toBe(
      '\uFEFFrow,phone_number,status,reason,registered_worker_id,registered_at,updated_at,district'
    )
    expect(lines[1]).toMatch(
      new RegExp(`^2,\\${numbers[0]},failed,Not sent: the coordinator stopped\\.,,,[^,]+,D0$`)
    )
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://x"")"`)
    expect(lines[3]).toMatch(/,አዲስ አበባ$/)
  })
})
