import { afterEach, describe, expect, it } from 'vitest'
import { findWorkersByDigits } from '../db/inviteLookups'
import { createProject } from '../db/projects'
import { writeWorkers } from '../db/workers'
import { createBatch, getBatch, lookupInvitations, markRegistered, validationLookup } from './index'
import { rowsOf, tempDb, type TempDb } from './testing'

let t: TempDb
afterEach(() => t?.cleanup())

// How HQ may hold each number of a Kenyan project, and the E.164 digits an import reads it as.
const HELD = [
  { id: 'w-national', hq: '0712345678', digits: '254712345678' },
  { id: 'w-double-zero', hq: '00254722000111', digits: '254722000111' },
  { id: 'w-hq-digits', hq: '254733444555', digits: '254733444555' },
  { id: 'w-plus', hq: '+254744555666', digits: '254744555666' },
  { id: 'w-no-trunk', hq: '755666777', digits: '254755666777' }
] as const

function storeWorkers(db: TempDb): void {
  writeWorkers(
    db.db,
    { projectId: db.project.id, generation: 1, archived: false, country: 'KE' },
    HELD.map((h) => ({ id: h.id, username: `${h.id}@demo-project.commcarehq.org`, phone_numbers: [h.hq] }))
  )
}

describe('who holds a number: one rule for import, outbox and follow-up', () => {
  it('finds the worker whose number HQ keeps in national, 00, digit or + form, in every lookup', () => {
    t = tempDb()
    storeWorkers(t)
    const wanted = HELD.map((h) => h.digits)

    // The app's import (invite.lookup)
    const lookup = lookupInvitations(t.db, t.project.id, wanted)
    expect(Object.fromEntries(lookup.registered.map((r) => [r.digits, r.workerId]))).toEqual(
      Object.fromEntries(HELD.map((h) => [h.digits, h.id]))
    )
    // The CLI's validate and invite
    const perNumber = validationLookup(t.db, t.project.id)
    for (const h of HELD) expect(perNumber.findWorkerByDigits(h.digits)?.id, h.hq).toBe(h.id)
    // The store's own query
    expect(findWorkersByDigits(t.db, t.project.id, wanted).map((m) => m.workerId)).toEqual(
      [...HELD].sort((a, b) => a.digits.localeCompare(b.digits)).map((h) => h.id)
    )
  })

  it('marks an invitation registered when HQ keeps the new worker’s number in national form', () => {
    t = tempDb()
    const batchId = createBatch(t.db, {
      projectId: t.project.id,
      options: { appId: 'app-1' },
      rows: rowsOf(HELD.map((h) => `+${h.digits}`))
    })
    t.db.prepare(`UPDATE invite_numbers SET status = 'success' WHERE batch_id = ?`).run(batchId)
    storeWorkers(t)
    expect(markRegistered(t.db, t.project.id)).toBe(HELD.length)
    const { numbers } = getBatch(t.db, batchId, { registered: true })
    expect(Object.fromEntries(numbers.map((n) => [n.e164, n.registeredWorkerId]))).toEqual(
      Object.fromEntries(HELD.map((h) => [`+${h.digits}`, h.id]))
    )
  })

  it('names the same worker everywhere when an active and an archived worker share a number', () => {
    t = tempDb()
    writeWorkers(t.db, { projectId: t.project.id, generation: 1, archived: true, country: 'KE' }, [
      { id: 'w-old', username: 'old@demo-project.commcarehq.org', phone_numbers: ['254712345678'] }
    ])
    writeWorkers(t.db, { projectId: t.project.id, generation: 1, archived: false, country: 'KE' }, [
      { id: 'w-new', username: 'new@demo-project.commcarehq.org', phone_numbers: ['0712345678'] }
    ])
    expect(lookupInvitations(t.db, t.project.id, ['254712345678']).registered.map((r) => r.workerId)).toEqual(
      ['w-new']
    )
    expect(validationLookup(t.db, t.project.id).findWorkerByDigits('254712345678')?.id).toBe('w-new')
    expect(findWorkersByDigits(t.db, t.project.id, ['254712345678']).map((m) => m.workerId)).toEqual([
      'w-new'
    ])

    const batchId = createBatch(t.db, {
      projectId: t.project.id,
      options: { appId: 'app-1' },
      rows: rowsOf(['+254712345678'])
    })
    t.db.prepare(`UPDATE invite_numbers SET status = 'success' WHERE batch_id = ?`).run(batchId)
    expect(markRegistered(t.db, t.project.id)).toBe(1)
    expect(getBatch(t.db, batchId).numbers[0]?.registeredWorkerId).toBe('w-new')
  })

  it('does not match a number held in another project', () => {
    t = tempDb()
    const other = createProject(t.db, {
      server: 'http://127.0.0.1:1',
      domain: 'other-project',
      username: 'coordinator@example.org',
      defaultCountry: 'KE'
    })
    writeWorkers(t.db, { projectId: other.id, generation: 1, archived: false, country: 'KE' }, [
      { id: 'w-elsewhere', username: 'x@other-project.commcarehq.org', phone_numbers: ['0712345678'] }
    ])
    expect(lookupInvitations(t.db, t.project.id, ['254712345678']).registered).toEqual([])
    expect(validationLookup(t.db, t.project.id).findWorkerByDigits('254712345678')).toBeUndefined()
    expect(lookupInvitations(t.db, other.id, ['254712345678']).registered.map((r) => r.workerId)).toEqual([
      'w-elsewhere'
    ])
  })
})
