import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSim, type Sim } from './index'
import { call, registrationPath } from './test-helpers'

let today: Sim
let old: Sim
beforeAll(async () => {
  today = await startSim({ users: 10 })
  old = await startSim({ users: 10, era: '2019' })
})
afterAll(async () => {
  await today.close()
  await old.close()
})

const api = (s: Sim, rest: string) => `/a/${s.domain}/api/${rest}`
const VERSIONED = ['user/v1/', 'group/v1/', 'application/v1/', 'location/v1/', 'location/v2/']
const V05 = ['v0.5/user/', 'v0.5/group/', 'v0.5/application/', 'v0.5/location/']

describe('era 2026 (the default): today’s HQ', () => {
  it('is the default era', () => {
    expect(today.era).toBe('2026')
  })

  it('answers the SMS registration endpoints with Django’s not-found page, whatever the credentials', async () => {
    for (const path of [registrationPath(today), api(today, 'v0.5/sms_user_registration_reinstall/')]) {
      for (const account of [today.accounts.coordinator, today.accounts.outsider, null]) {
        const answer = await call(today, path, { account, body: { app_id: 'x', users: [] } })
        expect(answer.status, `${path} ${account?.username}`).toBe(404)
        expect(answer.headers.get('content-type')).toMatch(/text\/html/)
        expect(answer.text).toContain('<h1>Not Found</h1>')
      }
    }
    expect(today.invitations.size).toBe(0)
  })

  it('serves the versioned URLs and v0.5 alike', async () => {
    for (const path of [...VERSIONED, ...V05]) {
      expect((await call(today, api(today, path))).status, path).toBe(200)
    }
  })

  it('serves application/v1 with its own resource URIs', async () => {
    const app = today.data.applications[0]
    const one = JSON.parse((await call(today, api(today, `application/v1/${app?.id}/`))).text) as {
      id: string
      name: string
    }
    expect(one).toMatchObject({ id: app?.id, name: app?.name })
    const list = JSON.parse((await call(today, api(today, 'application/v1/'))).text) as {
      objects: unknown[]
    }
    expect(list.objects).toHaveLength(today.data.applications.length)
  })
})

describe('era 2019: the old HQ', () => {
  it('serves only the v0.5 forms, so a client’s fallback is exercised', async () => {
    for (const path of V05) expect((await call(old, api(old, path))).status, path).toBe(200)
    for (const path of VERSIONED) {
      const answer = await call(old, api(old, path))
      expect(answer.status, path).toBe(404)
      expect(answer.text).toContain('<h1>Not Found</h1>')
    }
  })

  it('keeps the SMS registration endpoint', async () => {
    const answer = await call(old, registrationPath(old), {
      body: { app_id: old.data.applications[0]?.id, users: [{ phone_number: '+254700000001' }] }
    })
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.text)).toMatchObject({ success_numbers: ['254700000001'] })
  })

  it('has no bulk upload and does not create users', async () => {
    const upload = await call(old, `/a/${old.domain}/settings/users/commcare/upload/bulk_user_upload_api/`, {
      body: 'x'
    })
    expect(upload.status).toBe(404)
    const create = await call(old, api(old, 'v0.5/user/'), { body: { username: 'new.one' } })
    expect(create.status).toBe(405)
    expect(old.activeWorkers().length + old.archivedWorkers().length).toBe(old.data.workers.length)
  })
})
