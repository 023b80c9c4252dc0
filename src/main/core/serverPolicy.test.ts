import { rmSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { startSim, type Sim } from '../../../test/hq-sim'
import { MemorySecretStore } from './secrets'
import { checkServerAllowed, httpLoopbackAllowedByEnv } from './serverPolicy'
import { startTestCore, type TestCore } from './testing'

let app: TestCore | undefined
let sim: Sim | undefined
const folders: string[] = []
afterEach(async () => {
  await app?.close()
  await sim?.close()
  app = sim = undefined
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('plain-HTTP servers and new projects', () => {
  it('refuses a plain-HTTP server unless allowed, and never an https one', () => {
    expect(() => checkServerAllowed('http://127.0.0.1:8765', false)).toThrow(/ROSTER_ALLOW_HTTP_LOOPBACK=1/)
    expect(() => checkServerAllowed(' HTTP://localhost', false)).toThrow()
    expect(() => checkServerAllowed('http://127.0.0.1:8765', true)).not.toThrow()
    expect(() => checkServerAllowed('https://www.commcarehq.org', false)).not.toThrow()
    expect(() => checkServerAllowed('www.commcarehq.org', false)).not.toThrow()
  })

  it('reads the explicit setting as ROSTER_ALLOW_HTTP_LOOPBACK=1 only', () => {
    expect(httpLoopbackAllowedByEnv({ ROSTER_ALLOW_HTTP_LOOPBACK: '1' })).toBe(true)
    expect(httpLoopbackAllowedByEnv({ ROSTER_ALLOW_HTTP_LOOPBACK: 'yes' })).toBe(false)
    expect(httpLoopbackAllowedByEnv({})).toBe(false)
  })

  it('a core without the setting neither saves, tests nor syncs a plain-HTTP server', async () => {
    sim = await startSim({ era: '2026', users: 5, seed: 1 })
    const identity = { server: sim.url, domain: sim.domain, username: sim.credentials.username }
    // Saved while allowed (as a test build would), then opened by a core that does not allow it.
    const secrets = new MemorySecretStore()
    const allowed = startTestCore({ secrets })
    folders.push(allowed.dir)
    const { id } = await allowed.call('projects.save', {
      ...identity,
      apiKey: sim.credentials.apiKey,
      defaultCountry: 'KE'
    })
    await allowed.core.close()
    app = startTestCore({ allowHttpLoopback: false, dbPath: allowed.dbPath, secrets })
    await expect(
      app.call('projects.save', { ...identity, domain: 'another', apiKey: 'k', defaultCountry: 'KE' })
    ).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/HTTPS only/) })
    await expect(app.call('projects.test', { ...identity, apiKey: 'k' })).rejects.toMatchObject({
      code: 'invalid-input'
    })
    await expect(app.call('sync.start', { projectId: id })).rejects.toMatchObject({ code: 'invalid-input' })
    expect(sim.requests).toHaveLength(0)
  })

  it('refuses to create a project without an API key, but updates a saved one without it', async () => {
    sim = await startSim({ era: '2026', users: 5, seed: 1 })
    app = startTestCore()
    const identity = { server: sim.url, domain: sim.domain, username: sim.credentials.username }
    await expect(app.call('projects.save', { ...identity, defaultCountry: 'KE' })).rejects.toMatchObject({
      code: 'invalid-input',
      message: 'Type the API key to save a new project.'
    })
    expect(await app.call('projects.list', {})).toEqual([])
    const saved = await app.call('projects.save', {
      ...identity,
      apiKey: sim.credentials.apiKey,
      defaultCountry: 'KE'
    })
    const relabelled = await app.call('projects.save', {
      ...identity,
      id: saved.id,
      label: 'North',
      defaultCountry: 'UG'
    })
    expect(relabelled).toMatchObject({ id: saved.id, label: 'North', hasKey: true })
  })
})
