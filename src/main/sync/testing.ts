/**
 * Test support for the sync engine: the HQ simulator, a real client and a temp database, and a
 * row-for-row comparison of the store with the simulator's live data. Not imported by the product.
 */
import { expect } from 'vitest'
import { startSim, type Sim, type SimOptions } from '../../../test/hq-sim'
import { userListPath } from '../../../test/hq-sim/resources'
import { listApplications } from '../db/applications'
import { listGroups } from '../db/groups'
import { listLocations } from '../db/locations'
import type { Db } from '../db/open'
import { createProject, type ProjectRecord } from '../db/projects'
import { tempDb, type TempDb } from '../db/testing'
import { createHqClient, type HqClient, type HqClientOptions } from '../hq/client'

export interface SyncBed {
  sim: Sim
  store: TempDb
  db: Db
  project: ProjectRecord
  client: HqClient
  /** A client for the same project with other options (closed by close()). */
  connect(extra?: Partial<HqClientOptions>): HqClient
  close(): Promise<void>
}

export async function syncBed(
  options: SimOptions = {},
  clientOptions: Partial<HqClientOptions> = {}
): Promise<SyncBed> {
  const sim = await startSim(options)
  const store = tempDb()
  const project = createProject(store.db, {
    server: sim.url,
    domain: sim.domain,
    username: sim.credentials.username,
    defaultCountry: 'KE'
  })
  const clients: HqClient[] = []
  const connect = (extra: Partial<HqClientOptions> = {}): HqClient => {
    const client = createHqClient({
      server: sim.url,
      domain: sim.domain,
      username: sim.credentials.username,
      apiKey: sim.credentials.apiKey,
      // Real waits would only slow the tests; Retry-After is still honoured in full.
      retry: { baseDelayMs: 5, maxDelayMs: 40 },
      ...clientOptions,
      ...extra
    })
    clients.push(client)
    return client
  }
  const client = connect()
  return {
    sim,
    store,
    db: store.db,
    project,
    client,
    connect,
    async close() {
      await Promise.all(clients.map((c) => c.close()))
      await sim.close()
      store.cleanup()
    }
  }
}

/** The workers as stored: id -> HQ's object as the store kept it, per list. */
export function storedWorkers(
  db: Db,
  project: ProjectRecord
): { active: Map<string, unknown>; archived: Map<string, unknown> } {
  const rows = db
    .prepare(
      `SELECT w.id, w.archived, d.raw FROM workers w JOIN worker_docs d ON d.rid = w.rid WHERE w.project = ?`
    )
    .all(project.pk) as Array<{ id: string; archived: number; raw: string }>
  const active = new Map<string, unknown>()
  const archived = new Map<string, unknown>()
  for (const row of rows) (row.archived ? archived : active).set(row.id, JSON.parse(row.raw))
  return { active, archived }
}

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

/** A worker as the client reads it: from user/v1, whose resource_uri names that form. */
function served(sim: Sim, worker: { id: string }): unknown {
  return { ...(plain(worker) as object), resource_uri: `${userListPath(sim.domain, 'user/v1')}${worker.id}/` }
}

/** The store holds exactly what the simulator serves: every worker field, every list, nothing more. */
export function expectMirror(db: Db, project: ProjectRecord, sim: Sim): void {
  const stored = storedWorkers(db, project)
  const active = new Map(sim.activeWorkers().map((w) => [w.id, served(sim, w)]))
  const archived = new Map(sim.archivedWorkers().map((w) => [w.id, served(sim, w)]))
  expect(stored.active.size).toBe(active.size)
  expect(stored.archived.size).toBe(archived.size)
  expect([...stored.active.keys()].sort()).toEqual([...active.keys()].sort())
  expect([...stored.archived.keys()].sort()).toEqual([...archived.keys()].sort())
  for (const [id, worker] of active) expect(stored.active.get(id), id).toEqual(worker)
  for (const [id, worker] of archived) expect(stored.archived.get(id), id).toEqual(worker)

  const byId = <T extends { id: string }>(items: T[]) => [...items].sort((a, b) => a.id.localeCompare(b.id))
  expect(byId(listGroups(db, project.id))).toEqual(
    byId(sim.data.groups.map((g) => ({ id: g.id, name: g.name })))
  )
  expect(
    byId(listLocations(db, project.id).map((l) => ({ id: l.id, name: l.name, parentId: l.parentId })))
  ).toEqual(
    byId(
      sim.data.locations.map((l) => ({
        id: l.location_id,
        name: l.name,
        parentId: l.parent_location_id || null
      }))
    )
  )
  expect(byId(listApplications(db, project.id))).toEqual(
    byId(sim.data.applications.map((a) => ({ id: a.id, name: a.name })))
  )
}

/** The offsets of worker-list pages requested since `from` (an index into sim.requests). */
export function workerPageOffsets(sim: Sim, from: number, archived: boolean): number[] {
  return sim.requests
    .slice(from)
    .filter((r) => r.method === 'GET' && /\/api\/(v0\.5\/user|user\/v1)\/\?/.test(r.path))
    .map((r) => new URL(r.path, 'http://sim').searchParams)
    .filter((q) => (q.get('archived') === 'true') === archived)
    .map((q) => Number(q.get('offset') ?? 0))
}
