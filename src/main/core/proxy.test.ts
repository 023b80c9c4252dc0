import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startSim, type Sim } from '../../../test/hq-sim'
import { startTestProxy, type TestProxy, type TestProxyOptions } from '../hq/net/testing-proxy'
import { startTestCore, type TestCore } from './testing'

// The core hands its proxyFor (the system's proxy settings, in the app) to every HQ client it makes.

describe('the core behind a proxy', () => {
  let sim: Sim
  let proxy: TestProxy
  let app: TestCore
  const asked: string[] = []
  /** What the "system" answers: the test proxy unless a test moves the laptop. */
  let direct = false
  const call: TestCore['call'] = (method, input) => app.call(method, input)

  async function start(opts: TestProxyOptions = {}) {
    sim = await startSim({ users: 40, seed: 5 })
    proxy = await startTestProxy(opts)
    app = startTestCore({
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
    await app.close()
    await proxy.close()
    await sim.close()
  })

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
    expect(result.channels['sms-confirmation'].ok).toBe(true)
    expect(result.channel).toBe('sms-confirmation')
    expect(asked).toEqual([sim.url])
    allThroughProxy()
  })

  async function sync(projectId: string) {
    const finished = app.next('sync.finished', (run) => run.projectId === projectId)
    await call('sync.start', { projectId })
    return finished
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
