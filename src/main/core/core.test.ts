import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ApiEvent } from '../../shared/api'
import { startSim, type Sim } from '../../../test/hq-sim'
import type { Core } from './core'
import { startTestCore, type TestCore } from './testing'

describe('the core behind the API table', () => {
  let sim: Sim
  let app: TestCore
  let core: Core
  const opened: string[] = []
  const call: TestCore['call'] = (method, input) => app.call(method, input)
  const next: TestCore['next'] = (event, match) => app.next(event, match)

  beforeEach(async () => {
    sim = await startSim({ era: '2019', users: 300, seed: 3 })
    app = startTestCore({
      openExternal: async (url) => {
        opened.push(url)
      }
    })
    core = app.core
  })
  afterEach(async () => {
    await app.close()
    await sim.close()
  })

  const save = () =>
    call('projects.save', {
      server: sim.url,
      domain: sim.domain,
      username: sim.credentials.username,
      apiKey: sim.credentials.apiKey,
      defaultCountry: 'KE'
    })

  async function sync(projectId: string) {
    const finished = next('sync.finished', (run) => run.projectId === projectId)
    await call('sync.start', { projectId })
    return finished
  }

  async function sendAndWait(batchId: number, confirmOffline?: boolean) {
    const settled = next(
      'invite.progress',
      (p) => p.batchId === batchId && ['done', 'stopped', 'needs-attention'].includes(p.state)
    )
    await call('invite.send', confirmOffline ? { batchId, confirmOffline } : { batchId })
    return settled
  }

  it('saves a project without ever returning its key', async () => {
    const project = await save()
    expect(project).toMatchObject({ domain: sim.domain, hasKey: true, lastSync: null })
    const listed = await call('projects.list', {})
    expect(JSON.stringify(listed)).not.toContain(sim.credentials.apiKey)
  })

  it('tells a wrong key apart from a missing permission when testing a connection', async () => {
    const wrong = await call('projects.test', {
      server: sim.url,
      domain: sim.domain,
      username: sim.credentials.username,
      apiKey: 'not-the-key'
    })
    expect(wrong.ok).toBe(false)
    expect(wrong.workers.message).toMatch(/key/i)
    const workersOnly = await call('projects.test', {
      server: sim.url,
      domain: sim.domain,
      username: 'workers-only@example.org',
      apiKey: 'sim-key-workers-only'
    })
    expect(workersOnly.workers.ok).toBe(true)
    expect(workersOnly.channels['sms-registration'].ok).toBe(false)
    expect(workersOnly.channels['sms-registration'].message).toContain('Edit Data')
  })

  it('syncs in the background, reporting progress, and serves the roster offline afterwards', async () => {
    const { id } = await save()
    const progress: ApiEvent<'sync.progress'>[] = []
    core.events.subscribe((name, payload) => {
      if (name === 'sync.progress') progress.push(payload as ApiEvent<'sync.progress'>)
    })
    const run = await sync(id)
    expect(run.outcome).toBe('ok')
    expect(progress.some((p) => p.phase === 'active')).toBe(true)
    await sim.close() // HQ is gone: the roster still answers
    const page = await call('workers.query', { projectId: id, status: 'all', limit: 1000 })
    expect(page.total).toBe(sim.data.workers.length)
    const project = (await call('projects.list', {}))[0]!
    expect(project.lastGoodSync?.id).toBe(run.id)
    sim = await startSim({ era: '2019', users: 1 }) // for afterEach
  })

  it('reports HQ as unreachable when a sync fails for want of a network', async () => {
    const { id } = await save()
    await sim.close()
    const offline = next('connectivity', (c) => c.projectId === id)
    const run = await sync(id)
    expect(run.outcome).toBe('failed')
    expect(await offline).toMatchObject({ state: 'offline' })
    const previous = (await call('projects.list', {}))[0]!
    expect(previous.lastGoodSync).toBeNull()
    sim = await startSim({ era: '2019', users: 1 }) // for afterEach
  }, 60_000) // the client backs off and retries before it gives up

  it('refuses a second sync of the same project while one runs', async () => {
    const { id } = await save()
    const finished = next('sync.finished')
    await call('sync.start', { projectId: id })
    await expect(call('sync.start', { projectId: id })).rejects.toMatchObject({ code: 'busy' })
    await finished
  })

  it('marks invited numbers registered after a later sync finds them', async () => {
    const { id } = await save()
    await sync(id)
    const appId = sim.data.applications[0]!.id
    const { batchId } = await call('invite.create', {
      projectId: id,
      options: { appId },
      rows: [
        { row: 2, e164: '+254711900001' },
        { row: 3, e164: '+254711900002' },
        { row: 4, e164: '+254711900003' }
      ]
    })
    const sent = await sendAndWait(batchId)
    expect(sent.counts.success).toBe(3)
    expect(sim.invitations.size).toBe(3)

    sim.registerInvited(2)
    await sync(id)
    const [batch] = await call('invite.batches', { projectId: id })
    expect(batch).toMatchObject({ id: batchId, counts: { success: 3, registered: 2 } })
    const registered = await call('invite.batch', { batchId, registered: true })
    expect(registered.numbers).toHaveLength(2)
    expect(registered.numbers.every((n) => n.registeredWorkerId !== null)).toBe(true)
  })

  it('resumes a stopped batch only when the coordinator confirms', async () => {
    const { id } = await save()
    await sync(id)
    sim.setPlan({ registrationEnabled: false })
    const { batchId } = await call('invite.create', {
      projectId: id,
      options: { appId: sim.data.applications[0]!.id },
      rows: [{ row: 2, e164: '+254711900011' }]
    })
    const stopped = await sendAndWait(batchId)
    expect(stopped.state).toBe('stopped')
    const summary = (await call('invite.batches', { projectId: id }))[0]!
    expect(summary.state).toBe('stopped')
    expect(summary.error).toMatch(/enable SMS mobile worker registration|Messaging/i)

    sim.setPlan({ registrationEnabled: true })
    await expect(call('invite.send', { batchId })).rejects.toMatchObject({ code: 'confirm-needed' })
    const done = await sendAndWait(batchId, true)
    expect(done.counts.success).toBe(1)
  })

  it('opens only HQ pages of a saved project’s own server, once it has synced', async () => {
    const { id } = await save()
    await expect(call('app.openExternal', { url: 'https://evil.example/phish' })).rejects.toMatchObject({
      code: 'forbidden'
    })
    // Saved but never synced: HQ has not yet vouched for the server.
    await expect(
      call('app.openExternal', { url: `${sim.url}/a/${sim.domain}/reports/` })
    ).rejects.toMatchObject({ code: 'forbidden' })
    await sync(id)
    await expect(call('app.openExternal', { url: `${sim.url}/accounts/login/` })).rejects.toMatchObject({
      code: 'forbidden'
    })
    await call('app.openExternal', { url: `${sim.url}/a/${sim.domain}/reports/` })
    expect(opened.at(-1)).toBe(`${sim.url}/a/${sim.domain}/reports/`)
  })

  it('tells a window opened mid-way what the network state is', async () => {
    const { id } = await save()
    await sync(id)
    const status = await call('app.status', {})
    expect(status.connectivity).toContainEqual(expect.objectContaining({ projectId: id, state: 'online' }))
    expect(status.syncs).toEqual([])
  })
})
