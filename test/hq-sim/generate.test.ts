import { isValidPhoneNumber } from 'libphonenumber-js'
import { describe, expect, it } from 'vitest'
import { generateData } from './generate'
import { HqGroupSchema, HqLocationSchema, HqWorkerSchema } from './types'

const project = generateData({ users: 2000, seed: 7 })
const { workers, groups, locations, archivedIds } = project.data

describe('seeded project data', () => {
  it('is identical for the same seed and different for another seed', () => {
    const again = generateData({ users: 2000, seed: 7 })
    expect(again.data.workers).toEqual(workers)
    expect(again.data.groups).toEqual(groups)
    expect(again.data.locations).toEqual(locations)
    expect([...again.data.archivedIds]).toEqual([...archivedIds])
    const other = generateData({ users: 2000, seed: 8 })
    expect(other.data.workers[0]?.id).not.toBe(workers[0]?.id)
  })

  it('keeps the first workers the same people whatever the project size', () => {
    const small = generateData({ users: 50, seed: 7 }).data.workers
    const strip = ({ groups: _groups, ...rest }: (typeof workers)[number]) => rest
    expect(small.map(strip)).toEqual(workers.slice(0, 50).map(strip))
  })

  it('matches the HQ shapes declared in types.ts', () => {
    for (const w of workers) HqWorkerSchema.parse(w)
    for (const g of groups) HqGroupSchema.parse(g)
    for (const l of locations) HqLocationSchema.parse(l)
  })

  it('gives every worker a unique id and a unique username on the project domain', () => {
    expect(new Set(workers.map((w) => w.id)).size).toBe(workers.length)
    expect(new Set(workers.map((w) => w.username)).size).toBe(workers.length)
    for (const w of workers) expect(w.username).toMatch(/^[a-z-]+\.\d+@demo-project\.commcarehq\.org$/)
  })

  it('archives about one worker in ten', () => {
    expect(archivedIds.size).toBeGreaterThan(workers.length * 0.06)
    expect(archivedIds.size).toBeLessThan(workers.length * 0.14)
  })

  it('writes names in several scripts, with diacritics, decomposed forms and some missing names', () => {
    const names = workers.flatMap((w) => [w.first_name, w.last_name]).filter((n): n is string => !!n)
    const scripts = {
      devanagari: /\p{Script=Devanagari}/u,
      arabic: /\p{Script=Arabic}/u,
      ethiopic: /\p{Script=Ethiopic}/u,
      cyrillic: /\p{Script=Cyrillic}/u,
      latinDiacritics: /[À-ÿĀ-žẠ-ỹ]/u
    }
    for (const [script, re] of Object.entries(scripts)) {
      expect(
        names.some((n) => re.test(n)),
        script
      ).toBe(true)
    }
    expect(names.some((n) => n.includes('Ødegård') || n.includes('Aïcha'))).toBe(true)
    expect(names.some((n) => n !== n.normalize('NFC'))).toBe(true)
    expect(workers.some((w) => w.first_name === null)).toBe(true)
    expect(workers.some((w) => w.last_name === null)).toBe(true)
  })

  it('gives workers zero to three valid mobile numbers in several countries, mostly without "+"', () => {
    const counts = new Set(workers.map((w) => w.phone_numbers.length))
    expect([...counts].sort()).toEqual([0, 1, 2, 3])
    const numbers = workers.flatMap((w) => w.phone_numbers)
    for (const n of numbers) expect(isValidPhoneNumber(n.startsWith('+') ? n : `+${n}`), n).toBe(true)
    const plus = numbers.filter((n) => n.startsWith('+')).length
    expect(plus).toBeGreaterThan(0)
    expect(plus).toBeLessThan(numbers.length / 2)
    for (const prefix of ['2547', '919', '221', '234', '509', '251']) {
      expect(
        numbers.some((n) => n.replace('+', '').startsWith(prefix)),
        prefix
      ).toBe(true)
    }
    for (const w of workers) expect(w.default_phone_number).toBe(w.phone_numbers[0] ?? null)
  })

  it('leaves some emails empty', () => {
    expect(workers.some((w) => w.email === '')).toBe(true)
    expect(workers.some((w) => w.email.includes('@'))).toBe(true)
  })

  it('keeps group membership consistent in both directions, 0 to 2 groups per worker', () => {
    const byId = new Map(groups.map((g) => [g.id, g]))
    for (const w of workers) {
      expect(w.groups.length).toBeLessThanOrEqual(2)
      for (const gid of w.groups) expect(byId.get(gid)?.users).toContain(w.id)
    }
    const memberships = groups.reduce((sum, g) => sum + g.users.length, 0)
    expect(memberships).toBe(workers.reduce((sum, w) => sum + w.groups.length, 0))
  })

  it('builds a country > region > district > facility tree from parent ids', () => {
    const byId = new Map(locations.map((l) => [l.location_id, l]))
    const depth = (id: string): number => {
      const parent = byId.get(id)?.parent_location_id
      return parent ? 1 + depth(parent) : 0
    }
    const expected = ['country', 'region', 'district', 'facility']
    for (const l of locations) {
      if (l.parent_location_id) expect(byId.has(l.parent_location_id)).toBe(true)
      expect(l.location_type_code).toBe(expected[depth(l.location_id)])
    }
    expect(new Set(locations.map((l) => l.site_code)).size).toBe(locations.length)
  })

  it('places workers at locations with the commcare_* system keys HQ adds', () => {
    const ids = new Set(locations.map((l) => l.location_id))
    const located = workers.filter((w) => w.primary_location)
    expect(located.length).toBeGreaterThan(workers.length * 0.7)
    expect(workers.some((w) => w.primary_location === null && w.locations.length === 0)).toBe(true)
    for (const w of workers) {
      expect(w.user_data.commcare_project).toBe('demo-project')
      if (w.primary_location) {
        expect(ids.has(w.primary_location)).toBe(true)
        expect(w.locations[0]).toBe(w.primary_location)
        expect(w.user_data.commcare_location_id).toBe(w.primary_location)
        expect(w.user_data.commcare_location_ids).toBe(w.locations.join(' '))
        expect(w.user_data.commcare_primary_case_sharing_id).toBe(w.primary_location)
      } else {
        expect(w.user_data.commcare_location_id).toBeUndefined()
      }
    }
  })

  it('includes custom user data, with keys that start with a digit', () => {
    expect(workers.some((w) => '2nd_language' in w.user_data)).toBe(true)
    expect(workers.some((w) => 'village' in w.user_data)).toBe(true)
  })

  it('generates 100,000 workers in one linear pass', () => {
    const big = generateData({ users: 100_000, seed: 3 })
    expect(big.data.workers).toHaveLength(100_000)
    expect(new Set(big.data.workers.map((w) => w.id)).size).toBe(100_000)
  })
})
