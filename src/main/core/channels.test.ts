import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { startSim, type Sim, type SimOptions } from '../../../test/hq-sim'
import { startTestCore, type TestCore } from './testing'

let sim: Sim | undefined
let app: TestCore | undefined

afterEach(async () => {
  await app?.close()
  await sim?.close()
  app = undefined
  sim = undefined
})

async function start(options: SimOptions) {
  sim = await startSim({ users: 20, seed: 2, uploadDelayMs: 0, ...options })
  app = startTestCore()
  const project = await app.call('projects.save', {
    server: sim.url,
    domain: sim.domain,
    username: sim.credentials.username,
    apiKey: sim.credentials.apiKey,
    defaultCountry: 'KE'
  })
  return { sim, app, project }
}

async function settled(a: TestCore, batchId: number) {
  const done = a.next(
    'invite.progress',
    (p) => p.batchId === batchId && ['done', 'stopped', 'needs-attention'].includes(p.state)
  )
  await a.call('invite.send', { batchId })
  return done
}

describe('choosing the invitation channel', () => {
  it('finds on today’s HQ that accounts with a confirmation SMS are the way, says so, and keeps it with the project', async () => {
    const { app: a, project } = await start({ era: '2026' })
    const test = await a.call('projects.test', { projectId: project.id })
    expect(test.ok).toBe(true)
    expect(test.offers).toEqual({
      'sms-registration': false,
      'sms-confirmation': true,
      'email-confirmation': true
    })
    expect(test.channel).toBe('sms-confirmation')
    expect(test.message).toContain('no longer has SMS self-registration')
    const [saved] = await a.call('projects.list', {})
    expect(saved).toMatchObject({
      channel: 'auto',
      channelProbe: { offers: test.offers, message: test.message }
    })

    const chosen = await a.call('projects.update', { projectId: project.id, channel: 'email-confirmation' })
    expect(chosen.channel).toBe('email-confirmation')
  })

  it('finds SMS self-registration on an old HQ', async () => {
    const { app: a, project } = await start({ era: '2019' })
    const test = await a.call('projects.test', { projectId: project.id })
    expect(test.channel).toBe('sms-registration')
    expect(test.offers['sms-registration']).toBe(true)
    expect(test.offers['sms-confirmation']).toBe(false)
  })

  it('asks the server again when a send finds SMS self-registration gone', async () => {
    const { app: a, project } = await start({ era: '2026' })
    // What an old probe said, before the server was upgraded.
    const db = new Database(a.dbPath)
    db.prepare('UPDATE projects SET channel_probe = ? WHERE id = ?').run(
      JSON.stringify({
        offers: { 'sms-registration': true, 'sms-confirmation': false, 'email-confirmation': null },
        message: 'old',
        probedAt: '2020-01-01T00:00:00.000Z'
      }),
      project.id
    )
    db.close()
    const { batchId } = await a.call('invite.create', {
      projectId: project.id,
      options: { channel: 'sms-registration', appId: 'app-1' },
      rows: [{ row: 2, e164: '+254711000001' }]
    })
    const progress = await settled(a, batchId)
    expect(progress.state).toBe('stopped')
    expect(progress.counts.queued).toBe(1)
    await expect
      .poll(async () => (await a.call('projects.list', {}))[0]!.channelProbe?.offers['sms-registration'])
      .toBe(false)
  })
})

describe('accounts with a confirmation SMS through the app', () => {
  it('creates the accounts, shows them as waiting for confirmation, and counts one registered after the worker confirms', async () => {
    const { sim: hq, app: a, project } = await start({ era: '2026' })
    const first = a.next('sync.finished', (r) => r.projectId === project.id)
    await a.call('sync.start', { projectId: project.id })
    expect((await first).outcome).toBe('ok')

    const lookup = await a.call('invite.lookup', {
      projectId: project.id,
      digits: [],
      usernames: ['zawadi.njeri']
    })
    expect(lookup.takenUsernames).toEqual([])
    const { batchId } = await a.call('invite.create', {
      projectId: project.id,
      options: { channel: 'sms-confirmation' },
      rows: [
        { row: 2, e164: '+254711000101', username: 'zawadi.njeri', firstName: 'Zawadi', lastName: 'Njeri' },
        { row: 3, e164: '+254711000102', username: 'juma.mwangi', firstName: 'Juma', lastName: 'Mwangi' }
      ]
    })
    const progress = await settled(a, batchId)
    expect(progress.state).toBe('done')
    await expect
      .poll(async () => (await a.call('invite.batches', { projectId: project.id }))[0]!.counts.success, {
        timeout: 20_000
      })
      .toBe(2)

    hq.confirmAccount('zawadi.njeri')
    const again = a.next('sync.finished', (r) => r.projectId === project.id)
    await a.call('sync.start', { projectId: project.id })
    expect((await again).outcome).toBe('ok')

    const [batch] = await a.call('invite.batches', { projectId: project.id })
    expect(batch).toMatchObject({ channel: 'sms-confirmation', counts: { success: 2, registered: 1 } })
    const waiting = await a.call('workers.query', {
      projectId: project.id,
      status: 'archived',
      text: 'mwangi'
    })
    expect(waiting.rows.map((r) => [r.name, r.pendingConfirmation])).toEqual([['Juma Mwangi', true]])
    const facets = await a.call('workers.facets', { projectId: project.id })
    expect(facets.counts.invited).toBe(1)

    const { message } = await a
      .call('invite.reinvite', {
        batchId,
        numberIds: (await a.call('invite.batch', { batchId })).numbers.map((n) => n.id)
      })
      .catch((error: Error) => ({ message: error.message }))
    expect(message).toMatch(/no way for Roster to send the confirmation SMS again/)
  })
})

describe('changing a project’s country', () => {
  it('reads the roster’s national numbers again with the new country, in chunks', async () => {
    const { sim: hq, app: a, project } = await start({ era: '2026' })
    const synced = a.next('sync.finished', (r) => r.projectId === project.id)
    await a.call('sync.start', { projectId: project.id })
    expect((await synced).outcome).toBe('ok')
    // A number HQ holds the national way: +254 in Kenya, +256 in Uganda.
    const national = '0712345678'
    const target = hq.activeWorkers()[0]!
    target.phone_numbers = [national]
    target.default_phone_number = national
    const again = a.next('sync.finished', (r) => r.projectId === project.id)
    await a.call('sync.start', { projectId: project.id })
    expect((await again).outcome).toBe('ok')
    const phonesOf = async () =>
      (await a.call('workers.get', { projectId: project.id, id: target.id }))?.phones
    expect(await phonesOf()).toEqual(['+254712345678'])
    await a.call('projects.update', { projectId: project.id, defaultCountry: 'UG' })
    expect(await phonesOf()).toEqual(['+256712345678'])
  })
})
