import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSim, type Sim } from './index'
import { call, registrationPath } from './test-helpers'

let sim: Sim
let legacy: Sim // the 2019 HQ, which still has SMS self-registration
beforeAll(async () => {
  sim = await startSim({ users: 12 })
  legacy = await startSim({ users: 12, era: '2019' })
})
afterAll(async () => {
  await sim.close()
  await legacy.close()
})

const users = () => `/a/${sim.domain}/api/v0.5/user/`
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
const validInvite = () => ({
  app_id: sim.data.applications[0]?.id,
  users: [{ phone_number: '+254700000001' }]
})

describe('authentication', () => {
  it('accepts "ApiKey user:key" with the scheme in any case', async () => {
    for (const scheme of ['ApiKey', 'apikey', 'APIKEY']) {
      const headers = { Authorization: `${scheme} coordinator@example.org:sim-key-coordinator` }
      expect((await call(sim, users(), { account: null, headers })).status).toBe(200)
    }
  })

  it('accepts HTTP Basic with the API key as password', async () => {
    const headers = { Authorization: basic('coordinator@example.org', 'sim-key-coordinator') }
    expect((await call(sim, users(), { account: null, headers })).status).toBe(200)
  })

  it('accepts tastypie username and api_key query parameters when no header is sent', async () => {
    const path = `${users()}?username=coordinator%40example.org&api_key=sim-key-coordinator`
    expect((await call(sim, path, { account: null })).status).toBe(200)
  })

  it('answers 401 with no credentials', async () => {
    expect((await call(sim, users(), { account: null })).status).toBe(401)
  })

  it('answers 401 to a wrong key, an unknown user and a malformed header', async () => {
    const attempts = [
      'ApiKey coordinator@example.org:wrong-key',
      'ApiKey nobody@example.org:sim-key-coordinator',
      'ApiKey coordinator@example.org',
      'ApiKey coordinator@example.org:sim-key-coordinator extra',
      'Bearer sim-key-coordinator',
      basic('coordinator@example.org', 'wrong')
    ]
    for (const Authorization of attempts) {
      const answer = await call(sim, users(), { account: null, headers: { Authorization } })
      expect(answer.status, Authorization).toBe(401)
    }
  })

  it('answers 403 when the key lacks the permission for the resource', async () => {
    expect((await call(sim, users(), { account: sim.accounts.dataOnly })).status).toBe(403)
    expect(
      (await call(sim, `/a/${sim.domain}/api/v0.5/group/`, { account: sim.accounts.dataOnly })).status
    ).toBe(403)
    expect(
      (await call(sim, `/a/${sim.domain}/api/location/v2/`, { account: sim.accounts.dataOnly })).status
    ).toBe(403)
    const invite = await call(legacy, registrationPath(legacy), {
      account: legacy.accounts.workersOnly,
      body: validInvite()
    })
    expect(invite.status).toBe(403)
  })

  it('lets each restricted key use what it is allowed to', async () => {
    expect((await call(sim, users(), { account: sim.accounts.workersOnly })).status).toBe(200)
    expect(
      (await call(sim, `/a/${sim.domain}/api/v0.5/application/`, { account: sim.accounts.dataOnly })).status
    ).toBe(200)
    const invite = await call(legacy, registrationPath(legacy), {
      account: legacy.accounts.dataOnly,
      body: validInvite()
    })
    expect(invite.status).toBe(200)
  })

  it('answers 403 to a valid key that is not a member of the project', async () => {
    expect((await call(sim, users(), { account: sim.accounts.outsider })).status).toBe(403)
    expect((await call(sim, '/a/other-project/api/v0.5/user/')).status).toBe(403)
  })

  it('answers 404 for a project that does not exist', async () => {
    const answer = await call(sim, '/a/no-such-project/api/v0.5/user/')
    expect(answer.status).toBe(404)
    expect(answer.headers.get('content-type')).toMatch(/text\/html/)
  })

  it('answers 401 once a key is revoked, for every endpoint', async () => {
    const local = await startSim({ users: 3 })
    try {
      expect((await call(local, `/a/${local.domain}/api/v0.5/user/`)).status).toBe(200)
      local.revokeKey('coordinator@example.org')
      expect((await call(local, `/a/${local.domain}/api/v0.5/user/`)).status).toBe(401)
      expect((await call(local, `/a/${local.domain}/api/v0.5/application/`)).status).toBe(401)
      const headers = { Authorization: basic('coordinator@example.org', 'sim-key-coordinator') }
      expect(
        (await call(local, `/a/${local.domain}/api/v0.5/group/`, { account: null, headers })).status
      ).toBe(401)
      expect(
        (await call(local, `/a/${local.domain}/api/v0.5/user/`, { account: local.accounts.workersOnly }))
          .status
      ).toBe(200)
    } finally {
      await local.close()
    }
  })

  it('logs every request with its status', async () => {
    const before = sim.requests.length
    await call(sim, users(), { account: null })
    expect(sim.requests.slice(before)).toEqual([{ method: 'GET', path: users(), status: 401 }])
  })
})
