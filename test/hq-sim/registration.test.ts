import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startSim, type Sim } from './index'
import { call, getJson, registrationPath, type ListPage } from './test-helpers'

let sim: Sim
beforeEach(async () => {
  sim = await startSim({ users: 30, seed: 21, era: '2019' })
})
afterEach(() => sim.close())

const appId = () => sim.data.applications[0]?.id ?? ''
// US numbers: the generator never makes them, so they are free unless a test uses them.
const fresh = (i: number) => `+1617555${String(1000 + i)}`
const post = (body: unknown, account = sim.accounts.coordinator) =>
  call(sim, registrationPath(sim), { body, account })
const invite = async (body: unknown) => {
  const answer = await post(body)
  return { status: answer.status, json: JSON.parse(answer.text) as Record<string, unknown> }
}

describe('SMS registration: plan and settings come first', () => {
  it('answers 401 with the plan message when the plan lacks the privilege, even before auth', async () => {
    sim.setPlan({ smsPrivilege: false })
    const bad = await call(sim, registrationPath(sim), { account: null, body: {} })
    expect(bad.status).toBe(401)
    expect(JSON.parse(bad.text)).toEqual({ error: 'Your current plan does not have access to this feature' })
    expect((await invite({ app_id: appId(), users: [] })).status).toBe(401)
  })

  it('answers 403 when registration is not enabled for the project', async () => {
    sim.setPlan({ registrationEnabled: false })
    const { status, json } = await invite({ app_id: appId(), users: [{ phone_number: fresh(1) }] })
    expect(status).toBe(403)
    expect(json).toEqual({ error: 'Please first enable SMS mobile worker registration for your project.' })
    expect(sim.invitations.size).toBe(0)
  })

  it('then requires a key with edit_data, and only POST', async () => {
    expect((await call(sim, registrationPath(sim), { account: null, body: {} })).status).toBe(401)
    expect((await post({ app_id: appId(), users: [] }, sim.accounts.workersOnly)).status).toBe(403)
    expect((await call(sim, registrationPath(sim))).status).toBe(405)
  })
})

describe('SMS registration: validation', () => {
  it('reports each problem with HQ exact message, first problem only', async () => {
    const app = appId()
    const cases: [unknown, Record<string, string>][] = [
      [{}, { app_id: 'This field is required' }],
      [{ app_id: 5, users: [] }, { app_id: 'Expected type: str' }],
      [{ app_id: app }, { users: 'This field is required' }],
      [{ app_id: app, users: {} }, { users: 'Expected type: list' }],
      [{ app_id: app, users: [], android_only: 'yes' }, { android_only: 'Expected type: bool' }],
      [{ app_id: app, users: [], require_email: null }, { require_email: 'Expected type: bool' }],
      [
        { app_id: app, users: [], custom_registration_message: 3 },
        { custom_registration_message: 'Expected type: str' }
      ],
      [{ app_id: 'not-an-app', users: [] }, { app_id: 'Invalid app_id specified' }],
      [{ app_id: app, users: ['+254700000000'] }, { users: 'Expected a list of dictionaries' }],
      [{ app_id: app, users: [{}] }, { phone_number: 'This field is required' }],
      [{ app_id: app, users: [{ phone_number: 254700000000 }] }, { phone_number: 'Expected type: str' }],
      [
        { app_id: app, users: [{ phone_number: fresh(1), custom_user_data: ['x'] }] },
        { custom_user_data: 'Expected type: dict' }
      ],
      [
        { app_id: app, users: [{ phone_number: '+1 (617) 555-1001' }, { phone_number: '16175551001' }] },
        { users: 'phone_number cannot be reused within a request: 16175551001' }
      ],
      [{ app_id: 'not-an-app', users: 'x' }, { users: 'Expected type: list' }]
    ]
    for (const [body, expected] of cases) {
      const { status, json } = await invite(body)
      expect(status, JSON.stringify(body)).toBe(400)
      expect(json, JSON.stringify(body)).toEqual(expected)
    }
    expect(sim.invitations.size).toBe(0)
    expect(sim.sms).toHaveLength(0)
  })

  it('rejects the whole request when a number repeats, even with other good numbers', async () => {
    const { status } = await invite({
      app_id: appId(),
      users: [
        { phone_number: fresh(1) },
        { phone_number: fresh(2) },
        { phone_number: fresh(1).replace('+', '') }
      ]
    })
    expect(status).toBe(400)
    expect(sim.invitations.size).toBe(0)
  })

  it('can nest validation errors under the resource name, as tastypie really does', async () => {
    const local = await startSim({ users: 2, validationErrorShape: 'tastypie', era: '2019' })
    try {
      const answer = await call(local, registrationPath(local), { body: {} })
      expect(answer.status).toBe(400)
      expect(JSON.parse(answer.text)).toEqual({ sms_user_registration: { app_id: 'This field is required' } })
    } finally {
      await local.close()
    }
  })

  it('answers 400 to a body that is not JSON', async () => {
    const answer = await call(sim, registrationPath(sim), {
      body: '{"app_id": ',
      headers: { 'Content-Type': 'application/json' }
    })
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.text)).toEqual({ error: 'Request is not valid JSON.' })
  })
})

describe('SMS registration: per-number outcome', () => {
  it('applies leniency, sorts numbers into the three lists, and answers digits without "+"', async () => {
    const [active, other] = sim.activeWorkers()
    if (!active || !other) throw new Error('the project has workers')
    sim.updateWorker(active.id, { phone_numbers: ['+254711222333'] })
    sim.archiveWorker(other.id)
    sim.updateWorker(other.id, { phone_numbers: ['221771112233'] })
    const { status, json } = await invite({
      app_id: appId(),
      users: [
        { phone_number: '+1 (617) 555-1001' },
        { phone_number: '1.617.555.1002' },
        { phone_number: '+1617555ABCD' },
        { phone_number: '' },
        { phone_number: '++16175551003' },
        { phone_number: '254711222333' },
        { phone_number: '+221 77 111 22 33' },
        { phone_number: '+٢٥٤٧٠٠١٢٣٤٥٦' }
      ]
    })
    expect(status).toBe(200)
    expect(json).toEqual({
      success_numbers: ['16175551001', '16175551002', '٢٥٤٧٠٠١٢٣٤٥٦'],
      invalid_format_numbers: ['1617555ABCD', '', '+16175551003'],
      numbers_in_use: ['254711222333', '221771112233']
    })
    expect(Object.keys(json)).toEqual(['success_numbers', 'invalid_format_numbers', 'numbers_in_use'])
  })

  it('remembers each invitation with its options and sends the first SMS', async () => {
    const { status } = await invite({
      app_id: appId(),
      require_email: true,
      custom_registration_message: '  Reply 1 for Android, 2 for other. ',
      users: [{ phone_number: fresh(1), custom_user_data: { village: 'Ngor', '2nd_language': 'Wolof' } }]
    })
    expect(status).toBe(200)
    const inv = sim.invitations.get('16175551001')
    expect(inv).toMatchObject({
      appId: appId(),
      androidOnly: false,
      requireEmail: true,
      customUserData: { village: 'Ngor', '2nd_language': 'Wolof' },
      message: 'Reply 1 for Android, 2 for other.',
      expired: false
    })
    expect(Date.parse(inv?.invitedAt ?? '')).not.toBeNaN()
    expect(sim.sms).toEqual([
      { to: '16175551001', text: 'Reply 1 for Android, 2 for other.', at: inv?.invitedAt }
    ])
  })

  it('treats a whitespace-only message as none and sends the default question', async () => {
    await invite({ app_id: appId(), custom_registration_message: '   ', users: [{ phone_number: fresh(1) }] })
    expect(sim.invitations.get('16175551001')?.message).toBeUndefined()
    expect(sim.sms[0]?.text).toBe(
      'Welcome to CommCareHQ! What type of phone are you using? Reply 1 for Android, 2 for other.'
    )
  })

  it('formats an android_only message with the registration link and sends the install SMS', async () => {
    await invite({
      app_id: appId(),
      android_only: true,
      custom_registration_message: 'Register here: {}',
      users: [{ phone_number: fresh(1) }]
    })
    const token = sim.invitations.get('16175551001')?.token
    expect(sim.sms.map((s) => s.text)).toEqual([
      `Register here: ${sim.url}/a/${sim.domain}/settings/users/commcare/register/${token}/`,
      expect.stringMatching(/^\[commcare app - do not delete\] [A-Za-z0-9+/=]+$/)
    ])
  })

  it('fails with 500 after saving the first invitation when Python cannot format the message', async () => {
    const answer = await post({
      app_id: appId(),
      android_only: true,
      custom_registration_message: 'Hi {name}, register: {}',
      users: [{ phone_number: fresh(1) }, { phone_number: fresh(2) }]
    })
    expect(answer.status).toBe(500)
    expect([...sim.invitations.keys()]).toEqual(['16175551001'])
    expect(sim.sms).toHaveLength(0)
  })

  it('expires the earlier invitation when a number is invited again', async () => {
    await invite({ app_id: appId(), users: [{ phone_number: fresh(1) }] })
    const first = sim.invitations.get('16175551001')
    const again = await invite({ app_id: appId(), users: [{ phone_number: '1-617-555-1001' }] })
    expect(again.json.success_numbers).toEqual(['16175551001'])
    expect(first?.expired).toBe(true)
    expect(sim.invitations.get('16175551001')?.expired).toBe(false)
    expect(sim.invitations.get('16175551001')?.token).not.toBe(first?.token)
    expect(sim.invitationHistory).toHaveLength(2)
    expect(sim.sms).toHaveLength(2)
  })

  it('turns pending invitations into active workers, oldest first, who then show in the list', async () => {
    await invite({
      app_id: appId(),
      users: [
        { phone_number: fresh(1), custom_user_data: { village: 'Ngor' } },
        { phone_number: fresh(2) },
        { phone_number: fresh(3) }
      ]
    })
    const [registered] = sim.registerInvited(1)
    expect(registered?.phone_numbers).toEqual(['16175551001'])
    expect(registered?.user_data.village).toBe('Ngor')
    expect(sim.invitations.get('16175551001')?.registeredWorkerId).toBe(registered?.id)
    const list = await getJson<ListPage<{ id: string }>>(sim, `/a/${sim.domain}/api/v0.5/user/?limit=1000`)
    expect(list.objects.some((w) => w.id === registered?.id)).toBe(true)
    expect(sim.registerInvited().map((w) => w.phone_numbers[0])).toEqual(['16175551002', '16175551003'])
    expect(sim.registerInvited()).toEqual([])
    const reinvite = await invite({ app_id: appId(), users: [{ phone_number: fresh(1) }] })
    expect(reinvite.json.numbers_in_use).toEqual(['16175551001'])
  })
})

describe('SMS reinstall link', () => {
  it('checks the raw number format and answers numbers as sent', async () => {
    const answer = await call(sim, `/a/${sim.domain}/api/v0.5/sms_user_registration_reinstall/`, {
      body: { app_id: appId(), users: [{ phone_number: '16175551001' }, { phone_number: '+16175551002' }] }
    })
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.text)).toEqual({
      success_numbers: ['16175551001'],
      invalid_format_numbers: ['+16175551002'],
      error_numbers: []
    })
  })
})
