import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ApiEvent } from '../../shared/api'
import { startSim, type Sim } from '../../../test/hq-sim'
import { startTestProxy, type TestProxy } from '../hq/net/testing-proxy'
import { startTestCore, type TestCore } from './testing'

// A sync or a send keeps the HQ connection it started with until it ends, whatever another call
// does meanwhile: a connection test on a new network, or a key saved again.

let sim: Sim | undefined
let proxy: TestProxy | undefined
let app: TestCore | undefined
afterEach(async () => {
  await app?.close()
  await proxy?.close()
  await sim?.close()
  app = proxy = sim = undefined
})

/**
 * The app behind the test proxy until `network.direct` is set (the laptop left the office), on
 * a simulator answering each request after 100 ms, so a sync or send is under way for a while.
 */
async function start() {
  const hq = (sim = await startSim({ era: '2019', users: 40, seed: 5, latencyMs: 100 }))
  const through = (proxy = await startTestProxy())
  const network = { direct: false }
  const test = (app = startTestCore({ proxyFor: async () => (network.direct ? null : through.url) }))
  const project = await test.call('projects.save', {
    server: hq.url,
    domain: hq.domain,
    username: hq.credentials.username,
    apiKey: hq.credentials.apiKey,
    defaultCountry: 'KE'
  })
  const connectivity: ApiEvent<'connectivity'>[] = []
  test.core.events.subscribe((name, payload) => {
    if (name === 'connectivity') connectivity.push(payload as ApiEvent<'connectivity'>)
  })
  return { app: test, sim: hq, proxy: through, network, project, connectivity }
}

describe('a connection in use when the network changes', () => {
  it('finishes a sync on its connection when a connection test meanwhile finds another network', async () => {
    const { app, proxy, network, project, connectivity } = await start()
    const finished = app.next('sync.finished', (run) => run.projectId === project.id)
    await app.call('sync.start', { projectId: project.id })
    await app.next('sync.progress', (p) => p.projectId === project.id && p.phase === 'locations')

    network.direct = true
    const test = await app.call('projects.test', { projectId: project.id })
    expect(test.ok).toBe(true)

    const run = await finished
    expect(run).toMatchObject({ outcome: 'ok', error: null, workers: 40 - run.archived })
    expect(connectivity.map((c) => c.state)).not.toContain('offline')
    // The old network's connection closes once the sync that held it is done.
    await vi.waitFor(() => expect(proxy.openTunnels()).toBe(0))
  })

  it('sends the rest of a batch, none left unknown, when a connection test meanwhile finds another network', async () => {
    const { app, sim, network, project } = await start()
    const rows = Array.from({ length: 250 }, (_, i) => ({
      row: i + 2,
      e164: `+2547119${String(i).padStart(5, '0')}`
    }))
    const { batchId } = await app.call('invite.create', {
      projectId: project.id,
      options: { appId: sim.data.applications[0]!.id },
      rows
    })
    const someAnswered = app.next('invite.progress', (p) => p.batchId === batchId && p.counts.success >= 100)
    const ended = app.next(
      'invite.progress',
      (p) => p.batchId === batchId && ['done', 'stopped', 'needs-attention'].includes(p.state)
    )
    await app.call('invite.send', { batchId })
    await someAnswered

    network.direct = true
    await app.call('projects.test', { projectId: project.id })

    const end = await ended
    expect(end).toMatchObject({
      state: 'done',
      counts: expect.objectContaining({ success: rows.length, unknown: 0, failed: 0 })
    })
    expect(sim.invitations.size).toBe(rows.length)
  })
})

describe('a key saved again', () => {
  it('takes effect at the next sync, while the sync running finishes with the key it started with', async () => {
    const { app, sim, project } = await start()
    const finished = app.next('sync.finished', (run) => run.projectId === project.id)
    await app.call('sync.start', { projectId: project.id })
    await app.next('sync.progress', (p) => p.projectId === project.id && p.phase === 'locations')

    await app.call('projects.save', {
      id: project.id,
      server: sim.url,
      domain: sim.domain,
      username: sim.credentials.username,
      apiKey: 'a-mistyped-key',
      defaultCountry: 'KE'
    })
    expect(await finished).toMatchObject({ outcome: 'ok', error: null })

    const next = app.next('sync.finished', (run) => run.projectId === project.id)
    await app.call('sync.start', { projectId: project.id })
    const refused = await next
    expect(refused.outcome).toBe('failed')
    expect(refused.error).toMatch(/key/i)
  })
})
