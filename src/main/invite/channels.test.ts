import { afterEach, describe, expect, it } from 'vitest'
import type { SimOptions } from '../../../test/hq-sim'
import { queryWorkers } from '../db/workerQueries'
import { syncProject } from '../sync'
import { syncBed, type SyncBed } from '../sync/testing'
import {
  createBatch,
  followUpAccounts,
  getBatch,
  inviteClientOf,
  listBatches,
  lookupInvitations,
  markRegistered,
  resendConfirmation,
  sendBatch
} from './index'

let bed: SyncBed | undefined

afterEach(async () => {
  await bed?.close()
  bed = undefined
})

async function start(options: SimOptions = {}): Promise<SyncBed> {
  bed = await syncBed({ users: 30, seed: 4, uploadDelayMs: 20, ...options })
  return bed
}

async function sync(b: SyncBed) {
  const run = await syncProject({ db: b.db, project: b.project, client: b.client })
  expect(run.outcome).toBe('ok')
  markRegistered(b.db, b.project.id, new Date().toISOString(), run.startedAt)
  return run
}

const uploads = (b: SyncBed) => b.sim.requests.filter((r) => r.path.endsWith('/bulk_user_upload_api/'))

function numbers(b: SyncBed, batchId: number) {
  return new Map(getBatch(b.db, batchId).numbers.map((n) => [n.e164, n]))
}

describe('channel 2: an account and a confirmation SMS', () => {
  it('creates the accounts in one upload, leaves out a number the roster shows as registered, and follows up who confirmed', async () => {
    const b = await start()
    await sync(b)
    const taken = b.sim.activeWorkers().find((w) => w.default_phone_number)!
    const location = b.sim.data.locations[0]!
    const group = b.sim.data.groups[0]!
    const batchId = createBatch(b.db, {
      projectId: b.project.id,
      options: { channel: 'sms-confirmation', locationId: location.location_id, groupId: group.id },
      rows: [
        {
          row: 2,
          e164: '+254711000001',
          username: 'amina.diallo',
          firstName: 'Amina',
          lastName: 'Diallo',
          customUserData: { village: 'Kisumu' }
        },
        { row: 3, e164: '+254711000002', username: 'baraka.otieno', firstName: 'Baraka', lastName: 'Otieno' },
        {
          row: 4,
          e164: `+${taken.default_phone_number}`,
          registeredTo: { workerId: taken.id, username: taken.username }
        }
      ]
    })

    const result = await sendBatch({
      db: b.db,
      batchId,
      client: inviteClientOf(b.client),
      waitForAccountsMs: 10_000,
      accountPollMs: 50
    })

    expect(result.error).toBeNull()
    expect(result.counts).toMatchObject({ success: 2, in_use: 1, pending: 0, queued: 0 })
    expect(uploads(b)).toHaveLength(1)
    const created = b.sim.createdAccounts.map((a) => a.username).sort()
    expect(created).toEqual([
      `amina.diallo@${b.sim.domain}.commcarehq.org`,
      `baraka.otieno@${b.sim.domain}.commcarehq.org`
    ])
    // HQ texted the two new workers, and nobody else.
    expect(b.sim.confirmationSms.map((s) => s.to).sort()).toEqual(['254711000001', '254711000002'])
    const amina = b.sim.archivedWorkers().find((w) => w.username.startsWith('amina.diallo@'))!
    expect(amina).toMatchObject({ first_name: 'Amina', last_name: 'Diallo', groups: [group.id] })
    expect(amina.primary_location).toBe(location.location_id)
    expect(amina.user_data).toMatchObject({ village: 'Kisumu' })

    b.sim.confirmAccount('amina.diallo')
    await sync(b)

    const [summary] = listBatches(b.db, b.project.id)
    expect(summary).toMatchObject({
      channel: 'sms-confirmation',
      counts: { success: 2, registered: 1, in_use: 1 }
    })
    const byNumber = numbers(b, batchId)
    expect(byNumber.get('+254711000001')?.registeredWorkerId).toBe(amina.id)
    expect(byNumber.get('+254711000002')?.registeredWorkerId).toBeNull()
    const page = queryWorkers(b.db, { projectId: b.project.id, status: 'all', text: 'otieno', limit: 50 })
    const baraka = page.rows.find((r) => r.username.startsWith('baraka.otieno@'))!
    expect(baraka).toMatchObject({ archived: true, pendingConfirmation: true })
    const confirmed = page.rows.find((r) => r.username.startsWith('amina.diallo@'))
    expect(confirmed).toBeUndefined()
  })

  it('keeps an uploaded row pending while HQ has not created it, and calls it refused once a later sync still does not find it', async () => {
    const b = await start()
    // Taken in HQ, but not yet in the local roster (never synced): HQ refuses the row.
    const existing = b.sim.activeWorkers()[0]!.username.split('@')[0]!
    const batchId = createBatch(b.db, {
      projectId: b.project.id,
      options: { channel: 'sms-confirmation' },
      rows: [
        { row: 2, e164: '+254711000011', username: existing },
        { row: 3, e164: '+254711000012', username: 'new.worker' }
      ]
    })
    const result = await sendBatch({ db: b.db, batchId, client: inviteClientOf(b.client) })
    expect(result.counts).toMatchObject({ pending: 2 })
    await b.sim.uploadsSettled()

    const run = await syncProject({ db: b.db, project: b.project, client: b.client })
    followUpAccounts(b.db, b.project.id, {
      now: new Date().toISOString(),
      syncStartedAt: run.startedAt,
      graceMs: 0
    })

    const byNumber = numbers(b, batchId)
    expect(byNumber.get('+254711000012')?.status).toBe('success')
    const refused = byNumber.get('+254711000011')!
    expect(refused.status).toBe('refused')
    expect(refused.reason).toContain('/settings/users/commcare/upload/')
  })

  it('refuses a batch whose usernames repeat, and a username an earlier invitation holds', async () => {
    const b = await start()
    const make = (rows: { e164: string; username: string }[]) =>
      createBatch(b.db, {
        projectId: b.project.id,
        options: { channel: 'sms-confirmation' },
        rows: rows.map((r, i) => ({ row: i + 2, ...r }))
      })
    expect(() =>
      make([
        { e164: '+254711000021', username: 'same' },
        { e164: '+254711000022', username: 'Same' }
      ])
    ).toThrow(/more than once: same \(rows 2, 3\)/)
    make([{ e164: '+254711000023', username: 'first' }])
    expect(() => make([{ e164: '+254711000024', username: 'first' }])).toThrow(
      /already used by an earlier invitation/
    )
  })
})

describe('channel 3: an account and a confirmation e-mail', () => {
  it('creates one account per request, records HQ’s refusal of one, and re-sends the e-mail on request', async () => {
    const b = await start()
    const existing = b.sim.activeWorkers()[0]!.username.split('@')[0]!
    const batchId = createBatch(b.db, {
      projectId: b.project.id,
      options: { channel: 'email-confirmation' },
      rows: [
        {
          row: 2,
          e164: '+254711000031',
          username: 'chebet.k',
          email: 'chebet@example.org',
          firstName: 'Chebet'
        },
        { row: 3, e164: '+254711000032', username: existing, email: 'other@example.org' }
      ]
    })
    const result = await sendBatch({ db: b.db, batchId, client: inviteClientOf(b.client) })
    expect(result.error).toBeNull()
    expect(result.counts).toMatchObject({ success: 1, refused: 1 })
    expect(b.sim.emails.map((e) => e.to)).toEqual(['chebet@example.org'])
    const byNumber = numbers(b, batchId)
    expect(byNumber.get('+254711000032')?.reason).toMatch(/already taken/)

    const again = await resendConfirmation(
      b.db,
      batchId,
      [...byNumber.values()].map((n) => n.id),
      inviteClientOf(b.client)
    )
    expect(again.resent).toBe(1)
    expect(again.message).toMatch(/e-mailed 1 worker .*1 chosen number was left out/)
    expect(b.sim.emails).toHaveLength(2)
  })

  it('stops the batch, with numbers still queued, when the project cannot create accounts confirmed by e-mail', async () => {
    const b = await start({ emailConfirmation: false })
    const batchId = createBatch(b.db, {
      projectId: b.project.id,
      options: { channel: 'email-confirmation' },
      rows: [{ row: 2, e164: '+254711000041', username: 'x.y', email: 'x@example.org' }]
    })
    const result = await sendBatch({ db: b.db, batchId, client: inviteClientOf(b.client) })
    expect(result.state).toBe('stopped')
    expect(result.error).toMatch(/two-stage account creation/)
    expect(result.counts.queued).toBe(1)
    expect(b.sim.createdAccounts).toHaveLength(0)
  })
})

describe('channel 1 on today’s HQ', () => {
  it('stops without losing a number and asks for a new probe when HQ no longer has SMS self-registration', async () => {
    const b = await start()
    const batchId = createBatch(b.db, {
      projectId: b.project.id,
      options: { appId: 'app-1' },
      rows: [{ row: 2, e164: '+254711000051' }]
    })
    const result = await sendBatch({ db: b.db, batchId, client: inviteClientOf(b.client) })
    expect(result.state).toBe('stopped')
    expect(result.endpointMissing).toBe(true)
    expect(result.error).toMatch(/retired/i)
    expect(result.counts.queued).toBe(1)
  })
})

describe('usernames already taken', () => {
  it('names taken usernames and their numbered forms, from the roster and from live invitations', async () => {
    const b = await start()
    await sync(b)
    const rosterName = b.sim.archivedWorkers()[0]!.username.split('@')[0]!
    createBatch(b.db, {
      projectId: b.project.id,
      options: { channel: 'sms-confirmation' },
      rows: [
        { row: 2, e164: '+254711000061', username: 'amina' },
        { row: 3, e164: '+254711000062', username: 'amina2' },
        { row: 4, e164: '+254711000063', username: 'aminata' }
      ]
    })
    const lookup = lookupInvitations(b.db, b.project.id, [], ['Amina', rosterName, 'nobody'])
    expect(lookup.takenUsernames).toEqual([rosterName.toLowerCase(), 'amina', 'amina2'].sort())
  })
})

describe('inviting again', () => {
  it('refuses to invite again a number still waiting in an earlier batch, so nobody gets two SMS', async () => {
    const b = await start({ era: '2019' })
    const rows = [{ row: 2, e164: '+254711000071' }]
    const first = createBatch(b.db, { projectId: b.project.id, options: { appId: 'app-1' }, rows })
    expect(() =>
      createBatch(b.db, { projectId: b.project.id, options: { appId: 'app-1' }, rows, reinvite: true })
    ).toThrow(
      new RegExp(
        `still waiting in an earlier batch: \\+254711000071 \\(batch ${first}, waiting to be sent\\)`
      )
    )
  })
})
