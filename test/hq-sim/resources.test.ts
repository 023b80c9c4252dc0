import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSim, type Sim } from './index'
import { call, getJson, walk, type ListPage } from './test-helpers'

let sim: Sim
beforeAll(async () => {
  sim = await startSim({ users: 200, seed: 5 })
})
afterAll(() => sim.close())

type Json = Record<string, unknown>

describe('groups', () => {
  it('pages groups with meta and lists only active members', async () => {
    const { objects, pages } = await walk<Json>(sim, `/a/${sim.domain}/api/v0.5/group/?limit=2`)
    expect(objects.map((g) => g.id)).toEqual(sim.data.groups.map((g) => g.id))
    expect(pages[0]?.meta.total_count).toBe(sim.data.groups.length)
    for (const g of objects) {
      const stored = sim.data.groups.find((s) => s.id === g.id)
      expect(g.users).toEqual(stored?.users.filter((u) => !sim.data.archivedIds.has(u)))
      expect(Object.keys(g).sort()).toEqual(
        ['case_sharing', 'domain', 'id', 'metadata', 'name', 'reporting', 'resource_uri', 'users'].sort()
      )
      expect(g.resource_uri).toBe(`/a/${sim.domain}/api/v0.5/group/${String(g.id)}/`)
    }
    expect(sim.data.groups.some((g) => g.users.some((u) => sim.data.archivedIds.has(u)))).toBe(true)
  })

  it('serves the newer group/v1 URL and single groups', async () => {
    const group = sim.data.groups[0]
    const one = await getJson<Json>(sim, `/a/${sim.domain}/api/group/v1/${group?.id}/`)
    expect(one.name).toBe(group?.name)
    expect(one.resource_uri).toBe(`/a/${sim.domain}/api/group/v1/${group?.id}/`)
    expect((await call(sim, `/a/${sim.domain}/api/v0.5/group/nope/`)).status).toBe(404)
  })
})

describe('locations', () => {
  it('serves location/v2 with ids, type codes and "" for a root parent', async () => {
    const { objects } = await walk<Json>(sim, `/a/${sim.domain}/api/location/v2/?limit=50`)
    expect(objects).toHaveLength(sim.data.locations.length)
    const keys = [
      'domain',
      'last_modified',
      'latitude',
      'location_data',
      'location_id',
      'location_type_code',
      'location_type_name',
      'longitude',
      'name',
      'parent_location_id',
      'site_code'
    ]
    for (const l of objects) expect(Object.keys(l).sort()).toEqual(keys)
    const roots = objects.filter((l) => l.parent_location_id === '')
    expect(roots.map((r) => r.location_type_code)).toEqual(['country', 'country', 'country'])
    const ids = new Set(objects.map((l) => l.location_id))
    for (const l of objects)
      if (l.parent_location_id) expect(ids.has(l.parent_location_id as string)).toBe(true)
    expect(objects.some((l) => typeof l.latitude === 'string')).toBe(true)
  })

  it('lets location/v2 pages go up to 5000 by default', async () => {
    const page = await getJson<ListPage<Json>>(sim, `/a/${sim.domain}/api/location/v2/?limit=5000`)
    expect(page.meta.limit).toBe(5000)
    expect(page.objects).toHaveLength(sim.data.locations.length)
  })

  it('serves v0.5 locations with an integer id and parent and type as resource URIs', async () => {
    const { objects } = await walk<Json>(sim, `/a/${sim.domain}/api/v0.5/location/?limit=100`)
    expect(objects).toHaveLength(sim.data.locations.length)
    const byLocationId = new Map(sim.data.locations.map((l) => [l.location_id, l]))
    for (const l of objects) {
      const stored = byLocationId.get(l.location_id as string)
      expect(typeof l.id).toBe('number')
      expect(l.resource_uri).toBe(`${sim.url}/a/${sim.domain}/api/v0.5/location/${String(l.location_id)}/`)
      expect(l.location_type).toMatch(
        new RegExp(`^${sim.url}/a/${sim.domain}/api/v0\\.5/location_type/\\d+/$`)
      )
      if (stored?.parent_location_id) {
        expect(l.parent).toBe(`${sim.url}/a/${sim.domain}/api/v0.5/location/${stored.parent_location_id}/`)
      } else {
        expect(l.parent).toBeNull()
      }
      expect('parent_location_id' in l).toBe(false)
    }
  })

  it('serves location/v1 like v0.5 with v1 URIs, and single locations', async () => {
    const page = await getJson<ListPage<Json>>(sim, `/a/${sim.domain}/api/location/v1/?limit=1`)
    expect(page.objects[0]?.resource_uri).toMatch(/\/api\/location\/v1\/[0-9a-f]{32}\/$/)
    expect(page.meta.next).toBe(`/a/${sim.domain}/api/location/v1/?limit=1&offset=1`)
    const loc = sim.data.locations[4]
    const v2 = await getJson<Json>(sim, `/a/${sim.domain}/api/location/v2/${loc?.location_id}/`)
    expect(v2.name).toBe(loc?.name)
    expect(
      (await call(sim, `/a/${sim.domain}/api/location/v2/00000000000000000000000000000000/`)).status
    ).toBe(404)
  })
})

describe('applications', () => {
  it('returns every application at once with backwards-compatible meta', async () => {
    const page = await getJson<ListPage<Json>>(sim, `/a/${sim.domain}/api/v0.5/application/?limit=1`)
    expect(page.meta).toEqual({ limit: null, next: null, offset: 0, previous: null, total_count: 3 })
    expect(page.objects.map((a) => [a.id, a.name])).toEqual(sim.data.applications.map((a) => [a.id, a.name]))
    expect(Array.isArray(page.objects[0]?.modules)).toBe(true)
    const one = await getJson<Json>(
      sim,
      `/a/${sim.domain}/api/v0.5/application/${sim.data.applications[1]?.id}/`
    )
    expect(one.name).toBe(sim.data.applications[1]?.name)
  })
})
