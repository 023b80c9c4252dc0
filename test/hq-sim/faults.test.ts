import { afterEach, describe, expect, it } from 'vitest'
import { FaultSpecError, parseFaults, startSim, type Sim, type SimOptions } from './index'
import { call, getJson, registrationPath, type ListPage } from './test-helpers'

let sim: Sim | null = null
async function open(opts: SimOptions): Promise<Sim> {
  sim = await startSim({ users: 30, seed: 4, ...opts })
  return sim
}
afterEach(async () => {
  await sim?.close()
  sim = null
})

const usersPath = (s: Sim, query = '') => `/a/${s.domain}/api/v0.5/user/${query}`
const statuses = async (s: Sim, n: number, path = usersPath(s)) => {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push((await call(s, path)).status)
  return out
}

describe('fault spec parsing', () => {
  it('reads rules with their parameters', () => {
    const rules = parseFaults(
      '429:every=5;retry=2, 500:once,shift:add=3;after=2, reset:nth=3;path=registration'
    )
    expect(rules.map((r) => [r.kind, r.scope])).toEqual([
      ['429', 'lists'],
      ['500', 'lists'],
      ['shift', 'lists'],
      ['reset', 'registration']
    ])
    expect(rules[0]).toMatchObject({ every: 5, retry: 2 })
    expect(rules[1]?.once).toBe(true)
    expect(rules[2]).toMatchObject({ add: 3, after: 2 })
    expect(parseFaults('')).toEqual([])
  })

  it('explains what is wrong with a bad spec', () => {
    expect(() => parseFaults('418')).toThrow(FaultSpecError)
    expect(() => parseFaults('418')).toThrow(/Unknown fault "418"/)
    expect(() => parseFaults('500:sometimes')).toThrow(/Unknown parameter "sometimes"/)
    expect(() => parseFaults('500:every=x')).toThrow(/"every" needs a non-negative number/)
    expect(() => parseFaults('502:p=2')).toThrow(/p must be between 0 and 1/)
    expect(() => parseFaults('shift:after=2')).toThrow(/shift needs add=N or remove=N/)
    expect(() => parseFaults('500:path=everywhere')).toThrow(/Unknown path "everywhere"/)
  })

  it('refuses to start with a bad spec', async () => {
    await expect(startSim({ users: 1, faults: 'boom' })).rejects.toThrow(FaultSpecError)
  })
})

describe('status faults', () => {
  it('answers 429 with Retry-After on every Nth list request', async () => {
    const s = await open({ faults: '429:every=3;retry=2' })
    expect(await statuses(s, 6)).toEqual([200, 200, 429, 200, 200, 429])
    s.setFaults('429:once;retry=7')
    const answer = await call(s, usersPath(s))
    expect(answer.status).toBe(429)
    expect(answer.headers.get('retry-after')).toBe('7')
    expect(answer.text).toBe('')
  })

  it('answers 429 without Retry-After with retry=none, as today’s HQ', async () => {
    const s = await open({ faults: '429:every=2;retry=none' })
    const answers = [await call(s, usersPath(s)), await call(s, usersPath(s))]
    expect(answers.map((a) => a.status)).toEqual([200, 429])
    expect(answers[1]?.headers.get('retry-after')).toBeNull()
    expect(answers[1]?.text).toBe('')
    expect(() => parseFaults('429:retry=never')).toThrow(/"retry" needs a non-negative number/)
  })

  it('fails once with 500 and tastypie canned error, then recovers', async () => {
    const s = await open({ faults: '500:once' })
    const first = await call(s, usersPath(s))
    expect(first.status).toBe(500)
    expect(JSON.parse(first.text)).toEqual({
      error_message: 'Sorry, this request could not be processed. Please try again later.'
    })
    expect(await statuses(s, 3)).toEqual([200, 200, 200])
  })

  it('answers 502 and 503 with proxy HTML pages', async () => {
    const s = await open({ faults: '502:nth=2,503:nth=3' })
    const answers = [await call(s, usersPath(s)), await call(s, usersPath(s)), await call(s, usersPath(s))]
    expect(answers.map((a) => a.status)).toEqual([200, 502, 503])
    expect(answers[1]?.headers.get('content-type')).toMatch(/text\/html/)
    expect(answers[1]?.text).toContain('502 Bad Gateway')
    expect(answers[2]?.text).toContain('503 Service Temporarily Unavailable')
  })

  it('answers 403 or 404 for one list alone, as a missing permission or API would', async () => {
    const s = await open({ faults: '403:path=locations,404:path=groups' })
    const locations = await call(s, `/a/${s.domain}/api/location/v2/`)
    expect(locations.status).toBe(403)
    expect(locations.text).toBe('')
    expect((await call(s, `/a/${s.domain}/api/v0.5/location/`)).status).toBe(403)
    const groups = await call(s, `/a/${s.domain}/api/v0.5/group/`)
    expect(groups.status).toBe(404)
    expect(groups.text).toContain('Not Found')
    expect(await statuses(s, 2)).toEqual([200, 200])
    expect((await call(s, `/a/${s.domain}/api/v0.5/application/`)).status).toBe(200)
  })

  it('fires with a seeded probability, the same way for the same seed', async () => {
    const s = await open({ faults: '502:p=0.5' })
    const first = await statuses(s, 16)
    await s.close()
    const again = await open({ faults: '502:p=0.5' })
    expect(await statuses(again, 16)).toEqual(first)
    expect(first).toContain(502)
    expect(first).toContain(200)
  })

  it('fails every request after the first N with after=N', async () => {
    const s = await open({ faults: '503:after=2' })
    expect(await statuses(s, 4)).toEqual([200, 200, 503, 503])
  })

  it('applies to every list resource but not to single-object GETs by default', async () => {
    const s = await open({ faults: '500' })
    for (const path of ['group/', 'application/', 'location/']) {
      expect((await call(s, `/a/${s.domain}/api/v0.5/${path}`)).status, path).toBe(500)
    }
    expect((await call(s, `/a/${s.domain}/api/location/v2/`)).status).toBe(500)
    const worker = s.data.workers[0]
    expect((await call(s, usersPath(s, `${worker?.id}/`))).status).toBe(200)
    await s.close()
    const legacy = await open({ faults: '500', era: '2019' })
    const invite = await call(legacy, registrationPath(legacy), {
      body: { app_id: legacy.data.applications[0]?.id, users: [] }
    })
    expect(invite.status).toBe(200)
  })

  it('can target one resource only', async () => {
    const s = await open({ faults: '500:path=groups' })
    expect((await call(s, usersPath(s))).status).toBe(200)
    expect((await call(s, `/a/${s.domain}/api/v0.5/group/`)).status).toBe(500)
  })

  it('records the fault that shaped each response in the request log', async () => {
    const s = await open({ faults: '500:once' })
    await call(s, usersPath(s, '?limit=3'))
    await call(s, usersPath(s, '?limit=3'))
    expect(s.requests).toEqual([
      { method: 'GET', path: usersPath(s, '?limit=3'), status: 500, fault: '500:once' },
      { method: 'GET', path: usersPath(s, '?limit=3'), status: 200 }
    ])
  })
})

describe('body faults', () => {
  it('resets the connection in the middle of the body', async () => {
    const s = await open({ faults: 'reset:once' })
    await expect(call(s, usersPath(s))).rejects.toThrow()
    expect((await call(s, usersPath(s))).status).toBe(200)
  })

  it('truncates the JSON while ending the HTTP response cleanly', async () => {
    const s = await open({ faults: 'truncate:nth=2' })
    const full = await call(s, usersPath(s))
    const cut = await call(s, usersPath(s))
    expect(cut.status).toBe(200)
    expect(cut.headers.get('content-length')).toBeNull()
    expect(cut.text.length).toBeGreaterThan(0)
    expect(full.text.startsWith(cut.text)).toBe(true)
    expect(cut.text.length).toBeLessThan(full.text.length)
    expect(() => JSON.parse(cut.text) as unknown).toThrow(SyntaxError)
  })

  it('writes a slow body in chunks over the given time, intact', async () => {
    const s = await open({ faults: 'slow-body:ms=300' })
    const started = performance.now()
    const answer = await call(s, usersPath(s))
    expect(performance.now() - started).toBeGreaterThanOrEqual(250)
    expect((JSON.parse(answer.text) as ListPage<unknown>).objects).toHaveLength(20)
  })
})

describe('auth revoked mid-sync', () => {
  it('revokes the key after N requests, for every endpoint, for good', async () => {
    const s = await open({ faults: 'auth-revoke:after=2' })
    expect(await statuses(s, 3)).toEqual([200, 200, 401])
    expect((await call(s, `/a/${s.domain}/api/v0.5/application/`)).status).toBe(401)
    expect((await call(s, usersPath(s), { account: s.accounts.workersOnly })).status).toBe(200)
  })
})

describe('data changing between pages', () => {
  it('repeats workers at the page boundary when workers are added before page 2', async () => {
    const s = await open({ faults: 'shift:add=3;after=2' })
    const before = s.activeWorkers().map((w) => w.id)
    const page1 = await getJson<ListPage<{ id: string }>>(s, usersPath(s, '?limit=5'))
    const page2 = await getJson<ListPage<{ id: string }>>(s, page1.meta.next ?? '')
    expect(page2.meta.total_count).toBe(page1.meta.total_count + 3)
    expect(page2.objects.slice(0, 3).map((w) => w.id)).toEqual(before.slice(2, 5))
    expect(s.activeWorkers().length).toBe(before.length + 3)
    // Fired once: page 3 is not shifted again.
    const page3 = await getJson<ListPage<{ id: string }>>(s, page2.meta.next ?? '')
    expect(page3.meta.total_count).toBe(page2.meta.total_count)
  })

  it('skips workers a pager has not seen when workers are removed before page 2', async () => {
    const s = await open({ faults: 'shift:remove=2;after=2' })
    const before = s.activeWorkers().map((w) => w.id)
    const seen: string[] = []
    let next: string | null = usersPath(s, '?limit=5')
    while (next) {
      const page: ListPage<{ id: string }> = await getJson<ListPage<{ id: string }>>(s, next)
      seen.push(...page.objects.map((w) => w.id))
      next = page.meta.next
    }
    const missed = before.filter((id) => !seen.includes(id))
    expect(missed).toEqual(before.slice(5, 7))
    expect(s.data.workers.some((w) => w.id === before[0])).toBe(false)
  })

  it('moves workers between the lists when workers are archived or un-archived before page 2', async () => {
    const s = await open({ faults: 'shift:archive=2;unarchive=1;after=2' })
    const active = s.activeWorkers().map((w) => w.id)
    const archived = s.archivedWorkers().map((w) => w.id)
    await call(s, usersPath(s, '?limit=5'))
    expect(s.activeWorkers().length).toBe(active.length)
    await call(s, usersPath(s, '?limit=5&offset=5'))
    expect(s.archivedWorkers().map((w) => w.id)).toEqual(expect.arrayContaining(active.slice(0, 2)))
    expect(s.activeWorkers().map((w) => w.id)).toContain(archived[0])
    expect(s.activeWorkers().length).toBe(active.length - 1)
  })

  it('only counts worker-list pages', async () => {
    const s = await open({ faults: 'shift:add=1;after=1' })
    const total = s.activeWorkers().length
    await call(s, `/a/${s.domain}/api/v0.5/group/`)
    expect(s.activeWorkers().length).toBe(total)
    await call(s, usersPath(s))
    expect(s.activeWorkers().length).toBe(total + 1)
  })
})

describe('faults on the registration POST', () => {
  const body = (s: Sim) => ({ app_id: s.data.applications[0]?.id, users: [{ phone_number: '+16175550100' }] })

  it('rejects before processing on a status fault', async () => {
    const s = await open({ faults: '503:once;path=registration', era: '2019' })
    expect((await call(s, usersPath(s))).status).toBe(200)
    expect((await call(s, registrationPath(s), { body: body(s) })).status).toBe(503)
    expect(s.invitations.size).toBe(0)
    expect((await call(s, registrationPath(s), { body: body(s) })).status).toBe(200)
    expect(s.invitations.size).toBe(1)
  })

  it('processes the invitations and then loses the response on a reset', async () => {
    const s = await open({ faults: 'reset:once;path=registration', era: '2019' })
    await expect(call(s, registrationPath(s), { body: body(s) })).rejects.toThrow()
    expect(s.invitations.has('16175550100')).toBe(true)
    expect(s.sms).toHaveLength(1)
  })
})

describe('latency and rate limiting', () => {
  it('adds the configured latency to every request', async () => {
    const s = await open({ latencyMs: 150 })
    const started = performance.now()
    await call(s, `/a/${s.domain}/api/v0.5/application/`)
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
  })

  it('throttles requests above the per-second rate with 429 and Retry-After in era 2019', async () => {
    const s = await open({ rateLimitPerSecond: 2, era: '2019' })
    const answers = await Promise.all([1, 2, 3, 4].map(() => call(s, usersPath(s))))
    const throttled = answers.filter((a) => a.status === 429)
    expect(answers.filter((a) => a.status === 200)).toHaveLength(2)
    expect(throttled).toHaveLength(2)
    expect(Number(throttled[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
  })

  it('throttles with an empty 429 and no Retry-After in era 2026, as today’s HQThrottle', async () => {
    const s = await open({ rateLimitPerSecond: 2 })
    const answers = await Promise.all([1, 2, 3, 4].map(() => call(s, usersPath(s))))
    const throttled = answers.filter((a) => a.status === 429)
    expect(throttled).toHaveLength(2)
    expect(throttled[0]?.headers.get('retry-after')).toBeNull()
    expect(throttled[0]?.text).toBe('')
  })
})
