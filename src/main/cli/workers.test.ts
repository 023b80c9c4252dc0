import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { HqWorker } from '../../../test/hq-sim'
import { openDatabase } from '../db/open'
import { createProject } from '../db/projects'
import { runSync } from './sync'
import { captureIo, hqArgs, useCliSandbox, WORKER_JSON_KEYS } from './testing'
import { runWorkers } from './workers'

// One synced roster for the whole file, in test order: the project-choice test adds a second project.
const sandbox = useCliSandbox({ sim: { users: 600, seed: 31 }, per: 'file' })

beforeAll(async () => {
  const code = await runSync(
    hqArgs(sandbox.sim, '--db', sandbox.dbPath),
    io({ ROSTER_API_KEY: sandbox.sim.credentials.apiKey }).cli
  )
  expect(code).toBe(0)
})

function io(env: NodeJS.ProcessEnv = {}) {
  return captureIo({ env, defaultDbPath: sandbox.dbPath })
}

async function json(...args: string[]): Promise<Array<Record<string, unknown>>> {
  const t = io()
  expect(await runWorkers([...args, '--json', '--limit', '100000'], t.cli)).toBe(0)
  return JSON.parse(t.out())
}

const idsOf = (rows: Array<Record<string, unknown>>) => rows.map((r) => String(r.id)).sort()

/** The location and every location below it, from the simulator's tree. */
function subtree(id: string): Set<string> {
  const ids = new Set([id])
  let grew = true
  while (grew) {
    grew = false
    for (const l of sandbox.sim.data.locations) {
      if (!ids.has(l.location_id) && ids.has(l.parent_location_id)) {
        ids.add(l.location_id)
        grew = true
      }
    }
  }
  return ids
}

describe('roster workers', () => {
  it('prints workers with HQ’s field names as JSON, as HQ has them', async () => {
    const rows = await json()
    expect(idsOf(rows)).toEqual(
      sandbox.sim
        .activeWorkers()
        .map((w) => w.id)
        .sort()
    )
    const byId = new Map(sandbox.sim.activeWorkers().map((w) => [w.id, w]))
    for (const row of rows.slice(0, 50)) {
      const hq = byId.get(String(row.id))!
      expect(Object.keys(row).sort()).toEqual([...WORKER_JSON_KEYS].sort())
      const { type: _type, resource_uri: _uri, eulas: _eulas, ...fields } = hq
      expect(row).toEqual({ ...fields, archived: false })
    }
  })

  it('limits the list, 50 by default, and says how many there are on stderr', async () => {
    const t = io()
    expect(await runWorkers([], t.cli)).toBe(0)
    const lines = t.out().trimEnd().split('\n')
    expect(lines[0]).toMatch(/^NAME\s+USERNAME\s+PHONE\s+LOCATION\s+GROUPS$/)
    expect(lines).toHaveLength(51)
    expect(t.err()).toMatch(
      new RegExp(`^50 of ${sandbox.sim.activeWorkers().length} active workers in demo-project`)
    )
    const seven = io()
    expect(await runWorkers(['--limit', '7', '--json'], seven.cli)).toBe(0)
    expect(JSON.parse(seven.out())).toHaveLength(7)
  })

  it('says on stderr when --json shows fewer workers than match, keeping stdout the bare array', async () => {
    const total = sandbox.sim.activeWorkers().length
    expect(total).toBeGreaterThan(50)
    const cut = io()
    expect(await runWorkers(['--json'], cut.cli)).toBe(0)
    expect(JSON.parse(cut.out())).toHaveLength(50)
    expect(cut.out().startsWith('[')).toBe(true)
    expect(cut.err()).toBe(`showing 50 of ${total.toLocaleString('en-US')}; use --limit\n`)

    const whole = io()
    expect(await runWorkers(['--json', '--limit', String(total)], whole.cli)).toBe(0)
    expect(JSON.parse(whole.out())).toHaveLength(total)
    expect(whole.err()).toBe('')
  })

  it('finds a worker by a phone number typed the national way', async () => {
    const withPhone = sandbox.sim
      .activeWorkers()
      .find((w) => w.phone_numbers.some((p) => p.startsWith('254')))!
    const phone = withPhone.phone_numbers.find((p) => p.startsWith('254'))!
    const national = `0${phone.slice(3, 6)} ${phone.slice(6)}`
    const rows = await json(national)
    expect(idsOf(rows)).toContain(withPhone.id)
    expect(
      rows.every((r) =>
        (r.phone_numbers as string[]).some((p) => p.replace(/\D/g, '').endsWith(phone.slice(3)))
      )
    ).toBe(true)
  })

  it('filters by group id or name', async () => {
    const group = sandbox.sim.data.groups.find((g) =>
      sandbox.sim.activeWorkers().some((w) => w.groups.includes(g.id))
    )!
    const expected = sandbox.sim
      .activeWorkers()
      .filter((w) => w.groups.includes(group.id))
      .map((w) => w.id)
      .sort()
    expect(idsOf(await json('--group', group.id))).toEqual(expected)
    const sameName = sandbox.sim.data.groups.filter((g) => g.name.toLowerCase() === group.name.toLowerCase())
    if (sameName.length === 1)
      expect(idsOf(await json('--group', group.name.toUpperCase()))).toEqual(expected)
  })

  it('filters by location name including the locations under it', async () => {
    const parent = sandbox.sim.data.locations.find(
      (l) =>
        sandbox.sim.data.locations.some((c) => c.parent_location_id === l.location_id) &&
        sandbox.sim.data.locations.filter((o) => o.name === l.name).length === 1
    )!
    const ids = subtree(parent.location_id)
    const expected = sandbox.sim
      .activeWorkers()
      .filter((w: HqWorker) => w.locations.some((l) => ids.has(l)))
      .map((w) => w.id)
      .sort()
    expect(expected.length).toBeGreaterThan(0)
    expect(idsOf(await json('--location', parent.name))).toEqual(expected)
    expect(idsOf(await json('--location', parent.site_code))).toEqual(expected)
  })

  it('lists archived workers, or all of them', async () => {
    expect(idsOf(await json('--archived'))).toEqual(
      sandbox.sim
        .archivedWorkers()
        .map((w) => w.id)
        .sort()
    )
    const all = await json('--all')
    expect(all).toHaveLength(600)
    expect(all.filter((r) => r.archived)).toHaveLength(sandbox.sim.archivedWorkers().length)
  })

  it('says so when nothing matches', async () => {
    const t = io()
    expect(await runWorkers(['zzzzqqqq'], t.cli)).toBe(0)
    expect(t.out()).toBe('')
    expect(t.err()).toMatch(/No active workers in demo-project match/)
  })

  it('is a usage error for bad options and unknown groups or locations', async () => {
    for (const args of [
      ['--archived', '--all'],
      ['--limit', 'ten'],
      ['--limit', '0'],
      ['--group', 'No Such Group'],
      ['--location', 'Atlantis'],
      ['--bogus']
    ]) {
      const t = io()
      expect(await runWorkers(args, t.cli), args.join(' ')).toBe(2)
      expect(t.err()).toMatch(/usage: roster workers/)
    }
  })

  it('asks which project when the database holds several, naming them', async () => {
    const store = openDatabase(sandbox.dbPath)
    createProject(store, {
      server: 'https://www.commcarehq.org',
      domain: 'zz-other',
      username: 'me@example.org'
    })
    store.close()
    const t = io()
    expect(await runWorkers([], t.cli)).toBe(2)
    expect(t.err()).toMatch(/--domain: demo-project, zz-other/)
    const chosen = io()
    expect(await runWorkers(['--domain', 'demo-project', '--limit', '3', '--json'], chosen.cli)).toBe(0)
    expect(JSON.parse(chosen.out())).toHaveLength(3)
    const unknown = io()
    expect(await runWorkers(['--domain', 'nope'], unknown.cli)).toBe(2)
    expect(unknown.err()).toMatch(/no project 'nope'.*demo-project, zz-other/)
  })

  it('fails when nothing was synced yet, and calls a --db that names no file a usage error; neither creates one', async () => {
    const missing = join(sandbox.dir, 'missing.db')
    const none = captureIo({ defaultDbPath: missing })
    expect(await runWorkers([], none.cli)).toBe(1)
    expect(none.err()).toBe(
      `roster workers: there is no roster at ${missing} yet (nothing was created); run roster sync first\n`
    )
    const typo = io()
    expect(await runWorkers(['--db', missing], typo.cli)).toBe(2)
    expect(typo.err().split('\n')[0]).toBe(
      `roster workers: --db ${missing}: no such database; nothing was created (check the path, or run roster sync --db ${missing} to start a roster there)`
    )
    expect(existsSync(missing)).toBe(false)
  })
})
