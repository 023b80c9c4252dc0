import * as XLSX from '@e965/xlsx'
import { afterEach, describe, expect, it } from 'vitest'
import { startSim, type Sim, type SimOptions } from '../../../test/hq-sim'
import { createHqClient, type HqClient, type HqClientOptions } from './client'
import { failure } from './testing'

// Creating accounts (bulk upload, user/v1), the registration endpoint's 404 on today's HQ, and the
// v0.5 fallback on an old one: the client against the simulator in both eras.

const open: { sims: Sim[]; clients: HqClient[] } = { sims: [], clients: [] }

afterEach(async () => {
  await Promise.all(open.clients.map((c) => c.close()))
  await Promise.all(open.sims.map((s) => s.close()))
  open.sims = []
  open.clients = []
})

async function sim(opts: SimOptions = {}): Promise<Sim> {
  const s = await startSim(opts)
  open.sims.push(s)
  return s
}

function connect(s: Sim, extra: Partial<HqClientOptions> = {}): HqClient {
  const client = createHqClient({
    server: s.url,
    domain: s.domain,
    ...s.accounts.coordinator,
    retry: { baseDelayMs: 10, maxDelayMs: 50, rateLimitBaseMs: 20, rateLimitMaxMs: 100 },
    ...extra
  })
  open.clients.push(client)
  return client
}

/** A workbook as the invite channel builds it: sheet `users`, text cells only. */
function workbook(rows: string[][]): Uint8Array {
  const book = XLSX.utils.book_new()
  const sheet = XLSX.utils.aoa_to_sheet(rows.map((row) => row.map((v) => ({ t: 's', v }))))
  XLSX.utils.book_append_sheet(book, sheet, 'users')
  return new Uint8Array(XLSX.write(book, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer)
}

const HEADERS = [
  'username',
  'first_name',
  'last_name',
  'phone-number 1',
  'send_confirmation_sms',
  'is_account_confirmed'
]

const posts = (s: Sim) => s.requests.filter((r) => r.method === 'POST' || r.method === 'PUT')

describe('uploadUsers', () => {
  it('uploads once and HQ creates inactive accounts that text each worker a link', async () => {
    const s = await sim({ users: 5 })
    const client = connect(s)
    await client.uploadUsers(
      workbook([
        HEADERS,
        ['amina.diallo', 'Amina', 'Diallo', '+254711000001', 'True', 'False'],
        ['juma.otieno', 'Juma', 'Otieno', '+254711000002', 'True', 'False']
      ])
    )
    await s.uploadsSettled()
    expect(s.createdAccounts.map((a) => a.username.split('@')[0])).toEqual(['amina.diallo', 'juma.otieno'])
    expect(s.confirmationSms.map((m) => m.to)).toEqual(['254711000001', '254711000002'])
    const archived: string[] = []
    await client.listWorkers({
      archived: true,
      onPage: (page) => void archived.push(...page.workers.map((w) => w.username.split('@')[0]!))
    })
    expect(archived).toEqual(expect.arrayContaining(['amina.diallo', 'juma.otieno']))
    expect(posts(s)).toHaveLength(1)
  })

  it("refuses with HQ's own message when a header is missing, and says nothing was created", async () => {
    const s = await sim({ users: 5 })
    const error = await failure(connect(s).uploadUsers(workbook([['name'], ['Amina']])))
    expect(error).toMatchObject({ kind: 'bad-request', status: 400, maybeDelivered: false })
    expect(error.message).toMatch(/required column headers: username/)
  })

  it('never repeats an upload that got a 500, and says HQ may have taken it', async () => {
    const s = await sim({ users: 5, faults: '500:once;path=accounts' })
    const error = await failure(
      connect(s).uploadUsers(workbook([HEADERS, ['a.b', 'A', 'B', '+254711000003', 'True', 'False']]))
    )
    expect(error).toMatchObject({ kind: 'server', maybeDelivered: true })
    expect(error.message).toMatch(/Roster will not upload it again by itself/)
    expect(posts(s)).toHaveLength(1)
  })

  it('never repeats an upload whose connection broke after sending', async () => {
    const s = await sim({ users: 5, faults: 'reset:once;path=accounts' })
    const error = await failure(
      connect(s).uploadUsers(workbook([HEADERS, ['c.d', 'C', 'D', '+254711000004', 'True', 'False']]))
    )
    expect(error.maybeDelivered).toBe(true)
    expect(posts(s)).toHaveLength(1)
  })

  it('knows a refused connection never reached HQ', async () => {
    const s = await sim({ users: 1 })
    const url = s.url
    await s.close()
    open.sims = []
    const client = createHqClient({ server: url, domain: 'demo-project', ...s.accounts.coordinator })
    open.clients.push(client)
    const error = await failure(client.uploadUsers(workbook([HEADERS])))
    expect(error).toMatchObject({ kind: 'network', maybeDelivered: false })
  })
})

describe('createUser and resendConfirmationEmail', () => {
  it('creates an unconfirmed account that HQ e-mails, and re-sends the e-mail on request', async () => {
    const s = await sim({ users: 5 })
    const client = connect(s)
    const { id } = await client.createUser({
      username: 'fatou.ndiaye',
      first_name: 'Fatou',
      last_name: 'Ndiaye',
      email: 'fatou@example.org',
      default_phone_number: '254711000005',
      phone_numbers: ['254711000005'],
      user_data: { village: 'Kisumu' },
      require_account_confirmation: true,
      send_confirmation_email_now: true
    })
    expect(id).toMatch(/\S/)
    expect(s.createdAccounts).toMatchObject([{ id, via: 'api', confirmed: false }])
    expect(s.emails.map((e) => e.to)).toEqual(['fatou@example.org'])
    expect(s.requests.find((r) => r.method === 'POST')!.path).toMatch(/\/api\/user\/v1\/$/)

    await client.resendConfirmationEmail(id)
    expect(s.emails).toHaveLength(2)
  })

  it("rejects a taken username with HQ's words, as not delivered", async () => {
    const s = await sim({ users: 5 })
    const taken = s.activeWorkers()[0]!.username.split('@')[0]!
    const error = await failure(
      connect(s).createUser({
        username: taken,
        email: 'x@example.org',
        require_account_confirmation: true,
        send_confirmation_email_now: true
      })
    )
    expect(error).toMatchObject({ kind: 'bad-request', status: 400, maybeDelivered: false })
    expect(error.message).toMatch(/already taken or reserved/)
  })

  it('refuses a body HQ would refuse before sending it', async () => {
    const s = await sim({ users: 1 })
    const client = connect(s)
    const error = await failure(
      client.createUser({ username: 'a.b', primary_location: 'loc-1' } as Parameters<
        HqClient['createUser']
      >[0])
    )
    expect(error).toMatchObject({ kind: 'bad-request', maybeDelivered: false, field: 'locations' })
    expect(posts(s)).toHaveLength(0)
  })

  it('never repeats a creation that got a 500', async () => {
    const s = await sim({ users: 5, faults: '500:once;path=accounts' })
    const error = await failure(
      connect(s).createUser({
        username: 'e.f',
        email: 'e@example.org',
        require_account_confirmation: true,
        send_confirmation_email_now: true
      })
    )
    expect(error.maybeDelivered).toBe(true)
    expect(posts(s)).toHaveLength(1)
  })
})

describe("today's HQ and the old one", () => {
  it('reads a 404 from the retired registration endpoint as retired, not as an unknown project', async () => {
    const s = await sim({ users: 5 })
    const error = await failure(
      connect(s).register({ app_id: s.data.applications[0]!.id, users: [{ phone_number: '254711000009' }] })
    )
    expect(error).toMatchObject({
      kind: 'not-found',
      code: 'REGISTRATION_RETIRED',
      status: 404,
      maybeDelivered: false
    })
    expect(error.message).toMatch(/no longer has SMS self-registration \(retired in 2020\)/)
    expect(error.message).toMatch(/Test connection/)
  })

  it('falls back to the v0.5 URLs on an old server and asks the versioned one only once per resource', async () => {
    const s = await sim({ era: '2019', users: 30 })
    const client = connect(s, { pageSize: 10 })
    const seen = new Set<string>()
    await client.listWorkers({ archived: false, onPage: (p) => p.workers.forEach((w) => seen.add(w.id)) })
    expect(seen.size).toBe(s.activeWorkers().length)
    expect(await client.listGroups()).toHaveLength(s.data.groups.length)
    expect(await client.listLocations()).toHaveLength(s.data.locations.length)
    expect(await client.listApplications()).toHaveLength(s.data.applications.length)
    expect(await client.getWorker(s.activeWorkers()[0]!.id)).not.toBeNull()

    const versioned = s.requests.filter((r) =>
      /\/api\/(user|group|application)\/v1\/|\/location\/v2\//.test(r.path)
    )
    expect(versioned.map((r) => r.status)).toEqual([404, 404, 404, 404])
    expect(s.requests.filter((r) => r.path.includes('/api/v0.5/user/')).length).toBeGreaterThan(3)
  })

  it('uses only the versioned URLs on a server that has them', async () => {
    const s = await sim({ users: 30 })
    const client = connect(s)
    await client.listWorkers({ archived: false, onPage: () => undefined })
    await client.listGroups()
    await client.listLocations()
    await client.listApplications()
    expect(s.requests.filter((r) => r.path.includes('/v0.5/'))).toEqual([])
  })

  it('names an unknown project when both forms answer 404', async () => {
    const s = await sim({ users: 5 })
    const client = createHqClient({ server: s.url, domain: 'no-such-project', ...s.accounts.coordinator })
    open.clients.push(client)
    expect(await failure(client.listGroups())).toMatchObject({ kind: 'unknown-project' })
  })

  it('backs off on its own when HQ says 429 without Retry-After, then completes', async () => {
    const s = await sim({ users: 300, maxLimit: 50, faults: '429:nth=2;retry=none' })
    const waits: { until: number; reason: string; at: number }[] = []
    const client = connect(s, { onWait: (w) => waits.push({ ...w, at: Date.now() }) })
    const seen = new Set<string>()
    const result = await client.listWorkers({
      archived: false,
      onPage: (p) => p.workers.forEach((w) => seen.add(w.id))
    })
    expect(result.complete).toBe(true)
    expect(seen.size).toBe(s.activeWorkers().length)
    const pause = waits.find((w) => w.reason === 'rate-limited')!
    // rateLimitBaseMs 20 in these tests: between half and all of it.
    expect(pause.until - pause.at).toBeGreaterThanOrEqual(9)
    expect(pause.until - pause.at).toBeLessThanOrEqual(40)
  })
})
