import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ApiEvent, ApiInput, ApiMethod, ApiOutput } from '../../shared/api'
import { startSim, type Sim } from '../../../test/hq-sim'
import { startTestProxy, type TestProxy, type TestProxyOptions } from '../hq/testing-proxy'
import { createCore, type Core } from './core'
import { dispatch } from './dispatch'
import { MemorySecretStore } from './secrets'

// The core hands its proxyFor (the system's proxy settings, in the app) to every HQ client it makes.

describe('the core behind a proxy', () => {
  let sim: Sim
  let proxy: TestProxy
  let core: Core
  let dir: string
  const asked: string[] = []
  /** What the "system" answers: the test proxy unless a test moves the laptop. */
  let direct = false

  async function start(opts: TestProxyOptions = {}) {
    sim = await startSim({ users: 40, seed: 5 })
    proxy = await startTestProxy(opts)
    dir = mkdtempSync(join(tmpdir(), 'roster-core-proxy-'))
    core = createCore({
      dbPath: join(dir, 'roster.db'),
      secrets: new MemorySecretStore(),
      openExternal: async () => {},
      transport: 'loopback',
      version: 'test',
      log: () => {},
      proxyFor: async (url) => {
        asked.push(url)
        return direct ? null : proxy.url
      }
    })
  }

  beforeEach(() => {
    asked.length = 0
    direct = false
  })
  afterEach(async () => {
    await core.close()
    await proxy.close()
    await sim.close()
    rmSync(dir, { recursive: true, force: true })
  })

  async function call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> {
    const result = await dispatch(core.handlers, method, input)
    if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code })
    return result.result as ApiOutput<M>
  }

  const identity = () => ({
    server: sim.url,
    domain: sim.domain,
    username: sim.credentials.username,
    apiKey: sim.credentials.apiKey
  })
  /** Everything HQ received went through the proxy's tunnels. */
  const allThroughProxy = () => {
    expect(sim.requests.length).toBeGreaterThan(0)
    expect(proxy.tunnelled().sort()).toEqual(sim.requests.map((r) => `${r.method} ${r.path}`).sort())
  }

  it('tests a connection through the proxy', async () => {
    await start()
    const result = await call('projects.test', identity())
    expect(result.workers.ok).toBe(true)
    expect(result.registration.ok).toBe(true)
    expect(asked).toEqual([sim.url])
    allThroughProxy()
  })

  async function sync(projectId: string) {
    const finished = new Promise<ApiEvent<'sync.finished'>>((resolve) => {
      const stop = core.events.subscribe((name, payload) => {
        if (name !== 'sync.finished') return
        stop()
        resolve(payload as ApiEvent<'sync.finished'>)
      })
    })
    await call('sync.start', { projectId })
    const run = await finished
    // The run releases its claim in microtasks after announcing the end: let them run.
    await new Promise((resolve) => setImmediate(resolve))
    return run
  }

  it('syncs a saved project through the proxy', async () => {
    await start()
    const { id } = await call('projects.save', { ...identity(), defaultCountry: 'KE' })
    expect((await sync(id)).outcome).toBe('ok')
    expect(asked).toEqual([sim.url])
    allThroughProxy()
  })

  it('asks again at the next sync, and goes direct once the network has no proxy', async () => {
    await start()
    const { id } = await call('projects.save', { ...identity(), defaultCountry: 'KE' })
    expect((await sync(id)).outcome).toBe('ok')
    const throughProxy = proxy.tunnelled().length
    expect(throughProxy).toBeGreaterThan(0)

    direct = true
    const before = sim.requests.length
    expect((await sync(id)).outcome).toBe('ok')
    expect(asked).toEqual([sim.url, sim.url])
    expect(sim.requests.length).toBeGreaterThan(before)
    expect(proxy.tunnelled()).toHaveLength(throughProxy)
  })

  it('says what a proxy asking for a password means when testing a connection', async () => {
    await start({ login: { username: 'roster', password: 'pr0xy-s3cret' } })
    const result = await call('projects.test', identity())
    expect(result.ok).toBe(false)
    expect(result.workers).toMatchObject({ ok: false, kind: 'auth' })
    expect(result.workers.message).toMatch(
      new RegExp(`^The proxy ${proxy.label} asked for a password \\(407\\)`)
    )
    expect(sim.requests).toEqual([])
  })
})
