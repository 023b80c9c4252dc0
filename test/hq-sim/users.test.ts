import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSim, type HqWorker, type Sim } from './index'
import { call, getJson, walk, type ListPage } from './test-helpers'

let sim: Sim
beforeAll(async () => {
  sim = await startSim({ users: 60, seed: 11, maxLimit: 25 })
})
afterAll(() => sim.close())

type WorkerJson = HqWorker & { extras?: Record<string, number> }
const v05 = () => `/a/${sim.domain}/api/v0.5/user/`
const v1 = () => `/a/${sim.domain}/api/user/v1/`

describe('mobile worker list', () => {
  it('pages 20 at a time by default with tastypie meta', async () => {
    const page = await getJson<ListPage<WorkerJson>>(sim, v05())
    const active = sim.activeWorkers()
    expect(page.meta).toEqual({
      limit: 20,
      next: `${v05()}?limit=20&offset=20`,
      offset: 0,
      previous: null,
      total_count: active.length
    })
    expect(page.objects.map((w) => w.id)).toEqual(active.slice(0, 20).map((w) => w.id))
  })

  it('walks every active worker exactly once through meta.next, on both URL forms', async () => {
    const activeIds = sim.activeWorkers().map((w) => w.id)
    for (const base of [v05(), v1()]) {
      const { objects, pages } = await walk<WorkerJson>(sim, `${base}?limit=7`)
      expect(objects.map((w) => w.id)).toEqual(activeIds)
      expect(pages.length).toBe(Math.ceil(activeIds.length / 7))
      expect(pages.at(-1)?.meta.next).toBeNull()
    }
  })

  it('keeps the other query parameters in next and previous, limit and offset last', async () => {
    const page = await getJson<ListPage<WorkerJson>>(
      sim,
      `${v05()}?format=json&extras=true&limit=5&offset=10`
    )
    expect(page.meta.next).toBe(`${v05()}?format=json&extras=true&limit=5&offset=15`)
    expect(page.meta.previous).toBe(`${v05()}?format=json&extras=true&limit=5&offset=5`)
  })

  it('serves a next link taken as a bare query string against the other URL form', async () => {
    const first = await getJson<ListPage<WorkerJson>>(sim, `${v05()}?limit=4`)
    const query = new URL(first.meta.next ?? '', sim.url).search
    const second = await getJson<ListPage<WorkerJson>>(sim, `${v1()}${query}`)
    expect(second.meta.offset).toBe(4)
    expect(second.meta.next).toBe(`${v1()}?limit=4&offset=8`)
    expect(second.objects[0]?.resource_uri).toBe(`${v1()}${second.objects[0]?.id}/`)
  })

  it('has no previous link while offset is below limit, as tastypie does', async () => {
    const page = await getJson<ListPage<WorkerJson>>(sim, `${v05()}?limit=10&offset=5`)
    expect(page.meta.previous).toBeNull()
  })

  it('caps the page size at maxLimit, and treats limit=0 as the cap', async () => {
    expect((await getJson<ListPage<WorkerJson>>(sim, `${v05()}?limit=500`)).meta.limit).toBe(25)
    const zero = await getJson<ListPage<WorkerJson>>(sim, `${v05()}?limit=0`)
    expect(zero.meta.limit).toBe(25)
    expect(zero.objects).toHaveLength(25)
  })

  it('rejects an unparsable or negative limit or offset with tastypie messages, HTML-escaped', async () => {
    // tastypie sanitize()s BadRequest messages, so ">" really arrives as "&gt;".
    const cases: [string, string][] = [
      ['limit=abc', "Invalid limit 'abc' provided. Please provide a positive integer."],
      ['limit=-1', "Invalid limit '-1' provided. Please provide a positive integer &gt;= 0."],
      ['offset=x', "Invalid offset 'x' provided. Please provide an integer."],
      ['offset=-3', "Invalid offset '-3' provided. Please provide a positive integer &gt;= 0."]
    ]
    for (const [query, error] of cases) {
      const answer = await call(sim, `${v05()}?${query}`)
      expect(answer.status, query).toBe(400)
      expect(JSON.parse(answer.text)).toEqual({ error })
    }
  })

  it('answers an offset past the end with an empty page', async () => {
    const page = await getJson<ListPage<WorkerJson>>(sim, `${v05()}?offset=1000`)
    expect(page.objects).toEqual([])
    expect(page.meta.next).toBeNull()
  })

  it('lists archived workers with archived=true and treats unparsable values as false', async () => {
    const archived = await walk<WorkerJson>(sim, `${v05()}?archived=true&limit=25`)
    expect(archived.objects.map((w) => w.id)).toEqual(sim.archivedWorkers().map((w) => w.id))
    expect(archived.objects.length).toBeGreaterThan(0)
    const garbage = await getJson<ListPage<WorkerJson>>(sim, `${v05()}?archived=maybe`)
    expect(garbage.meta.total_count).toBe(sim.activeWorkers().length)
  })

  it("filters by group to that group's active workers", async () => {
    const group = sim.data.groups.find((g) => g.users.length > 1)
    if (!group) throw new Error('seed 11 has a group with members')
    const expected = group.users.filter((id) => !sim.data.archivedIds.has(id))
    const { objects, pages } = await walk<WorkerJson>(sim, `${v05()}?group=${group.id}&limit=3`)
    expect(objects.map((w) => w.id)).toEqual(expected)
    expect(pages[0]?.meta.total_count).toBe(expected.length)
    if (pages.length > 1) expect(pages[0]?.meta.next).toContain(`group=${group.id}`)
  })

  it('rejects a group that is not in the project with HQ message', async () => {
    const answer = await call(sim, `${v05()}?group=0123456789abcdef`)
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.text)).toEqual({
      error: 'Project demo-project has no group with id=0123456789abcdef'
    })
  })

  it('ignores an empty group parameter', async () => {
    const page = await getJson<ListPage<WorkerJson>>(sim, `${v05()}?group=`)
    expect(page.meta.total_count).toBe(sim.activeWorkers().length)
  })

  it('adds activity counts with extras=true only', async () => {
    const plain = await getJson<ListPage<WorkerJson>>(sim, `${v05()}?limit=2`)
    expect(plain.objects[0]?.extras).toBeUndefined()
    const withExtras = await getJson<ListPage<WorkerJson>>(sim, `${v05()}?limit=2&extras=true`)
    const extras = withExtras.objects[0]?.extras
    expect(Object.keys(extras ?? {}).sort()).toEqual([
      'completed_last_30',
      'completed_last_month',
      'submitted_last_30',
      'submitted_last_month'
    ])
    expect(extras?.completed_last_30).toBeLessThanOrEqual(extras?.submitted_last_30 ?? 0)
  })

  it('returns every field of a worker as HQ JSON', async () => {
    const page = await getJson<ListPage<WorkerJson>>(sim, `${v05()}?limit=1`)
    const worker = sim.activeWorkers()[0]
    expect(page.objects[0]).toEqual({ ...worker, resource_uri: `${v05()}${worker?.id}/` })
  })

  it('serialises XML with HQ element types and drops user_data keys that start with a digit', async () => {
    const withDigitKey = sim.activeWorkers().findIndex((w) => '2nd_language' in w.user_data)
    const worker = sim.activeWorkers()[withDigitKey]
    if (!worker) throw new Error('seed 11 has a worker with 2nd_language')
    const answer = await call(sim, `${v05()}?format=xml&limit=1&offset=${withDigitKey}`)
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toBe('application/xml; charset=utf-8')
    const xml = answer.text
    expect(xml.startsWith("<?xml version='1.0' encoding='utf-8'?>\n<response>")).toBe(true)
    expect(xml).toContain('<objects type="list">')
    expect(xml).toContain(`<object id="${worker.id}">`)
    expect(xml).toContain('<meta type="hash">')
    expect(xml).toContain(`<total_count type="integer">${sim.activeWorkers().length}</total_count>`)
    expect(xml).toContain('<user_data type="hash">')
    expect(xml).toContain('<phone_numbers type="list"')
    expect(xml).not.toContain('2nd_language')
    expect(xml).toContain(`<commcare_project>demo-project</commcare_project>`)
    expect(xml).toMatch(/<next>[^<]*&amp;offset=/)
  })

  it('marks nulls and empty lists the tastypie way in XML', async () => {
    const index = sim.activeWorkers().findIndex((w) => w.primary_location === null)
    const answer = await call(sim, `${v05()}?format=xml&limit=1&offset=${index}`)
    expect(answer.text).toContain('<primary_location type="null"/>')
    expect(answer.text).toContain('<locations type="list"/>')
  })

  it('chooses XML from the Accept header when no format is given', async () => {
    const answer = await call(sim, `${v05()}?limit=1`, { headers: { Accept: 'application/xml' } })
    expect(answer.headers.get('content-type')).toBe('application/xml; charset=utf-8')
    const json = await call(sim, `${v05()}?limit=1`, { headers: { Accept: '*/*' } })
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8')
  })

  it('answers 500 when a user_data key cannot be an XML name, as lxml makes HQ do', async () => {
    const local = await startSim({ users: 2 })
    try {
      const worker = local.activeWorkers()[0]
      if (!worker) throw new Error('no worker')
      local.updateWorker(worker.id, { user_data: { ...worker.user_data, 'home village': 'Ngor' } })
      expect((await call(local, `/a/${local.domain}/api/v0.5/user/?format=json`)).status).toBe(200)
      expect((await call(local, `/a/${local.domain}/api/v0.5/user/?format=xml`)).status).toBe(500)
    } finally {
      await local.close()
    }
  })

  it('returns a single worker on both URL forms, and 404 for an unknown id', async () => {
    const worker = sim.data.workers[3]
    if (!worker) throw new Error('no worker')
    const one = await getJson<WorkerJson>(sim, `${v05()}${worker.id}/`)
    expect(one.id).toBe(worker.id)
    const other = await getJson<WorkerJson>(sim, `${v1()}${worker.id}/`)
    expect(other.resource_uri).toBe(`${v1()}${worker.id}/`)
    expect((await call(sim, `${v05()}ffffffffffffffffffffffffffffffff/`)).status).toBe(404)
    const xml = await call(sim, `${v05()}${worker.id}/?format=xml`)
    expect(xml.text).toContain(`<object id="${worker.id}">`)
  })

  it('redirects a URL without its trailing slash, as Django does', async () => {
    const worker = sim.data.workers[0]
    const answer = await call(sim, `/a/${sim.domain}/api/user/v1/${worker?.id}?format=json`)
    expect(answer.status).toBe(301)
    expect(answer.headers.get('location')).toBe(`/a/${sim.domain}/api/user/v1/${worker?.id}/?format=json`)
  })

  it('answers 405 to a method the resource does not allow, and 404 to unknown paths', async () => {
    const post = await call(sim, v05(), { method: 'DELETE' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET,POST') // today's HQ creates users here
    expect((await call(sim, `/a/${sim.domain}/api/v0.5/nothing/`)).status).toBe(404)
  })

  it('shows live changes: added, updated, archived and removed workers', async () => {
    const local = await startSim({ users: 10 })
    try {
      const list = () => getJson<ListPage<WorkerJson>>(local, `/a/${local.domain}/api/v0.5/user/?limit=100`)
      const [added] = local.addWorkers(1)
      expect((await list()).objects.at(-1)?.id).toBe(added?.id)
      local.updateWorker(added?.id ?? '', { first_name: 'Ödön', phone_numbers: ['254711000111'] })
      const updated = (await list()).objects.find((w) => w.id === added?.id)
      expect(updated?.first_name).toBe('Ödön')
      expect(updated?.default_phone_number).toBe('254711000111')
      local.archiveWorker(added?.id ?? '')
      expect((await list()).objects.some((w) => w.id === added?.id)).toBe(false)
      const first = local.activeWorkers()[0]
      local.removeWorkers([first?.id ?? ''])
      const after = await list()
      expect(after.objects.some((w) => w.id === first?.id)).toBe(false)
      expect(after.meta.total_count).toBe(local.activeWorkers().length)
    } finally {
      await local.close()
    }
  })
})
