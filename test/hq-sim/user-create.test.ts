import { afterEach, describe, expect, it } from 'vitest'
import { startSim, type HqWorker, type Sim, type SimOptions } from './index'
import { call, getJson, type ListPage } from './test-helpers'

let sim: Sim | null = null
async function open(opts: SimOptions = {}): Promise<Sim> {
  sim = await startSim({ users: 10, seed: 3, ...opts })
  return sim
}
afterEach(async () => {
  await sim?.close()
  sim = null
})

const users = (s: Sim) => `/a/${s.domain}/api/user/v1/`
const post = (s: Sim, body: unknown) => call(s, users(s), { body })
const error = (a: { text: string }) => (JSON.parse(a.text) as { error: string }).error
const invite = { require_account_confirmation: true, send_confirmation_email_now: true }
const archived = (s: Sim) =>
  getJson<ListPage<HqWorker>>(s, `${users(s)}?archived=true&limit=1000`).then((p) => p.objects)

describe('POST user/v1 with e-mail confirmation (the project has two-stage creation)', () => {
  it('creates an inactive, unconfirmed account and e-mails the link', async () => {
    const s = await open()
    const group = s.data.groups[0]
    const answer = await post(s, {
      username: 'Fatou.Ba',
      first_name: 'Fatou',
      last_name: 'Ba',
      email: 'fatou@example.org',
      phone_numbers: ['+221770000001'],
      groups: [group?.id, 'no-such-group'],
      user_data: { village: 'Thiès' },
      ...invite
    })
    expect(answer.status).toBe(201)
    const { id } = JSON.parse(answer.text) as { id: string }
    const worker = (await archived(s)).find((w) => w.id === id)
    expect(worker).toMatchObject({
      username: 'fatou.ba@demo-project.commcarehq.org',
      email: 'fatou@example.org',
      phone_numbers: ['221770000001'],
      default_phone_number: '221770000001',
      groups: [group?.id]
    })
    expect(worker?.user_data.village).toBe('Thiès')
    expect(s.emails).toHaveLength(1)
    expect(s.emails[0]).toMatchObject({ to: 'fatou@example.org', username: worker?.username })
    expect(s.emails[0]?.url).toBe(`${s.url}/a/demo-project/settings/users/commcare/confirm_account/${id}/`)
    s.confirmAccount(id)
    expect((await archived(s)).some((w) => w.id === id)).toBe(false)
  })

  it('tells the probe that the privilege is there, and creates nothing', async () => {
    const s = await open()
    const before = s.data.workers.length
    const answer = await post(s, { username: 'roster-probe-123', ...invite })
    expect(answer.status).toBe(400)
    expect(error(answer)).toBe("You must provide the user's email to send a confirmation email.")
    expect(s.data.workers.length).toBe(before)
  })

  it('refuses a password, and sending without requiring confirmation', async () => {
    const s = await open()
    const withPassword = await post(s, { username: 'a1', email: 'a@example.org', password: 'pw', ...invite })
    expect(error(withPassword)).toBe('Users will provide their own password on confirmation.')
    const sendOnly = await post(s, {
      username: 'a2',
      email: 'a@example.org',
      send_confirmation_email_now: true
    })
    expect(error(sendOnly)).toBe('You must require account confirmation to send a confirmation email.')
  })

  it('refuses unknown fields and taken usernames', async () => {
    const s = await open()
    const unknown = await post(s, { username: 'a3', email: 'a@example.org', is_active: false, ...invite })
    expect(unknown.status).toBe(400)
    expect(error(unknown)).toBe("Attempted to update unknown or non-editable field 'is_active'")
    const taken = s.data.workers[0]?.username ?? ''
    const again = await post(s, { username: taken.split('@')[0], email: 'a@example.org', ...invite })
    expect(again.status).toBe(400)
    expect(JSON.parse(again.text)).toEqual({ error: `Username '${taken}' is already taken or reserved.` })
  })

  it('re-sends the e-mail with PUT, but not to a confirmed account or one without e-mail', async () => {
    const s = await open()
    const created = await post(s, { username: 'resend.me', email: 'r@example.org', ...invite })
    const { id } = JSON.parse(created.text) as { id: string }
    const put = (body: unknown) => call(s, `${users(s)}${id}/`, { method: 'PUT', body })
    expect((await put({ send_confirmation_email_now: true })).status).toBe(200)
    expect(s.emails).toHaveLength(2)
    const noEmail = await put({ send_confirmation_email_now: true, email: '' })
    expect(noEmail.status).toBe(400)
    s.confirmAccount(id)
    const confirmed = await put({ send_confirmation_email_now: true })
    expect(confirmed.status).toBe(400)
    expect(s.emails).toHaveLength(2)
  })
})

describe('POST user/v1 without the privilege (--no-email-confirmation)', () => {
  it('ignores both flags: no password is "Password or connect username required", and creates nothing', async () => {
    const s = await open({ emailConfirmation: false })
    const before = s.data.workers.length
    const answer = await post(s, { username: 'roster-probe-123', ...invite })
    expect(answer.status).toBe(400)
    expect(error(answer)).toBe('Password or connect username required')
    expect(s.data.workers.length).toBe(before)
  })

  it('creates an active account from a password, sending no e-mail', async () => {
    const s = await open({ emailConfirmation: false })
    const answer = await post(s, {
      username: 'with.pw',
      password: 'secret-1',
      email: 'w@example.org',
      ...invite
    })
    expect(answer.status).toBe(201)
    const { id } = JSON.parse(answer.text) as { id: string }
    expect(s.activeWorkers().some((w) => w.id === id)).toBe(true)
    expect(s.emails).toHaveLength(0)
  })
})

describe('POST user/v1 like any API', () => {
  it('needs edit_commcare_users and is throttled', async () => {
    const s = await open({ rateLimitPerSecond: 1 })
    expect((await call(s, users(s), { account: s.accounts.dataOnly, body: { username: 'x' } })).status).toBe(
      403
    )
    const answers = await Promise.all([1, 2].map((n) => post(s, { username: `t${n}`, password: 'p' })))
    expect(answers.map((a) => a.status).sort()).toEqual([201, 429])
  })

  it('is not served by the 2019 HQ', async () => {
    const s = await open({ era: '2019' })
    expect(
      (await call(s, `/a/${s.domain}/api/v0.5/user/`, { body: { username: 'x', password: 'p' } })).status
    ).toBe(405)
  })
})
