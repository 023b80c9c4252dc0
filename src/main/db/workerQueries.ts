import {
  WorkerFilterSchema,
  WorkerQuerySchema,
  WorkerSort,
  type WorkerSortKey,
  type Facets,
  type WorkerDetail,
  type WorkerFilter,
  type WorkerPage,
  type WorkerQuery,
  type WorkerRow
} from '../../shared/domain'
import { stmt, type Db } from './open'
import { getProject, type ProjectRecord } from './projects'
import { ftsQuery } from './searchQuery'
import { countWorkers } from './workers'
import { splitUserData } from './workerDerive'

type ParsedFilter = ReturnType<typeof WorkerFilterSchema.parse>
type ParsedQuery = ReturnType<typeof WorkerQuerySchema.parse>
type Sort = ParsedQuery['sort']
type Dir = ParsedQuery['dir']

interface Sql {
  where: string
  params: unknown[]
}

/**
 * How a condition on a child table is written. 'in' builds the id set once (best when it is
 * small: the rows are then read by rid); 'exists' probes the child's primary key for each row
 * an index walk visits (best when most rows match: a page is found after a short walk).
 */
type ChildForm = 'in' | 'exists'

/**
 * The row a filter tests: a worker, or one of its custom fields (which carries the worker's
 * project and status, so the workers table is only read for what the field lacks).
 */
interface Target {
  rid: string
  project: string
  archived: string
}
const WORKER: Target = { rid: 'w.rid', project: 'w.project', archived: 'w.archived' }
const FIELD: Target = { rid: 'f.worker_rid', project: 'f.project', archived: 'f.archived' }

/**
 * The SQL for a filter. Every condition narrows by indexed columns or an id set. The phone
 * condition reads the workers table (w) whatever the target.
 */
function filterSql(
  filter: ParsedFilter,
  project: ProjectRecord,
  form: ChildForm = 'in',
  target: Target = WORKER
): Sql {
  const where = [`${target.project} = ?`]
  const params: unknown[] = [project.pk]
  // Child tables carry the worker's archived flag, so their id sets are narrowed by status too.
  let childStatus = ''
  if (filter.status === 'active') {
    where.push(`${target.archived} = 0`)
    childStatus = ' AND archived = 0'
  } else if (filter.status === 'archived') {
    where.push(`${target.archived} = 1`)
    childStatus = ' AND archived = 1'
  }
  const child = (table: string, column: string, value: string): void => {
    if (form === 'exists') {
      where.push(`EXISTS (SELECT 1 FROM ${table} c WHERE c.worker_rid = ${target.rid} AND c.${column} = ?)`)
      params.push(value)
    } else {
      where.push(
        `${target.rid} IN (SELECT worker_rid FROM ${table} WHERE project = ? AND ${column} = ?${childStatus})`
      )
      params.push(project.pk, value)
    }
  }

  const match = filter.text ? ftsQuery(filter.text, project.domain) : null
  if (match) {
    where.push(`${target.rid} IN (SELECT rowid FROM worker_fts WHERE worker_fts MATCH ?)`)
    params.push(match)
  }
  if (filter.groupId !== undefined) child('worker_groups', 'group_id', filter.groupId)
  // worker_locations holds every ancestor of a worker's locations: sub-locations come free.
  if (filter.locationId !== undefined) child('worker_locations', 'location_id', filter.locationId)
  if (filter.hasPhone === true) where.push('w.sort_phone IS NOT NULL')
  else if (filter.hasPhone === false) where.push('w.sort_phone IS NULL')
  if (filter.field) {
    where.push(
      `${target.rid} IN (SELECT worker_rid FROM worker_fields WHERE project = ? AND key = ? AND value = ?)`
    )
    params.push(project.pk, filter.field.key, filter.field.value)
  }
  return { where: where.join(' AND '), params }
}

/** Whether a filter narrows the workers of its status any further. */
function narrows(filter: ParsedFilter, project: ProjectRecord): boolean {
  return (
    Boolean(filter.text && ftsQuery(filter.text, project.domain)) ||
    filter.groupId !== undefined ||
    filter.locationId !== undefined ||
    filter.hasPhone !== undefined ||
    filter.field !== undefined
  )
}

/**
 * The number of workers a filter matches. A group or location alone (with a status) is counted
 * from its covering index, without visiting workers.
 */
function countMatches(db: Db, filter: ParsedFilter, project: ProjectRecord): number {
  const onlyChild =
    !(filter.text && ftsQuery(filter.text, project.domain)) &&
    filter.hasPhone === undefined &&
    !filter.field &&
    (filter.groupId === undefined) !== (filter.locationId === undefined)
  if (onlyChild) {
    const [table, column, value] =
      filter.groupId !== undefined
        ? ['worker_groups', 'group_id', filter.groupId]
        : ['worker_locations', 'location_id', filter.locationId!]
    const status = filter.status === 'all' ? '' : ` AND archived = ${filter.status === 'archived' ? 1 : 0}`
    return stmt<[number, string], { n: number }>(
      db,
      `SELECT COUNT(*) AS n FROM ${table} WHERE project = ? AND ${column} = ?${status}`
    ).get(project.pk, value)!.n
  }
  const sql = filterSql(filter, project)
  return stmt<unknown[], { n: number }>(db, `SELECT COUNT(*) AS n FROM workers w WHERE ${sql.where}`).get(
    ...sql.params
  )!.n
}

function statusTotal(db: Db, project: ProjectRecord, status: ParsedFilter['status']): number {
  const counts = countWorkers(db, project.id)
  return status === 'active'
    ? counts.active
    : status === 'archived'
      ? counts.archived
      : counts.active + counts.archived
}

const SORT_COLUMN: Record<'name' | 'username' | 'phone' | 'location', string> = {
  name: 'w.sort_name',
  username: 'w.sort_username',
  phone: 'w.sort_phone',
  location: 'w.sort_location'
}

interface OrderSql {
  /** A join the order needs, written after the FROM clause, with its parameters. */
  join: string
  params: unknown[]
  order: string
}

/**
 * A total order: the sort key, then the worker id, all in one direction so an index serves it.
 * Groups and custom fields put the workers without a value after the others (in ascending
 * order): the (key IS NULL) term matches the expression indexes on sort_groups. A custom field
 * is read from worker_fields' folded value (one primary-key probe per row, no JSON); that
 * sorts every row, which suits iterating them all. A window is read by fieldSortRids instead,
 * in the same order.
 */
function orderSql(sort: Sort, dir: Dir): OrderSql {
  const d = dir === 'desc' ? 'DESC' : 'ASC'
  const plain = (order: string): OrderSql => ({ join: '', params: [], order })
  if (sort === 'status') return plain(`w.archived ${d}, w.sort_name ${d}, w.id ${d}`)
  if (sort === 'groups') return plain(`(w.sort_groups IS NULL) ${d}, w.sort_groups ${d}, w.id ${d}`)
  if (sort.startsWith('data:')) {
    return {
      join: 'LEFT JOIN worker_fields sf ON sf.worker_rid = w.rid AND sf.key = ?',
      params: [sort.slice('data:'.length)],
      order: `(sf.sort_value IS NULL) ${d}, sf.sort_value ${d}, w.id ${d}`
    }
  }
  return plain(`${SORT_COLUMN[sort as keyof typeof SORT_COLUMN]} ${d}, w.id ${d}`)
}

/**
 * An archived worker whose account Roster created (channels 2 and 3) and who has not confirmed
 * it: HQ lists such accounts as inactive, but the coordinator is waiting on them, not done with them.
 */
const PENDING_CONFIRMATION = /* sql */ `(w.archived = 1 AND EXISTS (SELECT 1 FROM invite_numbers n
    WHERE n.project_id = (SELECT id FROM projects WHERE pk = w.project) AND n.hq_username = w.username
      AND n.status = 'success' AND n.registered_worker_id IS NULL))`

const ROW_COLUMNS = `w.rid, w.id, w.username, d.first_name, d.last_name, w.name, d.email, d.default_phone,
  d.phones, w.archived, d.user_data, w.primary_location, l.name AS location_name,
  (SELECT json_group_array(COALESCE(g.name, wg.group_id) ORDER BY wg.position)
     FROM worker_groups wg LEFT JOIN groups g ON g.project = wg.project AND g.id = wg.group_id
    WHERE wg.worker_rid = w.rid) AS group_names,
  ${PENDING_CONFIRMATION} AS pending_confirmation`
const ROW_FROM = `workers w JOIN worker_docs d ON d.rid = w.rid
  LEFT JOIN locations l ON l.project = w.project AND l.id = w.primary_location`

interface RowSql {
  rid: number
  id: string
  username: string
  first_name: string
  last_name: string
  name: string
  email: string
  default_phone: string | null
  phones: string
  archived: number
  user_data: string
  primary_location: string | null
  location_name: string | null
  group_names: string | null
  pending_confirmation: number
}

function toRow(row: RowSql): WorkerRow {
  return {
    id: row.id,
    username: row.username,
    firstName: row.first_name,
    lastName: row.last_name,
    name: row.name,
    email: row.email,
    defaultPhone: row.default_phone,
    phones: JSON.parse(row.phones) as string[],
    groupNames: row.group_names ? (JSON.parse(row.group_names) as string[]) : [],
    locationName: row.location_name,
    archived: row.archived === 1,
    pendingConfirmation: row.pending_confirmation === 1,
    userData: splitUserData(JSON.parse(row.user_data) as Record<string, unknown>).custom
  }
}

/** How many archived workers are accounts Roster created that wait for their worker's confirmation. */
function countPendingConfirmation(db: Db, projectId: string): number {
  return (
    db
      .prepare(
        `SELECT COUNT(*) AS n FROM workers w WHERE w.project = (SELECT pk FROM projects WHERE id = ?)
           AND ${PENDING_CONFIRMATION}`
      )
      .get(projectId) as { n: number }
  ).n
}

function requireProject(db: Db, projectId: string): ProjectRecord {
  const project = getProject(db, projectId)
  if (!project) throw new Error(`There is no saved project with id ${projectId}.`)
  return project
}

/**
 * One window of the filtered, sorted roster and the total it is part of. The window is picked
 * from an index (rids only), then its rows are read by rid, so a deep offset costs an index walk.
 * The counts and the window are read in one transaction: a sync writing meanwhile cannot make
 * them disagree.
 */
export function queryWorkers(db: Db, input: WorkerQuery): WorkerPage {
  const query = WorkerQuerySchema.parse(input)
  return db.transaction((): WorkerPage => {
    const project = requireProject(db, query.projectId)
    const total = countMatches(db, query, project)
    if (total === 0 || query.offset >= total) return { total, offset: query.offset, rows: [] }
    // A broad group or location matches most rows: probing each row of the sort walk beats
    // building an id set of tens of thousands.
    const broad =
      (query.groupId !== undefined || query.locationId !== undefined) &&
      total * 4 > statusTotal(db, project, query.status)
    const form: ChildForm = broad ? 'exists' : 'in'
    const rids = query.sort.startsWith('data:')
      ? fieldSortRids(db, query, project, total, form)
      : sortRids(db, query, project, form)
    return { total, offset: query.offset, rows: rowsByRid(db, rids) }
  })()
}

function sortRids(db: Db, query: ParsedQuery, project: ProjectRecord, form: ChildForm): number[] {
  const filter = filterSql(query, project, form)
  const order = orderSql(query.sort, query.dir)
  return stmt<unknown[], { rid: number }>(
    db,
    `SELECT w.rid FROM workers w ${order.join} WHERE ${filter.where} ORDER BY ${order.order} LIMIT ? OFFSET ?`
  )
    .all(...order.params, ...filter.params, query.limit, query.offset)
    .map((r) => r.rid)
}

/** Reads rows [offset, offset + limit) of one run of the sorted roster, in either direction. */
type ReadRun = (dir: Dir, offset: number, limit: number) => number[]

/**
 * The two runs of a custom field sort, each an index walk (one query would read the field of
 * every matching worker and sort them all): the workers with a value, in the order of the
 * worker_fields_sort index (folded value, then id), and the workers without one (no such field,
 * or an empty value) in id order.
 */
interface FieldRuns {
  readValued: ReadRun
  readEmpty: ReadRun
  /** How many workers a filter (this query's or another) matches that have a value. */
  countValued(filter: ParsedQuery): number
}

function fieldRuns(db: Db, query: ParsedQuery, project: ProjectRecord, form: ChildForm): FieldRuns {
  const key = query.sort.slice('data:'.length)
  const valued = valuedFrom(query, project, key, form)
  const filter = filterSql(query, project, form)
  return {
    readValued: (dir, offset, limit) =>
      stmt<unknown[], { rid: number }>(
        db,
        `SELECT f.worker_rid AS rid FROM ${valued.from}
          ORDER BY f.sort_value ${sqlDir(dir)}, f.worker_id ${sqlDir(dir)} LIMIT ? OFFSET ?`
      )
        .all(...valued.params, limit, offset)
        .map((r) => r.rid),
    readEmpty: (dir, offset, limit) =>
      stmt<unknown[], { rid: number }>(
        db,
        `SELECT w.rid FROM workers w WHERE ${filter.where} AND NOT EXISTS (
           SELECT 1 FROM worker_fields f WHERE f.worker_rid = w.rid AND f.key = ? AND f.sort_value IS NOT NULL)
          ORDER BY w.id ${sqlDir(dir)} LIMIT ? OFFSET ?`
      )
        .all(...filter.params, key, limit, offset)
        .map((r) => r.rid),
    countValued: (other) => {
      const counted = valuedFrom(other, project, key, 'in')
      return stmt<unknown[], { n: number }>(db, `SELECT COUNT(*) AS n FROM ${counted.from}`).get(
        ...counted.params
      )!.n
    }
  }
}

/**
 * A window of a custom field sort. Ascending reads the valued run, then the run without values;
 * descending reads both backwards, the run without values first.
 */
function fieldSortRids(
  db: Db,
  query: ParsedQuery,
  project: ProjectRecord,
  total: number,
  form: ChildForm
): number[] {
  const runs = fieldRuns(db, query, project, form)
  const { dir, offset, limit } = query
  const [readFirst, readSecond] =
    dir === 'asc' ? [runs.readValued, runs.readEmpty] : [runs.readEmpty, runs.readValued]
  const firstRun = (valued: number, of: number): number => (dir === 'asc' ? valued : of - valued)
  const statusOnly: ParsedQuery = {
    ...query,
    text: undefined,
    groupId: undefined,
    locationId: undefined,
    hasPhone: undefined,
    field: undefined
  }
  // Where the first run ends decides which runs a window needs. With the status as the only
  // filter the index counts the valued run in a moment (and a window near the end is then read
  // from the end). Another filter makes that count a probe of every match: a window that likely
  // lies in the first run (by the share of the status's workers with a value) is read without
  // it, and when it comes back short its length tells where the run ends.
  let size: number | undefined
  if (!narrows(query, project)) {
    size = firstRun(runs.countValued(statusOnly), total)
  } else if (offset > 0) {
    const all = statusTotal(db, project, query.status)
    const likely = (firstRun(runs.countValued(statusOnly), all) / all) * total
    if (offset + limit > likely) size = firstRun(runs.countValued(query), total)
  }
  let rids: number[]
  if (size === undefined) {
    rids = readFirst(dir, offset, limit)
    if (rids.length === limit) return rids
    size = rids.length > 0 ? offset + rids.length : firstRun(runs.countValued(query), total)
  } else {
    rids = runWindow(readFirst, dir, size, offset, limit)
  }
  const rest = limit - rids.length
  if (rest <= 0) return rids
  return [...rids, ...runWindow(readSecond, dir, total - size, Math.max(0, offset - size), rest)]
}

/**
 * Rows [offset, offset + limit) of a run of `size` rows, walked from whichever end is nearer:
 * the order is total (the id breaks every tie), so the far end's rows read backwards are the
 * same rows.
 */
function runWindow(read: ReadRun, dir: Dir, size: number, offset: number, limit: number): number[] {
  const count = Math.min(limit, size - offset)
  if (count <= 0) return []
  const after = size - offset - count
  if (after >= offset) return read(dir, offset, count)
  return read(dir === 'desc' ? 'asc' : 'desc', after, count).reverse()
}

const sqlDir = (dir: Dir): string => (dir === 'desc' ? 'DESC' : 'ASC')

/**
 * The workers with a value for `key` among those a filter matches (FROM and WHERE), read from
 * the field rows; the workers table is joined only for the phone condition.
 */
function valuedFrom(
  query: ParsedQuery,
  project: ProjectRecord,
  key: string,
  form: ChildForm
): { from: string; params: unknown[] } {
  const filter = filterSql(query, project, form, FIELD)
  const join = query.hasPhone === undefined ? '' : ' JOIN workers w ON w.rid = f.worker_rid'
  return {
    from: `worker_fields f${join} WHERE f.key = ? AND f.sort_value IS NOT NULL AND ${filter.where}`,
    params: [key, ...filter.params]
  }
}

function rowsByRid(db: Db, rids: number[]): WorkerRow[] {
  if (rids.length === 0) return []
  const rows = stmt<[string], RowSql>(
    db,
    `SELECT ${ROW_COLUMNS} FROM ${ROW_FROM} WHERE w.rid IN (SELECT value FROM json_each(?))`
  ).all(JSON.stringify(rids))
  const byRid = new Map(rows.map((r) => [r.rid, r]))
  return rids.flatMap((rid) => {
    const row = byRid.get(rid)
    return row ? [toRow(row)] : []
  })
}

/** Every worker matching a filter, in the given order, one at a time (CSV export, the CLI). */
export function* iterateWorkers(
  db: Db,
  input: WorkerFilter & { sort?: WorkerSortKey; dir?: Dir }
): Generator<WorkerRow & { raw: Record<string, unknown> }> {
  const filter = WorkerFilterSchema.parse(input)
  const project = requireProject(db, filter.projectId)
  const sql = filterSql(filter, project)
  const order = orderSql(WorkerSort.parse(input.sort ?? 'name'), input.dir ?? 'asc')
  // A statement of its own: an open iterator keeps its statement busy.
  const statement = db.prepare<unknown[], RowSql & { raw: string }>(
    `SELECT ${ROW_COLUMNS}, d.raw FROM ${ROW_FROM} ${order.join} WHERE ${sql.where} ORDER BY ${order.order}`
  )
  for (const row of statement.iterate(...order.params, ...sql.params)) {
    yield { ...toRow(row), raw: JSON.parse(row.raw) as Record<string, unknown> }
  }
}

function locationPath(db: Db, project: number, locationId: string): string[] {
  return stmt<[{ project: number; id: string }], { name: string }>(
    db,
    `WITH RECURSIVE up(id, name, parent_id, depth) AS (
       SELECT id, name, parent_id, 0 FROM locations WHERE project = @project AND id = @id
       UNION ALL
       SELECT l.id, l.name, l.parent_id, up.depth + 1 FROM locations l JOIN up ON l.id = up.parent_id
        WHERE l.project = @project AND up.depth < 64
     )
     SELECT name FROM up ORDER BY depth DESC`
  )
    .all({ project, id: locationId })
    .map((r) => r.name)
}

export function hqWorkerUrl(server: string, domain: string, id: string): string {
  return `${server}/a/${domain}/settings/users/commcare/account/${id}/`
}

export function hqCaseListUrl(server: string, domain: string, id: string): string {
  return `${server}/a/${domain}/reports/case_list/?emw=u__${id}`
}

/** One worker with everything HQ sent, names for its group and location ids, and HQ links. */
export function getWorker(db: Db, projectId: string, id: string): WorkerDetail | null {
  const project = getProject(db, projectId)
  if (!project) return null
  const row = stmt<[number, string], RowSql & { raw: string }>(
    db,
    `SELECT ${ROW_COLUMNS}, d.raw FROM ${ROW_FROM} WHERE w.project = ? AND w.id = ?`
  ).get(project.pk, id)
  if (!row) return null
  const groups = stmt<[number], { id: string; name: string }>(
    db,
    `SELECT wg.group_id AS id, COALESCE(g.name, wg.group_id) AS name
       FROM worker_groups wg LEFT JOIN groups g ON g.project = wg.project AND g.id = wg.group_id
      WHERE wg.worker_rid = ? ORDER BY wg.position`
  ).all(row.rid)
  const locations = stmt<[number], { id: string; name: string | null }>(
    db,
    `SELECT wl.location_id AS id, l.name
       FROM worker_locations wl LEFT JOIN locations l ON l.project = wl.project AND l.id = wl.location_id
      WHERE wl.worker_rid = ? AND wl.position IS NOT NULL ORDER BY wl.position`
  )
    .all(row.rid)
    .map((l) => ({
      id: l.id,
      name: l.name ?? l.id,
      path: l.name === null ? [] : locationPath(db, project.pk, l.id)
    }))
  const { system } = splitUserData(JSON.parse(row.user_data) as Record<string, unknown>)
  return {
    ...toRow(row),
    groups,
    locations,
    primaryLocationId: row.primary_location,
    systemData: system,
    raw: JSON.parse(row.raw) as Record<string, unknown>,
    hqUrl: hqWorkerUrl(project.server, project.domain, row.id),
    caseListUrl: hqCaseListUrl(project.server, project.domain, row.id)
  }
}

/**
 * What the filter panel offers: groups and locations with how many workers of the given status
 * each has (a location counts the workers at it or anywhere below it, each once), the custom
 * field keys, and the active/archived totals.
 */
export function workerFacets(
  db: Db,
  projectId: string,
  status: 'active' | 'archived' | 'all' = 'active'
): Facets {
  const project = requireProject(db, projectId)
  const archived = status === 'all' ? '' : ` AND archived = ${status === 'archived' ? 1 : 0}`
  const groupCounts = countsBy(
    db,
    `SELECT group_id AS id, COUNT(*) AS n FROM worker_groups WHERE project = ?${archived} GROUP BY group_id`,
    project.pk
  )
  const locationCounts = countsBy(
    db,
    `SELECT location_id AS id, COUNT(*) AS n FROM worker_locations WHERE project = ?${archived} GROUP BY location_id`,
    project.pk
  )
  const groups = stmt<[number], { id: string; name: string }>(
    db,
    `SELECT id, name FROM groups WHERE project = ? ORDER BY name COLLATE NOCASE, id`
  ).all(project.pk)
  const locations = stmt<
    [number],
    { id: string; name: string; parentId: string | null; type: string | null }
  >(
    db,
    `SELECT id, name, parent_id AS parentId, type FROM locations WHERE project = ? ORDER BY name COLLATE NOCASE, id`
  ).all(project.pk)
  return {
    groups: groups.map((g) => ({ ...g, count: groupCounts.get(g.id) ?? 0 })),
    locations: locations.map((l) => ({ ...l, count: locationCounts.get(l.id) ?? 0 })),
    customFieldKeys: customFieldKeys(db, projectId),
    counts: { ...countWorkers(db, projectId), invited: countPendingConfirmation(db, projectId) }
  }
}

function countsBy(db: Db, sql: string, project: number): Map<string, number> {
  const rows = stmt<[number], { id: string; n: number }>(db, sql).all(project)
  return new Map(rows.map((r) => [r.id, r.n]))
}

/** Distinct custom field keys, one index seek per key rather than a scan of every value. */
export function customFieldKeys(db: Db, projectId: string): string[] {
  const project = requireProject(db, projectId)
  const next = stmt<[number, string], { key: string }>(
    db,
    `SELECT key FROM worker_fields WHERE project = ? AND key > ? ORDER BY key LIMIT 1`
  )
  const keys: string[] = []
  for (let row = next.get(project.pk, ''); row; row = next.get(project.pk, row.key)) keys.push(row.key)
  return keys
}
