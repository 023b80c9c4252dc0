import { toCountryCode } from '../../shared/phone'
import { fold } from './fold'
import { stmt, type Db } from './open'
import { requireProjectKey } from './projectKey'
import {
  contentHash,
  deriveWorker,
  type DerivedWorker,
  type PhoneForms,
  type WorkerInput
} from './workerDerive'

export interface WriteResult {
  added: number
  updated: number
  unchanged: number
}

export interface WorkerWrite {
  projectId: string
  /** The sync generation that saw these workers. */
  generation: number
  archived: boolean
  /** ISO country code for numbers HQ holds in national form. */
  country: string
  now?: Date
}

interface ExistingRow {
  rid: number
  hash: string
}

/** What writing a worker needs to know about the project's locations and groups. */
interface ProjectNames {
  parent: Map<string, string | null>
  name: Map<string, string>
  groupName: Map<string, string>
}

const UPDATE_WORKER = `UPDATE workers SET username = @username, name = @name, archived = @archived,
  primary_location = @primaryLocation, hash = @hash, seen_gen = @generation, sort_name = @sortName,
  sort_username = @sortUsername, sort_phone = @sortPhone, sort_location = @sortLocation,
  sort_groups = @sortGroups WHERE rid = @rid`

function projectNames(db: Db, project: number): ProjectNames {
  const rows = stmt<[number], { id: string; name: string; parent_id: string | null }>(
    db,
    `SELECT id, name, parent_id FROM locations WHERE project = ?`
  ).all(project)
  return {
    parent: new Map(rows.map((r) => [r.id, r.parent_id])),
    name: new Map(rows.map((r) => [r.id, r.name])),
    groupName: groupNames(db, project)
  }
}

function groupNames(db: Db, project: number): Map<string, string> {
  const rows = stmt<[number], { id: string; name: string }>(
    db,
    `SELECT id, name FROM groups WHERE project = ?`
  ).all(project)
  return new Map(rows.map((r) => [r.id, r.name]))
}

/** The Groups column's sort key: the first group as the row shows it (its id when unknown). */
function groupSortKey(groupIds: readonly string[], names: ReadonlyMap<string, string>): string | null {
  const first = groupIds[0]
  return first === undefined ? null : fold(names.get(first) ?? first)
}

/** A location and its ancestors, nearest first; a loop in bad data ends the walk. */
function lineage(locations: ProjectNames, id: string): string[] {
  const chain: string[] = []
  for (let at: string | null | undefined = id; at && !chain.includes(at); at = locations.parent.get(at)) {
    chain.push(at)
  }
  return chain
}

function writeChildren(
  db: Db,
  project: { pk: number; id: string },
  rid: number,
  worker: DerivedWorker,
  locations: ProjectNames,
  updatedAt: string
): void {
  stmt(
    db,
    `INSERT OR REPLACE INTO worker_docs (rid, first_name, last_name, email, default_phone, phones, user_data, raw, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
  ).run(
    rid,
    worker.firstName,
    worker.lastName,
    worker.email,
    worker.defaultPhone,
    JSON.stringify(worker.phones),
    worker.userData,
    worker.raw,
    updatedAt
  )
  const phone = stmt(
    db,
    `INSERT INTO worker_phones (worker_rid, position, project_id, raw, digits, e164) VALUES (?, ?, ?, ?, ?, ?)`
  )
  worker.phoneRows.forEach((p, i) => phone.run(rid, i, project.id, p.raw, p.digits, p.e164))
  const group = stmt(
    db,
    `INSERT INTO worker_groups (worker_rid, group_id, project, archived, position) VALUES (?, ?, ?, ?, ?)`
  )
  worker.groupIds.forEach((g, i) => group.run(rid, g, project.pk, worker.archived, i))
  const location = stmt(
    db,
    `INSERT OR IGNORE INTO worker_locations (worker_rid, location_id, project, archived, position) VALUES (?, ?, ?, ?, ?)`
  )
  worker.locationIds.forEach((l, i) => location.run(rid, l, project.pk, worker.archived, i))
  for (const id of worker.locationIds) {
    for (const ancestor of lineage(locations, id).slice(1))
      location.run(rid, ancestor, project.pk, worker.archived, null)
  }
  const field = stmt(
    db,
    `INSERT INTO worker_fields (worker_rid, key, project, value, sort_value, worker_id, archived)
     VALUES (?, ?, ?, ?, ?, ?, ?)`
  )
  for (const [key, value] of worker.fields) {
    field.run(rid, key, project.pk, value, value === '' ? null : fold(value), worker.id, worker.archived)
  }
  const f = worker.fts
  stmt(
    db,
    `INSERT INTO worker_fts (rowid, name, username, email, phones, data) VALUES (?, ?, ?, ?, ?, ?)`
  ).run(rid, f.name, f.username, f.email, f.phones, f.data)
}

function clearChildren(db: Db, rid: number): void {
  stmt(db, `DELETE FROM worker_phones WHERE worker_rid = ?`).run(rid)
  stmt(db, `DELETE FROM worker_groups WHERE worker_rid = ?`).run(rid)
  stmt(db, `DELETE FROM worker_locations WHERE worker_rid = ?`).run(rid)
  stmt(db, `DELETE FROM worker_fields WHERE worker_rid = ?`).run(rid)
  stmt(db, `DELETE FROM worker_fts WHERE rowid = ?`).run(rid)
}

function columnValues(project: number, worker: DerivedWorker, generation: number, locations: ProjectNames) {
  const locationName = worker.primaryLocation ? locations.name.get(worker.primaryLocation) : undefined
  return {
    project,
    id: worker.id,
    username: worker.username,
    name: worker.name,
    archived: worker.archived,
    primaryLocation: worker.primaryLocation,
    hash: worker.hash,
    generation,
    sortName: worker.sortName,
    sortUsername: worker.sortUsername,
    sortPhone: worker.sortPhone,
    sortLocation: locationName === undefined ? null : fold(locationName),
    sortGroups: groupSortKey(worker.groupIds, locations.groupName)
  }
}

/**
 * Upserts one page of workers from one of HQ's lists in a single transaction (a savepoint
 * when the caller already holds one); a written worker carries `generation`. A worker whose
 * content hash is unchanged is not touched; a repeated worker (pages overlap, and are read
 * again when HQ's list moved) is harmless. Each distinct phone string is parsed once per page.
 */
export function writeWorkers(db: Db, input: WorkerWrite, workers: readonly WorkerInput[]): WriteResult {
  const country = toCountryCode(input.country)
  const updatedAt = (input.now ?? new Date()).toISOString()
  const find = stmt<[number, string], ExistingRow>(
    db,
    `SELECT rid, hash FROM workers WHERE project = ? AND id = ?`
  )
  const insert = stmt<[Record<string, unknown>], { rid: number }>(
    db,
    `INSERT INTO workers (project, id, username, name, archived, primary_location, hash, seen_gen, sort_name,
       sort_username, sort_phone, sort_location, sort_groups)
     VALUES (@project, @id, @username, @name, @archived, @primaryLocation, @hash, @generation, @sortName,
       @sortUsername, @sortPhone, @sortLocation, @sortGroups)
     RETURNING rid`
  )
  const update = stmt(db, UPDATE_WORKER)
  const phoneForms: PhoneForms = new Map()

  return db.transaction(() => {
    const project = requireProjectKey(db, input.projectId)
    const keys = { pk: project, id: input.projectId }
    let locations: ProjectNames | undefined
    const result: WriteResult = { added: 0, updated: 0, unchanged: 0 }
    for (const worker of workers) {
      const raw = JSON.stringify(worker)
      const hash = contentHash(raw, input.archived)
      const existing = find.get(project, worker.id)
      if (existing && existing.hash === hash) {
        // Left as it is: what a sync keeps is decided from HQ's lists, not from markers.
        result.unchanged++
        continue
      }
      locations ??= projectNames(db, project)
      const derived = deriveWorker(worker, input.archived, country, raw, hash, phoneForms)
      const values = columnValues(project, derived, input.generation, locations)
      if (existing) {
        update.run({ ...values, rid: existing.rid })
        clearChildren(db, existing.rid)
        writeChildren(db, keys, existing.rid, derived, locations, updatedAt)
        result.updated++
      } else {
        const { rid } = insert.get(values)!
        writeChildren(db, keys, rid, derived, locations, updatedAt)
        result.added++
      }
    }
    return result
  })()
}

/** Every stored worker id of the project (what a sync compares HQ's lists with). */
export function storedIds(db: Db, projectId: string): string[] {
  return stmt<[number], { id: string }>(db, `SELECT id FROM workers WHERE project = ?`)
    .all(requireProjectKey(db, projectId))
    .map((r) => r.id)
}

/** The stored archived flag of each of these workers (the list each was last seen in). */
export function archivedStates(db: Db, projectId: string, ids: readonly string[]): Map<string, boolean> {
  const rows = stmt<[number, string], { id: string; archived: number }>(
    db,
    `SELECT id, archived FROM workers WHERE project = ? AND id IN (SELECT value FROM json_each(?))`
  ).all(requireProjectKey(db, projectId), JSON.stringify(ids))
  return new Map(rows.map((r) => [r.id, r.archived === 1]))
}

/** Removes these workers of the project (their children and search entries go with them). */
export function removeWorkers(db: Db, projectId: string, ids: readonly string[]): number {
  if (ids.length === 0) return 0
  return stmt<[number, string]>(
    db,
    `DELETE FROM workers WHERE project = ? AND id IN (SELECT value FROM json_each(?))`
  ).run(requireProjectKey(db, projectId), JSON.stringify(ids)).changes
}

export function countWorkers(db: Db, projectId: string): { active: number; archived: number } {
  const rows = stmt<[number], { archived: number; n: number }>(
    db,
    `SELECT archived, COUNT(*) AS n FROM workers WHERE project = ? GROUP BY archived`
  ).all(requireProjectKey(db, projectId))
  return {
    active: rows.find((r) => r.archived === 0)?.n ?? 0,
    archived: rows.find((r) => r.archived === 1)?.n ?? 0
  }
}

/**
 * Recomputes every stored worker of a project from its raw JSON (phone forms depend on the
 * project's default country), in one transaction. Keeps seen markers and content hashes. For a
 * large roster prefer reindexWorkersInChunks, which never holds the write lock for long.
 */
export function reindexWorkers(db: Db, projectId: string, countryCode: string): number {
  return db.transaction(() => {
    let done = 0
    for (let after = 0; ;) {
      const chunk = reindexChunk(db, projectId, countryCode, after, Number.MAX_SAFE_INTEGER)
      done += chunk.count
      if (chunk.last === null) return done
      after = chunk.last
    }
  })()
}

/**
 * The same as reindexWorkers, a chunk of workers per transaction with the event loop (and other
 * writers: a sync, the outbox) let in between, so a country change on 100,000 workers never
 * freezes the app or fails another writer for want of the lock. A worker a sync rewrites meanwhile
 * is derived by the sync itself.
 */
export async function reindexWorkersInChunks(
  db: Db,
  projectId: string,
  countryCode: string,
  options: { chunk?: number; onChunk?: (done: number) => void } = {}
): Promise<number> {
  const size = Math.max(1, options.chunk ?? 500)
  let done = 0
  for (let after = 0; ;) {
    const chunk = db.transaction(() => reindexChunk(db, projectId, countryCode, after, size))()
    done += chunk.count
    options.onChunk?.(done)
    if (chunk.last === null) return done
    after = chunk.last
    await new Promise((resolve) => setImmediate(resolve))
  }
}

/** Re-derives up to `limit` workers with a rid above `after`; `last` is null when none are left. */
function reindexChunk(
  db: Db,
  projectId: string,
  countryCode: string,
  after: number,
  limit: number
): { count: number; last: number | null } {
  const country = toCountryCode(countryCode)
  const project = requireProjectKey(db, projectId)
  const locations = projectNames(db, project)
  const rows = stmt<
    [number, number, number],
    { rid: number; raw: string; hash: string; archived: number; seen_gen: number; updated_at: string }
  >(
    db,
    `SELECT w.rid, d.raw, w.hash, w.archived, w.seen_gen, d.updated_at
       FROM workers w JOIN worker_docs d ON d.rid = w.rid
      WHERE w.project = ? AND w.rid > ? ORDER BY w.rid LIMIT ?`
  ).all(project, after, limit)
  const update = stmt(db, UPDATE_WORKER)
  const phoneForms: PhoneForms = new Map()
  for (const row of rows) {
    const worker = JSON.parse(row.raw) as WorkerInput
    const derived = deriveWorker(worker, row.archived === 1, country, row.raw, row.hash, phoneForms)
    update.run({ ...columnValues(project, derived, row.seen_gen, locations), rid: row.rid })
    clearChildren(db, row.rid)
    writeChildren(db, { pk: project, id: projectId }, row.rid, derived, locations, row.updated_at)
  }
  return { count: rows.length, last: rows.length < limit ? null : rows[rows.length - 1]!.rid }
}

/**
 * After the location list changed: re-sorts workers whose primary location was renamed, added
 * or removed, and, when the tree's shape changed, rebuilds every worker's ancestor rows.
 * One pass over the project's workers either way, not one per location.
 */
export function refreshWorkerLocations(
  db: Db,
  project: number,
  change: { renamed: ReadonlySet<string>; reshaped: boolean }
): void {
  const locations = projectNames(db, project)
  if (change.renamed.size > 0) {
    const rows = stmt<[number], { rid: number; primary_location: string; sort_location: string | null }>(
      db,
      `SELECT rid, primary_location, sort_location FROM workers WHERE project = ? AND primary_location IS NOT NULL`
    ).all(project)
    const update = stmt(db, `UPDATE workers SET sort_location = ? WHERE rid = ?`)
    for (const row of rows) {
      if (!change.renamed.has(row.primary_location)) continue
      const name = locations.name.get(row.primary_location)
      const key = name === undefined ? null : fold(name)
      if (key !== row.sort_location) update.run(key, row.rid)
    }
  }
  if (change.reshaped) {
    stmt(db, `DELETE FROM worker_locations WHERE project = ? AND position IS NULL`).run(project)
    // UNION (not UNION ALL) also ends a parent loop in bad data.
    stmt(
      db,
      `WITH RECURSIVE up(worker_rid, archived, location_id) AS (
         SELECT worker_rid, archived, location_id FROM worker_locations WHERE project = @project
         UNION
         SELECT up.worker_rid, up.archived, l.parent_id FROM up
           JOIN locations l ON l.project = @project AND l.id = up.location_id
          WHERE l.parent_id IS NOT NULL
       )
       INSERT OR IGNORE INTO worker_locations (worker_rid, location_id, project, archived, position)
       SELECT worker_rid, location_id, @project, archived, NULL FROM up`
    ).run({ project })
  }
}

/**
 * After the group list changed: re-sorts the workers whose first group was renamed, added or
 * removed (their Groups cell shows another name now).
 */
export function refreshWorkerGroups(db: Db, project: number, changed: ReadonlySet<string>): void {
  if (changed.size === 0) return
  const names = groupNames(db, project)
  const firstOf = stmt<[number, string], { worker_rid: number }>(
    db,
    `SELECT worker_rid FROM worker_groups WHERE project = ? AND group_id = ? AND position = 0`
  )
  const update = stmt(db, `UPDATE workers SET sort_groups = ? WHERE rid = ?`)
  for (const id of changed) {
    const key = groupSortKey([id], names)
    for (const { worker_rid } of firstOf.all(project, id)) update.run(key, worker_rid)
  }
}
