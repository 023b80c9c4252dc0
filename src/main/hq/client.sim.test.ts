import { Agent, type Dispatcher } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { startSim, type Sim, type SimAccount, type SimOptions } from '../../../test/hq-sim'
import { createHqClient, type HqClient, type HqClientOptions, type WorkerPageEvent } from './client'
import { failure } from './testing'
import type { HqWorker } from './schemas'
import type { PageWindow } from './paging'

// The HQ client against the HQ simulator: real HTTP on loopback, real faults.

const open: { sims: Sim[]; clients: HqClient[]; dispatchers: Dispatcher[] } = {
  sims: [],
  clients: [],
  dispatchers: []
}

afterEach(async () => {
  await Promise.all(open.clients.map((c) => c.close()))
  await Promise.all(open.dispatchers.map((d) => d.close()))
  await Promise.all(open.sims.map((s) => s.close()))
  open.sims = []
  open.clients = []
  open.dispatchers = []
})

async function sim(opts: SimOptions = {}): Promise<Sim> {
  const s = await startSim(opts)
  open.sims.push(s)
  return s
}

function connect(
  s: Sim,
  extra: Partial<HqClientOptions> = {},
  account: SimAccount = s.accounts.coordinator
): HqClient {
  const client = createHqClient({
    server: s.url,
    domain: s.domain,
    username: account.username,
    apiKey: account.apiKey,
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
    ...extra
  })
  open.clients.push(client)
  return client
}

/** An Agent that records when each request was dispatched, to check pauses from outside. */
function recordingDispatcher(): { dispatcher: Dispatcher; log: { at: number; path: string }[] } {
  const log: { at: number; path: string }[] = []
  const agent = new Agent()
  const dispatcher = agent.compose((dispatch) => (options, handler) => {
    log.push({ at: Date.now(), path: String(options.path) })
    return dispatch(options, handler)
  })
  open.dispatchers.push(agent)
  return { dispatcher, log }
}

async function collect(
  client: HqClient,
  archived = false,
  extra: { known?: PageWindow[]; signal?: AbortSignal; maxRefetches?: number } = {}
) {
  const pages: WorkerPageEvent[] = []
  const byId = new Map<string, HqWorker>()
  const result = await client.listWorkers({
    archived,
    ...extra,
    onPage: (page) => {
      pages.push(page)
      for (const w of page.workers) byId.set(w.id, w)
    }
  })
  return { result, pages, byId }
}

const sortedIds = (workers: { id: string }[]) => workers.map((w) => w.id).sort()

function workerRequests(s: Sim) {
  return s.requests.filter((r) => r.path.includes('/api/user/v1/') || r.path.includes('/api/v0.5/user/'))
}

function offsetsOf(requests: { path: string }[]): number[] {
  return requests.map((r) => Number(new URL(r.path, 'http://x').searchParams.get('offset')))
}

describe('listWorkers against the simulator', () => {
  it('fetches every active and every archived worker of a project with a few thousand', async () => {
    const s = await sim({ users: 3000 })
    const client = connect(s)

    const active = await collect(client, false)
    expect(sortedIds([...active.byId.values()])).toEqual(sortedIds(s.activeWorkers()))
    expect(active.result).toMatchObject({
      totalCount: s.activeWorkers().length,
      limit: 1000,
      distinctIds: s.activeWorkers().length,
      refetchedPages: 0,
      complete: true
    })

    const archived = await collect(client, true)
    expect(s.archivedWorkers().length).toBeGreaterThan(0)
    expect(sortedIds([...archived.byId.values()])).toEqual(sortedIds(s.archivedWorkers()))
    expect(archived.result.complete).toBe(true)
    for (const r of workerRequests(s).filter((r) => r.path.includes('archived'))) {
      expect(r.path).toContain('archived=true')
    }
  })

  it('keeps what HQ sends for each worker, extra fields included', async () => {
    const s = await sim({ users: 40 })
    const { byId } = await collect(connect(s))
    const expected = s.activeWorkers()[0]!
    const got = byId.get(expected.id)!
    expect(got).toMatchObject({
      id: expected.id,
      username: expected.username,
      first_name: expected.first_name,
      phone_numbers: expected.phone_numbers,
      groups: expected.groups,
      user_data: expected.user_data
    })
    expect(got.type).toBe('user')
  })

  it('asks for 1000 per page and pages by the smaller limit the server reports', async () => {
    const s = await sim({ users: 700, maxLimit: 100 })
    const total = s.activeWorkers().length
    const { result, pages } = await collect(connect(s))
    expect(result.limit).toBe(100)
    expect(result.complete).toBe(true)
    const requests = workerRequests(s)
    expect(requests[0]!.path).toContain('limit=1000')
    expect(
      requests.slice(1).every((r) => r.path.includes('limit=100&') || r.path.endsWith('limit=100'))
    ).toBe(true)
    // Pages overlap by 10 rows: 0, 90, 180, … while a page still adds rows.
    expect(offsetsOf(requests).sort((a, b) => a - b)).toEqual(
      Array.from({ length: Math.ceil((total - 10) / 90) }, (_, i) => i * 90)
    )
    expect(pages.every((p) => p.limit === 100 && p.totalCount === total)).toBe(true)
  })

  it('delivers an empty project as one empty page', async () => {
    const s = await sim({ users: 0 })
    const { result, pages } = await collect(connect(s))
    expect(result).toMatchObject({ totalCount: 0, distinctIds: 0, complete: true })
    expect(pages).toHaveLength(1)
  })

  it('pauses every fetcher for the whole Retry-After after a 429, then completes', async () => {
    const s = await sim({ users: 1200, maxLimit: 100, faults: '429:nth=4;retry=1' })
    const { dispatcher, log } = recordingDispatcher()
    const waits: { calledAt: number; until: number; reason: string }[] = []
    const client = connect(s, {
      dispatcher,
      onWait: (info) => waits.push({ calledAt: Date.now(), ...info })
    })
    const { result, byId } = await collect(client)
    expect(result.complete).toBe(true)
    expect(byId.size).toBe(s.activeWorkers().length)

    const pause = waits.find((w) => w.reason === 'rate-limited')!
    expect(pause).toBeDefined()
    expect(pause.until - pause.calledAt).toBeGreaterThanOrEqual(1000)
    const during = log.filter((entry) => entry.at > pause.calledAt && entry.at < pause.until)
    expect(during).toEqual([])
    expect(log.some((entry) => entry.at >= pause.until)).toBe(true)
    expect(s.requests.filter((r) => r.status === 429)).toHaveLength(1)
  })

  it('slows down and still completes when HQ throttles the project', async () => {
    const s = await sim({ users: 500, maxLimit: 50, rateLimitPerSecond: 4 })
    const waits: string[] = []
    const client = connect(s, { onWait: (info) => waits.push(info.reason) })
    const { result, byId } = await collect(client)
    expect(result.complete).toBe(true)
    expect(byId.size).toBe(s.activeWorkers().length)
    expect(waits).toContain('rate-limited')
  }, 60_000)

  it('retries 500, 502 and 503 and still delivers the complete set', async () => {
    const s = await sim({ users: 800, maxLimit: 100, faults: '500:nth=1,502:nth=3,503:nth=5' })
    const { result, byId } = await collect(connect(s))
    expect(result.complete).toBe(true)
    expect(sortedIds([...byId.values()])).toEqual(sortedIds(s.activeWorkers()))
    const statuses = s.requests.map((r) => r.status)
    expect(statuses).toContain(500)
    expect(statuses).toContain(502)
    expect(statuses).toContain(503)
  })

  it('retries a connection reset in the middle of a body', async () => {
    const s = await sim({ users: 500, maxLimit: 100, faults: 'reset:nth=2' })
    const { result, byId } = await collect(connect(s))
    expect(result.complete).toBe(true)
    expect(byId.size).toBe(s.activeWorkers().length)
    expect(s.requests.some((r) => r.fault === 'reset:nth=2')).toBe(true)
  })

  it('retries a body whose JSON was cut short', async () => {
    const s = await sim({ users: 500, maxLimit: 100, faults: 'truncate:nth=3' })
    const { result, byId } = await collect(connect(s))
    expect(result.complete).toBe(true)
    expect(byId.size).toBe(s.activeWorkers().length)
    expect(s.requests.some((r) => r.fault === 'truncate:nth=3')).toBe(true)
  })

  it('waits for a slow body rather than giving up', async () => {
    const s = await sim({ users: 120, maxLimit: 100, faults: 'slow-body:ms=800;once' })
    const { result } = await collect(connect(s))
    expect(result.complete).toBe(true)
    expect(workerRequests(s)).toHaveLength(2)
  })

  it('gives up on a body slower than the request timeout, retries, and reports a timeout when it keeps happening', async () => {
    const once = await sim({ users: 120, maxLimit: 100, faults: 'slow-body:ms=3000;once' })
    const recovered = await collect(connect(once, { timeouts: { requestMs: 400 } }))
    expect(recovered.result.complete).toBe(true)

    const always = await sim({ users: 120, maxLimit: 100, faults: 'slow-body:ms=3000' })
    const error = await failure(
      collect(connect(always, { timeouts: { requestMs: 300 }, retry: { maxAttempts: 2, baseDelayMs: 1 } }))
    )
    expect(error.kind).toBe('timeout')
    expect(error.message).toMatch(/took too long to read the mobile worker list/)
  })

  it('stops with an auth error, without retrying, when the key is revoked mid-sync', async () => {
    const s = await sim({ users: 1000, maxLimit: 100, faults: 'auth-revoke:after=2' })
    const error = await failure(collect(connect(s)))
    expect(error.kind).toBe('auth')
    expect(error.status).toBe(401)
    expect(error.message).toContain('coordinator@example.org')
    expect(error.message).not.toContain(s.accounts.coordinator.apiKey)
    const offsets = offsetsOf(workerRequests(s))
    expect(new Set(offsets).size).toBe(offsets.length)
  })

  it('stops with an auth error when the key was revoked before the sync', async () => {
    const s = await sim({ users: 10 })
    s.revokeKey(s.accounts.coordinator.username)
    const error = await failure(collect(connect(s)))
    expect(error.kind).toBe('auth')
    expect(s.requests).toHaveLength(1)
  })

  it('re-reads the moved pages and ends with exactly the current workers when some are added between pages', async () => {
    const s = await sim({ users: 800, maxLimit: 100, faults: 'shift:add=3;after=2' })
    const { result, byId } = await collect(connect(s))
    expect(result.complete).toBe(true)
    expect(result.refetchedPages).toBeGreaterThan(0)
    expect(result.totalCount).toBe(s.activeWorkers().length)
    expect(result.ids.sort()).toEqual(sortedIds(s.activeWorkers()))
    for (const w of s.activeWorkers()) expect(byId.has(w.id)).toBe(true)
  })

  it('re-reads the moved pages and finds the worker that shifted onto an earlier page when some are removed', async () => {
    const s = await sim({ users: 800, maxLimit: 100, faults: 'shift:remove=2;after=3' })
    const { result, byId } = await collect(connect(s))
    expect(result.complete).toBe(true)
    expect(result.refetchedPages).toBeGreaterThan(0)
    expect(result.ids.sort()).toEqual(sortedIds(s.activeWorkers()))
    for (const w of s.activeWorkers()) expect(byId.has(w.id)).toBe(true)
  })

  it('asks for pages that overlap the previous one by a few rows', async () => {
    const s = await sim({ users: 400, maxLimit: 100 })
    const { result } = await collect(connect(s))
    expect(result.complete).toBe(true)
    const total = s.activeWorkers().length
    expect(total).toBeGreaterThan(280)
    const expected = Array.from({ length: Math.ceil((total - 10) / 90) }, (_, i) => i * 90)
    expect(offsetsOf(workerRequests(s)).sort((a, b) => a - b)).toEqual(expected)
  })

  it('says the list is not complete when it keeps changing beyond the re-read budget', async () => {
    const s = await sim({ users: 600, maxLimit: 100, faults: 'shift:add=1;after=2;every=2' })
    const { result } = await collect(connect(s), false, { maxRefetches: 2 })
    expect(result.complete).toBe(false)
    expect(result.refetchedPages).toBe(2)
  })

  it('checks the pages a resumed sync already stored instead of fetching them', async () => {
    const s = await sim({ users: 700, maxLimit: 100 })
    const first = await collect(connect(s))
    const before = workerRequests(s).length
    const known = first.result.windows.filter((w) => w.offset <= 180)
    const resumed = await collect(connect(s), false, { known })
    const offsets = offsetsOf(workerRequests(s).slice(before))
    expect(offsets).toContain(0)
    expect(offsets).not.toContain(90)
    expect(offsets).not.toContain(180)
    expect(resumed.result.complete).toBe(true)
    expect(resumed.result.ids).toEqual(first.result.ids)
  })

  it('reads a stored page again when the list moved since it was stored', async () => {
    const s = await sim({ users: 700, maxLimit: 100 })
    const first = await collect(connect(s))
    s.removeWorkers([s.activeWorkers()[5]!.id])
    const before = workerRequests(s).length
    const resumed = await collect(connect(s), false, {
      known: first.result.windows.filter((w) => w.offset <= 180)
    })
    expect(offsetsOf(workerRequests(s).slice(before))).toEqual(expect.arrayContaining([0, 90, 180]))
    expect(resumed.result.complete).toBe(true)
    expect(resumed.result.ids.sort()).toEqual(sortedIds(s.activeWorkers()))
  })

  it('keeps fetching while a page is being written, with a bounded backlog', async () => {
    const s = await sim({ users: 900, maxLimit: 50, latencyMs: 5 })
    let fetchedDuringWrite = 0
    let writes = 0
    const result = await connect(s).listWorkers({
      archived: false,
      backlog: 2,
      onPage: async () => {
        const before = workerRequests(s).length
        await new Promise((resolve) => setTimeout(resolve, 30))
        if (workerRequests(s).length > before) fetchedDuringWrite += 1
        writes += 1
      }
    })
    expect(result.complete).toBe(true)
    expect(writes).toBeGreaterThan(10)
    expect(fetchedDuringWrite).toBeGreaterThan(writes / 2)
    // Bounded: fetching never ran more than the backlog (plus what was in flight) ahead.
    expect(workerRequests(s).length).toBe(writes)
  })

  it('calls onPage one page at a time even while pages are fetched concurrently', async () => {
    const s = await sim({ users: 900, maxLimit: 50 })
    let inside = 0
    let most = 0
    const result = await connect(s).listWorkers({
      archived: false,
      onPage: async () => {
        inside += 1
        most = Math.max(most, inside)
        await new Promise((resolve) => setTimeout(resolve, 5))
        inside -= 1
      }
    })
    expect(result.complete).toBe(true)
    expect(most).toBe(1)
  })

  it('stops when cancelled and calls onPage no more', async () => {
    const s = await sim({ users: 1000, maxLimit: 50, latencyMs: 20 })
    const controller = new AbortController()
    let pagesAfterAbort = 0
    let aborted = false
    const client = connect(s)
    const error = await failure(
      client.listWorkers({
        archived: false,
        signal: controller.signal,
        onPage: () => {
          if (aborted) pagesAfterAbort += 1
          if (!aborted) {
            aborted = true
            controller.abort()
          }
        }
      })
    )
    expect(error.kind).toBe('cancelled')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(pagesAfterAbort).toBe(0)
    expect(workerRequests(s).length).toBeLessThan(5)
  })

  it('does not start when the signal is already aborted', async () => {
    const s = await sim({ users: 10 })
    const controller = new AbortController()
    controller.abort()
    const error = await failure(collect(connect(s), false, { signal: controller.signal }))
    expect(error.kind).toBe('cancelled')
    expect(s.requests).toHaveLength(0)
  })

  it('passes on an error thrown by onPage and stops paging', async () => {
    const s = await sim({ users: 700, maxLimit: 100 })
    const client = connect(s)
    await expect(
      client.listWorkers({
        archived: false,
        onPage: () => {
          throw new Error('disk full')
        }
      })
    ).rejects.toThrow('disk full')
  })

  it('names the project when it does not exist on the server', async () => {
    const s = await sim({ users: 10 })
    const client = createHqClient({ server: s.url, domain: 'no-such-project', ...s.accounts.coordinator })
    open.clients.push(client)
    const error = await failure(collect(client))
    expect(error.kind).toBe('unknown-project')
    expect(error.message).toMatch(
      /^No project 'no-such-project' on http:\/\/127.0.0.1:\d+, or your key cannot see it/
    )
  })
})

describe('single worker, groups, locations and applications', () => {
  it('gets one worker by id, and null for an id HQ does not know', async () => {
    const s = await sim({ users: 20 })
    const client = connect(s)
    const expected = s.activeWorkers()[3]!
    expect(await client.getWorker(expected.id)).toMatchObject({
      id: expected.id,
      username: expected.username
    })
    expect(await client.getWorker('0123456789abcdef0123456789abcdef')).toBeNull()
  })

  it('lists groups, locations and applications as the project has them', async () => {
    const s = await sim({ users: 50 })
    const client = connect(s)
    const groups = await client.listGroups()
    expect(groups.map((g) => [g.id, g.name]).sort()).toEqual(s.data.groups.map((g) => [g.id, g.name]).sort())

    const locations = await client.listLocations()
    expect(locations).toHaveLength(s.data.locations.length)
    for (const expected of s.data.locations) {
      expect(locations.find((l) => l.id === expected.location_id)).toEqual({
        id: expected.location_id,
        name: expected.name,
        siteCode: expected.site_code,
        type: expected.location_type_code,
        parentId: expected.parent_location_id || null
      })
    }

    const apps = await client.listApplications()
    expect(apps).toEqual(s.data.applications.map((a) => ({ id: a.id, name: a.name })))
  })

  it('retries a 502 while listing groups', async () => {
    const s = await sim({ users: 20, faults: '502:once;path=groups' })
    const groups = await connect(s).listGroups()
    expect(groups).toHaveLength(s.data.groups.length)
    expect(s.requests.filter((r) => r.status === 502)).toHaveLength(1)
  })

  it('names the Edit Locations permission when the key cannot read locations', async () => {
    const s = await sim({ users: 20 })
    const error = await failure(connect(s, {}, s.accounts.dataOnly).listLocations())
    expect(error.kind).toBe('permission')
    expect(error.message).toMatch(/"Edit Locations"/)
  })
})

describe('register against the simulator', () => {
  function appId(s: Sim): string {
    return s.data.applications[0]!.id
  }

  it('invites new numbers and reports invalid and taken ones', async () => {
    const s = await sim({ era: '2019', users: 30 })
    const inUse = s.activeWorkers().find((w) => w.phone_numbers.length > 0)!.phone_numbers[0]!
    const result = await connect(s).register({
      app_id: appId(s),
      users: [
        { phone_number: '+1 (555) 010-2030', custom_user_data: { district: 'North' } },
        { phone_number: 'not a number' },
        { phone_number: `+${inUse.replace(/^\+/, '')}` }
      ],
      android_only: true,
      custom_registration_message: 'Join us: {}'
    })
    expect(result.success_numbers).toEqual(['15550102030'])
    expect(result.invalid_format_numbers).toEqual(['notanumber'])
    expect(result.numbers_in_use).toEqual([inUse.replace(/^\+/, '')])
    const invitation = s.invitations.get('15550102030')!
    expect(invitation).toMatchObject({
      appId: appId(s),
      androidOnly: true,
      customUserData: { district: 'North' }
    })
    expect(s.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
  })

  it('explains a plan without the feature as a plan problem, not a wrong key', async () => {
    const s = await sim({ era: '2019', users: 5 })
    s.setPlan({ smsPrivilege: false })
    const error = await failure(
      connect(s).register({ app_id: appId(s), users: [{ phone_number: '15550102030' }] })
    )
    expect(error).toMatchObject({ kind: 'plan', status: 401, maybeDelivered: false })
    expect(error.message).toMatch(/plan does not include this feature/)
    expect(s.invitations.size).toBe(0)
  })

  it('tells where to turn registration on when the project has it off', async () => {
    const s = await sim({ era: '2019', users: 5 })
    s.setPlan({ registrationEnabled: false })
    const error = await failure(
      connect(s).register({ app_id: appId(s), users: [{ phone_number: '15550102030' }] })
    )
    expect(error).toMatchObject({ kind: 'registration-disabled', status: 403, maybeDelivered: false })
    expect(error.message).toMatch(/Messaging > General Settings/)
  })

  it('names the Edit Data permission when the key lacks it', async () => {
    const s = await sim({ era: '2019', users: 5 })
    const error = await failure(
      connect(s, {}, s.accounts.workersOnly).register({
        app_id: appId(s),
        users: [{ phone_number: '15550102030' }]
      })
    )
    expect(error).toMatchObject({ kind: 'permission', status: 403, maybeDelivered: false })
    expect(error.message).toMatch(/"Edit Data"/)
  })

  it("passes on HQ's validation message and field", async () => {
    const s = await sim({ era: '2019', users: 5 })
    const error = await failure(
      connect(s).register({ app_id: 'not-an-app', users: [{ phone_number: '15550102030' }] })
    )
    expect(error).toMatchObject({ kind: 'bad-request', status: 400, field: 'app_id', maybeDelivered: false })
    expect(error.message).toMatch(/Invalid app_id specified/)
  })

  it('reads validation errors in the nested tastypie shape too', async () => {
    const s = await sim({ era: '2019', users: 5, validationErrorShape: 'tastypie' })
    const error = await failure(
      connect(s).register({ app_id: 'not-an-app', users: [{ phone_number: '15550102030' }] })
    )
    expect(error).toMatchObject({ kind: 'bad-request', field: 'app_id' })
  })

  it('never retries a 500 and marks the outcome unknown', async () => {
    const s = await sim({ era: '2019', users: 5, faults: '500:once;path=registration' })
    const error = await failure(
      connect(s).register({ app_id: appId(s), users: [{ phone_number: '15550102030' }] })
    )
    expect(error).toMatchObject({ kind: 'server', status: 500, maybeDelivered: true })
    expect(s.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
  })

  it('never retries a reset after HQ processed the request, and marks the outcome unknown', async () => {
    const s = await sim({ era: '2019', users: 5, faults: 'reset:once;path=registration' })
    const error = await failure(
      connect(s).register({ app_id: appId(s), users: [{ phone_number: '15550102030' }] })
    )
    expect(error.kind).toBe('network')
    expect(error.maybeDelivered).toBe(true)
    expect(s.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    // HQ did send the invitation: exactly why the client must not guess or resend.
    expect(s.invitations.has('15550102030')).toBe(true)
  })

  it('never retries a cut-off answer and marks the outcome unknown', async () => {
    const s = await sim({ era: '2019', users: 5, faults: 'truncate:once;path=registration' })
    const error = await failure(
      connect(s).register({ app_id: appId(s), users: [{ phone_number: '15550102030' }] })
    )
    expect(error).toMatchObject({ kind: 'network', maybeDelivered: true })
    expect(error.message).toMatch(/may or may not have sent these invitations/)
    expect(s.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
  })

  it('knows a request cancelled before sending was not delivered, and one cancelled in flight may have been', async () => {
    const s = await sim({ era: '2019', users: 5, latencyMs: 300 })
    const client = connect(s)
    const before = new AbortController()
    before.abort()
    const early = await failure(
      client.register({ app_id: appId(s), users: [{ phone_number: '15550102030' }] }, before.signal)
    )
    expect(early).toMatchObject({ kind: 'cancelled', maybeDelivered: false })

    const during = new AbortController()
    const pending = client.register(
      { app_id: appId(s), users: [{ phone_number: '15550102031' }] },
      during.signal
    )
    setTimeout(() => during.abort(), 50)
    const late = await failure(pending)
    expect(late).toMatchObject({ kind: 'cancelled', maybeDelivered: true })
    expect(late.message).toMatch(/may or may not have sent these invitations/)
  })

  it('does not retry a 429 and says HQ did not act on it', async () => {
    const s = await sim({ era: '2019', users: 5, faults: '429:once;path=registration;retry=7' })
    const waits: string[] = []
    const error = await failure(
      connect(s, { onWait: (info) => waits.push(info.reason) }).register({
        app_id: appId(s),
        users: [{ phone_number: '15550102030' }]
      })
    )
    expect(error).toMatchObject({ kind: 'rate-limited', retryAfterMs: 7000, maybeDelivered: false })
    expect(waits).toEqual(['rate-limited'])
    expect(s.invitations.size).toBe(0)
  })
})

describe('checkAccess against the simulator', () => {
  it("names today's HQ: no SMS self-registration, accounts confirmed by SMS, and by e-mail, without side effects", async () => {
    const s = await sim({ users: 12 })
    const access = await connect(s).checkAccess()
    expect(access.workers.ok).toBe(true)
    expect(access.workers.message).toMatch(/Can read the mobile worker list/)
    expect(access.offers).toEqual({
      'sms-registration': false,
      'sms-confirmation': true,
      'email-confirmation': true
    })
    expect(access.channel).toBe('sms-confirmation')
    expect(access.channels['sms-registration']).toMatchObject({ ok: false, message: /retired in 2020/ })
    expect(access.channels['sms-confirmation'].ok).toBe(true)
    expect(access.channels['email-confirmation'].ok).toBe(true)
    expect(access.message).toMatch(
      /^This HQ no longer has SMS self-registration \(retired in 2020\)\. Roster will create the accounts and HQ will text each worker a link to confirm\./
    )
    await s.uploadsSettled()
    expect(s.createdAccounts).toHaveLength(0)
    expect(s.confirmationSms).toHaveLength(0)
    expect(s.emails).toHaveLength(0)
    expect(s.sms).toHaveLength(0)
  })

  it('tells a project without the e-mail privilege from one with it', async () => {
    const s = await sim({ users: 5, emailConfirmation: false })
    const access = await connect(s).checkAccess()
    expect(access.offers['email-confirmation']).toBe(false)
    expect(access.channels['email-confirmation']).toMatchObject({ ok: false, message: /plan/ })
    expect(s.createdAccounts).toHaveLength(0)
  })

  it('names the old HQ that still has SMS self-registration, on its v0.5 URLs', async () => {
    const s = await sim({ era: '2019', users: 12 })
    const access = await connect(s).checkAccess()
    expect(access.workers.ok).toBe(true)
    expect(access.offers).toEqual({
      'sms-registration': true,
      'sms-confirmation': false,
      'email-confirmation': false
    })
    expect(access.channel).toBe('sms-registration')
    expect(access.message).toBe(
      'This HQ still has SMS self-registration: HQ will text each number a link to install the app and register.'
    )
    expect(s.invitations.size).toBe(0)
    expect(s.sms).toHaveLength(0)
  })

  it('names Edit Data for a key that can only read workers', async () => {
    const s = await sim({ era: '2019', users: 5 })
    const access = await connect(s, {}, s.accounts.workersOnly).checkAccess()
    expect(access.workers.ok).toBe(true)
    expect(access.channels['sms-registration']).toMatchObject({ ok: false, kind: 'permission' })
    expect(access.channels['sms-registration'].message).toMatch(/"Edit Data"/)
    expect(access.channel).toBeNull()
  })

  it('names Edit Mobile Workers for a key that can only send invitations', async () => {
    const s = await sim({ era: '2019', users: 5 })
    const access = await connect(s, {}, s.accounts.dataOnly).checkAccess()
    expect(access.workers).toMatchObject({ ok: false, kind: 'permission' })
    expect(access.workers.message).toMatch(/"Edit Mobile Workers"/)
    expect(access.channels['sms-registration'].ok).toBe(true)
    expect(access.channel).toBe('sms-registration')
  })

  it('reports a key that is not a member of the project', async () => {
    const s = await sim({ users: 5 })
    const access = await connect(s, {}, s.accounts.outsider).checkAccess()
    expect(access.workers).toMatchObject({ ok: false, kind: 'permission' })
    expect(access.channels['sms-confirmation'].ok).toBe(false)
    expect(access.channel).toBeNull()
    expect(access.message).toMatch(/^Roster cannot invite workers on this HQ yet\./)
  })

  it('reports a revoked key as a key problem everywhere', async () => {
    const s = await sim({ users: 5 })
    s.revokeKey(s.accounts.coordinator.username)
    const access = await connect(s).checkAccess()
    expect(access.workers).toMatchObject({ ok: false, kind: 'auth' })
    expect(access.channels['sms-confirmation']).toMatchObject({ ok: false, kind: 'auth' })
    expect(access.channel).toBeNull()
    expect(JSON.stringify(access)).not.toContain(s.accounts.coordinator.apiKey)
  })

  it('tells a plan problem and a settings problem apart', async () => {
    const s = await sim({ era: '2019', users: 5 })
    s.setPlan({ smsPrivilege: false })
    expect((await connect(s).checkAccess()).channels['sms-registration']).toMatchObject({
      ok: false,
      kind: 'plan'
    })
    s.setPlan({ smsPrivilege: true, registrationEnabled: false })
    const access = await connect(s).checkAccess()
    expect(access.channels['sms-registration']).toMatchObject({ ok: false, kind: 'registration-disabled' })
    expect(access.workers.ok).toBe(true)
  })

  it('reports a server that cannot be reached', async () => {
    const s = await sim({ users: 5 })
    const url = s.url
    await s.close()
    open.sims = []
    const client = createHqClient({
      server: url,
      domain: 'demo-project',
      ...s.accounts.coordinator,
      retry: { maxAttempts: 2, baseDelayMs: 1 }
    })
    open.clients.push(client)
    const access = await client.checkAccess()
    expect(access.workers).toMatchObject({ ok: false, kind: 'network' })
    expect(access.workers.message).toMatch(/are you offline\?/)
  })
})
