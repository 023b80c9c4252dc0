import { afterEach, describe, expect, it } from 'vitest'
import { startSim, type Sim } from '../../../test/hq-sim'
import type { InviteProgress } from '../../shared/invite'
import { createHqClient, type HqClient } from '../hq/client'
import { syncProject } from '../sync'
import {
  createBatch,
  getBatch,
  listBatches,
  markRegistered,
  resolveUnknown,
  sendBatch,
  type RetryOptions
} from './index'
import { kenyanNumbers, rowsOf, tempDb, type TempDb } from './testing'

let t: TempDb | undefined
let sim: Sim | undefined
const clients: HqClient[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close()
  await sim?.close()
  sim = undefined
  t?.cleanup()
  t = undefined
})

const fast: RetryOptions = { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 }

function clientFor(s: { url: string; domain: string }, apiKey = 'sim-key-coordinator'): HqClient {
  const client = createHqClient({
    server: s.url,
    domain: s.domain,
    username: 'coordinator@example.org',
    apiKey
  })
  clients.push(client)
  return client
}

function registrationPosts(s: Sim) {
  return s.requests.filter((r) => r.method === 'POST' && r.path.includes('sms_user_registration'))
}

/** How many times HQ invited each number (expired invitations included). */
function timesInvited(s: Sim): Map<string, number> {
  const counts = new Map<string, number>()
  for (const inv of s.invitationHistory) counts.set(inv.phoneNumber, (counts.get(inv.phoneNumber) ?? 0) + 1)
  return counts
}

function statuses(db: TempDb['db'], batchId: number): Map<string, string> {
  return new Map(getBatch(db, batchId).numbers.map((n) => [n.digits, n.status]))
}

async function setup(numbers: string[], simOptions: Parameters<typeof startSim>[0] = {}) {
  sim = await startSim({ era: '2019', users: 40, ...simOptions })
  t = tempDb({ server: sim.url, domain: sim.domain })
  const appId = sim.data.applications[0]!.id
  const batchId = createBatch(t.db, { projectId: t.project.id, options: { appId }, rows: rowsOf(numbers) })
  return { sim, t, batchId, appId, client: clientFor(sim) }
}

describe('sending a batch', () => {
  it('sends 10,000 numbers in requests of 100 and records HQ’s answer for every number', async () => {
    sim = await startSim({ era: '2019', users: 60 })
    t = tempDb({ server: sim.url, domain: sim.domain })
    const appId = sim.data.applications[0]!.id
    // Some numbers already belong to workers in HQ: HQ must answer "in use" for exactly those.
    const taken = [
      ...new Set(sim.data.workers.flatMap((w) => w.phone_numbers.map((p) => p.replace(/\D/g, ''))))
    ]
      .filter((d) => /^[1-9]\d{6,14}$/.test(d))
      .slice(0, 25)
    const fresh = kenyanNumbers(10_000 - taken.length, 10_000_000).filter((n) => !taken.includes(n.slice(1)))
    const numbers = [...fresh.slice(0, 5000), ...taken.map((d) => `+${d}`), ...fresh.slice(5000)]
    expect(numbers).toHaveLength(10_000)
    const batchId = createBatch(t.db, {
      projectId: t.project.id,
      options: { appId, requireEmail: true },
      rows: rowsOf(numbers, (i): Record<string, string> => (i % 2 === 0 ? { cohort: `c${i % 7}` } : {}))
    })
    const inUse = new Set(sim.data.workers.flatMap((w) => w.phone_numbers.map((p) => p.replace(/\D/g, ''))))

    const progress: InviteProgress[] = []
    const result = await sendBatch({
      db: t.db,
      batchId,
      client: clientFor(sim),
      chunkSize: 100,
      onProgress: (p) => progress.push(p)
    })

    expect(result.state).toBe('done')
    expect(result.error).toBeNull()
    expect(registrationPosts(sim)).toHaveLength(100)
    expect(registrationPosts(sim).every((r) => r.status === 200)).toBe(true)
    const byDigits = statuses(t.db, batchId)
    let expectedInUse = 0
    for (const e164 of numbers) {
      const digits = e164.slice(1)
      const expected = inUse.has(digits) ? 'in_use' : 'success'
      if (expected === 'in_use') expectedInUse++
      expect(byDigits.get(digits), e164).toBe(expected)
      expect(sim.invitations.has(digits), e164).toBe(expected === 'success')
    }
    expect(expectedInUse).toBeGreaterThanOrEqual(taken.length)
    expect(result.counts).toMatchObject({
      success: 10_000 - expectedInUse,
      in_use: expectedInUse,
      queued: 0,
      unknown: 0
    })
    // Custom user data and options reached HQ with the number.
    const sample = sim.invitations.get(fresh[0]!.slice(1))!
    expect(sample).toMatchObject({
      appId,
      requireEmail: true,
      androidOnly: false,
      customUserData: { cohort: 'c0' }
    })
    expect(sim.invitations.get(fresh[1]!.slice(1))!.customUserData).toEqual({})
    // Progress only moves forward and ends complete.
    const settled = progress.map((p) => p.total - p.counts.queued - p.counts.sending)
    expect(settled).toEqual([...settled].sort((a, b) => a - b))
    expect(progress.at(-1)).toMatchObject({ state: 'done', total: 10_000 })
  }, 120_000)

  it('waits and tries again when HQ asks to slow down (429), sending each number once', async () => {
    const numbers = kenyanNumbers(500)
    const { sim, t, batchId, client } = await setup(numbers, {
      faults: '429:every=2;retry=0;path=registration'
    })
    const result = await sendBatch({ db: t.db, batchId, client, chunkSize: 100, retry: fast })
    expect(result.state).toBe('done')
    expect(result.counts.success).toBe(500)
    const posts = registrationPosts(sim)
    expect(posts.filter((p) => p.status === 429).length).toBeGreaterThan(0)
    expect(posts.filter((p) => p.status === 200)).toHaveLength(5)
    const times = timesInvited(sim)
    expect(numbers.every((n) => times.get(n.slice(1)) === 1)).toBe(true)
    const attempts = t.db
      .prepare('SELECT SUM(attempts) AS n FROM invite_requests WHERE batch_id = ?')
      .get(batchId) as { n: number }
    expect(attempts.n).toBe(posts.length)
  })

  it('marks the numbers of a request answered with 500 unknown, stops there, and never re-sends them by itself', async () => {
    const numbers = kenyanNumbers(1000)
    const { sim, t, batchId, client } = await setup(numbers, { faults: '500:nth=3;path=registration' })
    const first = await sendBatch({ db: t.db, batchId, client, chunkSize: 100, retry: fast })
    expect(first.state).toBe('needs-attention')
    expect(first.counts).toMatchObject({ success: 200, unknown: 100, queued: 700 })
    expect(first.error).toContain('500')
    expect(first.error).toContain('send them again or mark them failed')
    const unknown = getBatch(t.db, batchId, { status: 'unknown' }).numbers
    expect(unknown.map((n) => n.e164)).toEqual(numbers.slice(200, 300))
    expect(unknown[0]!.reason).toMatch(/^Outcome unknown: .*\(500\)/)

    // Sending again goes on with the queued numbers only.
    const second = await sendBatch({ db: t.db, batchId, client, chunkSize: 100, retry: fast })
    expect(second.state).toBe('needs-attention')
    expect(second.counts).toMatchObject({ success: 900, unknown: 100, queued: 0 })
    expect(registrationPosts(sim)).toHaveLength(10)
    expect(unknown.every((n) => !sim.invitations.has(n.digits))).toBe(true)

    // The coordinator decides: send them again.
    expect(
      resolveUnknown(
        t.db,
        batchId,
        unknown.map((n) => n.id),
        'resend'
      )
    ).toBe(100)
    expect(listBatches(t.db, t.project.id)[0]!.state).toBe('queued')
    const third = await sendBatch({ db: t.db, batchId, client, chunkSize: 100, retry: fast })
    expect(third.state).toBe('done')
    expect(third.counts.success).toBe(1000)
    const times = timesInvited(sim)
    expect(numbers.every((n) => times.get(n.slice(1)) === 1)).toBe(true)
  })

  it('treats a connection broken after HQ processed the request as unknown, and lets the coordinator mark them failed', async () => {
    const numbers = kenyanNumbers(300)
    const { sim, t, batchId, client } = await setup(numbers, { faults: 'reset:nth=2;path=registration' })
    const result = await sendBatch({ db: t.db, batchId, client, chunkSize: 100, retry: fast })
    expect(result.state).toBe('needs-attention')
    expect(result.counts).toMatchObject({ success: 100, unknown: 100, queued: 100 })
    const unknown = getBatch(t.db, batchId, { status: 'unknown' }).numbers
    // HQ did invite them: exactly why Roster must not guess.
    expect(unknown.every((n) => sim.invitations.has(n.digits))).toBe(true)

    expect(() =>
      resolveUnknown(t.db, batchId, [getBatch(t.db, batchId, { status: 'success' }).numbers[0]!.id], 'resend')
    ).toThrow(/Only numbers whose outcome is unknown/)
    resolveUnknown(
      t.db,
      batchId,
      unknown.map((n) => n.id),
      'mark-failed'
    )
    const after = listBatches(t.db, t.project.id)[0]!
    expect(after.state).toBe('queued')
    expect(after.counts).toMatchObject({ failed: 100, unknown: 0, queued: 100 })
    const done = await sendBatch({ db: t.db, batchId, client, chunkSize: 100, retry: fast })
    expect(done.state).toBe('done')
    expect(done.counts).toMatchObject({ success: 200, failed: 100 })
    expect(registrationPosts(sim)).toHaveLength(3)
  })

  it('stops with what to change in HQ when registration is off, keeps the numbers queued, and continues once it is on', async () => {
    const numbers = kenyanNumbers(250)
    const { sim, t, batchId, client } = await setup(numbers)
    sim.setPlan({ registrationEnabled: false })
    const stopped = await sendBatch({ db: t.db, batchId, client, chunkSize: 100, retry: fast })
    expect(stopped.state).toBe('stopped')
    expect(stopped.error).toContain('Messaging > General Settings')
    expect(stopped.error).toContain('250 numbers wait in the outbox')
    expect(stopped.counts.queued).toBe(250)
    expect(registrationPosts(sim)).toHaveLength(1)

    sim.setPlan({ registrationEnabled: true, smsPrivilege: false })
    const plan = await sendBatch({ db: t.db, batchId, client, chunkSize: 100, retry: fast })
    expect(plan.state).toBe('stopped')
    expect(plan.error).toMatch(/plan/i)

    sim.setPlan({ smsPrivilege: true })
    const done = await sendBatch({ db: t.db, batchId, client, chunkSize: 100, retry: fast })
    expect(done).toMatchObject({ state: 'done', error: null })
    expect(done.counts.success).toBe(250)
  })

  it('creates a batch with no network and sends it once HQ can be reached', async () => {
    // A server that is not there: connection refused, so nothing can have reached HQ.
    const closed = await startSim({ era: '2019' })
    const deadUrl = closed.url
    await closed.close()
    t = tempDb({ server: deadUrl, domain: 'demo-project' })
    const numbers = kenyanNumbers(150)
    sim = await startSim({ era: '2019', users: 10 })
    const appId = sim.data.applications[0]!.id
    const batchId = createBatch(t.db, { projectId: t.project.id, options: { appId }, rows: rowsOf(numbers) })

    const offline = await sendBatch({
      db: t.db,
      batchId,
      client: clientFor({ url: deadUrl, domain: sim.domain }),
      retry: fast
    })
    expect(offline.state).toBe('stopped')
    expect(offline.error).toContain('Could not send after 3 tries')
    expect(offline.counts).toMatchObject({ queued: 150, unknown: 0 })

    const online = await sendBatch({ db: t.db, batchId, client: clientFor(sim), chunkSize: 100, retry: fast })
    expect(online.state).toBe('done')
    expect(online.counts.success).toBe(150)
  })

  it('pauses between requests when cancelled, with the rest still queued', async () => {
    const numbers = kenyanNumbers(400)
    const { t, batchId, client } = await setup(numbers)
    const controller = new AbortController()
    const result = await sendBatch({
      db: t.db,
      batchId,
      client,
      chunkSize: 100,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.counts.success >= 100) controller.abort()
      }
    })
    expect(result.state).toBe('stopped')
    expect(result.error).toContain('Sending paused')
    expect(result.counts).toMatchObject({ success: 100, queued: 300 })
  })

  it('refuses to send a batch that is already being sent', async () => {
    const { t, batchId, client } = await setup(kenyanNumbers(200), { latencyMs: 100 })
    const running = sendBatch({ db: t.db, batchId, client, chunkSize: 100 })
    await expect(sendBatch({ db: t.db, batchId, client })).rejects.toThrow(/already being sent/)
    expect((await running).state).toBe('done')
  })
})

describe('the registration follow-up', () => {
  it('marks invitations as registered after the people register and the roster is synced', async () => {
    const numbers = kenyanNumbers(30)
    const { sim, t, batchId, client } = await setup(numbers)
    await sendBatch({ db: t.db, batchId, client })
    const registered = sim.registerInvited(7)
    expect(registered).toHaveLength(7)
    const run = await syncProject({ db: t.db, project: t.project, client })
    expect(run.outcome).toBe('ok')
    expect(markRegistered(t.db, t.project.id)).toBe(7)
    const summary = listBatches(t.db, t.project.id)[0]!
    expect(summary.counts).toMatchObject({ success: 30, registered: 7 })
    const rows = getBatch(t.db, batchId, { registered: true }).numbers
    expect(rows.map((n) => n.registeredWorkerId).sort()).toEqual(registered.map((w) => w.id).sort())
  })
})
