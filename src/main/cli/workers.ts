/**
 * `roster workers`: searches the local roster, offline. Exit codes: 0 ok (also when nothing
 * matches), 1 failure (nothing synced yet), 2 usage (bad option, a --db that does not exist,
 * unknown project, group or location), 3 a bug.
 */
import type { WorkerFilter, WorkerRow } from '../../shared/domain'
import { fold } from '../db/fold'
import { listGroups } from '../db/groups'
import { listLocations } from '../db/locations'
import type { Db } from '../db/open'
import { iterateWorkers, queryWorkers } from '../db/workerQueries'
import { usernameLocalPart } from '../db/workerDerive'
import { reportError } from './errors'
import { EXIT, parseCommandLine, parseOrExit, UsageError, type CliIo } from './io'
import { openRosterDb, resolveProject } from './project'
import { formatTable } from './table'

export const WORKERS_USAGE =
  'usage: roster workers [QUERY] [--domain D] [--group G] [--location L] [--archived|--all] [--limit N] [--json] [--db PATH]'

const HELP = `${WORKERS_USAGE}

Lists workers from the local roster (run roster sync first). QUERY matches names, usernames,
emails, phone numbers in any form ("0712 345", "+254712...") and custom field values.

  --domain D     project space (needed when the database holds several)
  --server URL   with --domain, when the same project space is saved for several servers
  --group G      group id or name
  --location L   location id, name or site code; includes the locations under it
  --archived     archived workers only; --all: active and archived
  --limit N      at most N workers (default 50)
  --json         a JSON array of workers with HQ's field names, plus "archived"; when
                 --limit cuts the list short, stderr says how many match
  --db PATH      database file (default: the app's own)
`

const DEFAULT_LIMIT = 50

interface WorkersArgs {
  query: string
  domain: string | undefined
  server: string | undefined
  group: string | undefined
  location: string | undefined
  status: 'active' | 'archived' | 'all'
  limit: number
  json: boolean
  db: string | undefined
}

function parseWorkersArgs(args: string[]): WorkersArgs | 'help' {
  const { values, positionals } = parseCommandLine({
    args,
    options: {
      domain: { type: 'string' },
      server: { type: 'string' },
      group: { type: 'string' },
      location: { type: 'string' },
      archived: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
      db: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false }
    },
    allowPositionals: true,
    strict: true
  })
  if (values.help) return 'help'
  if (values.archived && values.all) throw new UsageError('use either --archived or --all, not both')
  let limit = DEFAULT_LIMIT
  if (values.limit !== undefined) {
    if (!/^\d+$/.test(values.limit) || Number(values.limit) < 1) {
      throw new UsageError(`--limit needs a whole number of at least 1, not "${values.limit}"`)
    }
    limit = Number(values.limit)
  }
  return {
    query: positionals.join(' ').trim(),
    domain: values.domain?.trim() || undefined,
    server: values.server?.trim() || undefined,
    group: values.group,
    location: values.location,
    status: values.all ? 'all' : values.archived ? 'archived' : 'active',
    limit,
    json: values.json,
    db: values.db
  }
}

/** An id, or a name (any case and accents), that must name exactly one item. */
function resolve<T extends { id: string; name: string }>(
  items: T[],
  wanted: string,
  what: string,
  project: string,
  alsoMatches: (item: T) => boolean = () => false
): string {
  const byId = items.find((item) => item.id === wanted)
  if (byId) return byId.id
  const key = fold(wanted.trim())
  const named = items.filter((item) => fold(item.name.trim()) === key || alsoMatches(item))
  if (named.length === 1) return named[0]!.id
  if (named.length > 1) {
    throw new UsageError(
      `${named.length} ${what}s in ${project} are called '${wanted}'; use an id: ${named.map((n) => n.id).join(', ')}`
    )
  }
  const some = items
    .slice(0, 8)
    .map((item) => item.name)
    .join(', ')
  throw new UsageError(
    `no ${what} '${wanted}' in ${project}${items.length ? ` (${what}s include: ${some}${items.length > 8 ? ', …' : ''})` : ''}`
  )
}

/** HQ's field names, as the worker list API returns them, plus where the worker is listed. */
export function hqShape(row: WorkerRow & { raw: Record<string, unknown> }) {
  const raw = row.raw
  const userData = (raw.user_data as Record<string, unknown> | null | undefined) ?? {}
  const locations = Array.isArray(raw.locations)
    ? raw.locations
    : String(userData.commcare_location_ids ?? '')
        .split(/\s+/)
        .filter(Boolean)
  return {
    id: row.id,
    username: row.username,
    first_name: raw.first_name ?? null,
    last_name: raw.last_name ?? null,
    default_phone_number: raw.default_phone_number ?? null,
    email: raw.email ?? null,
    phone_numbers: Array.isArray(raw.phone_numbers) ? raw.phone_numbers : [],
    groups: Array.isArray(raw.groups) ? raw.groups : [],
    locations,
    primary_location: raw.primary_location ?? (userData.commcare_location_id as string | undefined) ?? null,
    user_data: userData,
    archived: row.archived
  }
}

const count = (n: number): string => n.toLocaleString('en-US')

const clip = (text: string, width: number): string =>
  text.length > width ? `${text.slice(0, width - 1)}…` : text

function table(rows: WorkerRow[], withStatus: boolean): string {
  const header = ['NAME', 'USERNAME', 'PHONE', 'LOCATION', 'GROUPS', ...(withStatus ? ['STATUS'] : [])]
  const cells = rows.map((r) => [
    clip(r.name, 32),
    clip(usernameLocalPart(r.username), 28),
    r.phones[0] ?? '',
    clip(r.locationName ?? '', 24),
    clip(r.groupNames.join(', '), 30),
    ...(withStatus ? [r.archived ? 'archived' : 'active'] : [])
  ])
  return formatTable(header, cells)
}

export async function runWorkers(args: string[], io: CliIo): Promise<number> {
  const options = parseOrExit('workers', WORKERS_USAGE, HELP, io, () => parseWorkersArgs(args))
  if ('exit' in options) return options.exit
  let db: Db | undefined
  try {
    db = openRosterDb(options.db, io).db
    const project = resolveProject(db, options, { dbPath: options.db ?? io.defaultDbPath })
    const filter: WorkerFilter = { projectId: project.id, status: options.status }
    if (options.query) filter.text = options.query
    if (options.group !== undefined) {
      filter.groupId = resolve(listGroups(db, project.id), options.group, 'group', project.domain)
    }
    if (options.location !== undefined) {
      const wanted = fold(options.location.trim())
      filter.locationId = resolve(
        listLocations(db, project.id),
        options.location,
        'location',
        project.domain,
        (l) => l.siteCode !== null && fold(l.siteCode) === wanted
      )
    }

    const rows: Array<WorkerRow & { raw: Record<string, unknown> }> = []
    for (const row of iterateWorkers(db, filter)) {
      rows.push(row)
      if (rows.length >= options.limit) break
    }
    const total = queryWorkers(db, { ...filter, limit: 1 }).total
    if (options.json) {
      // stdout stays exactly the array; a script reading it still learns it was cut short.
      io.stdout(`${JSON.stringify(rows.map(hqShape), null, 2)}\n`)
      if (rows.length < total) {
        io.stderr(`showing ${count(rows.length)} of ${count(total)}; use --limit\n`)
      }
      return EXIT.ok
    }
    if (rows.length > 0) io.stdout(table(rows, options.status === 'all'))
    const which = options.status === 'all' ? '' : `${options.status} `
    io.stderr(
      rows.length === 0
        ? `No ${which}workers in ${project.domain} match.\n`
        : `${count(rows.length)} of ${count(total)} ${which}workers in ${project.domain}` +
            `${rows.length < total ? ' (use --limit to see more)' : ''}.\n`
    )
    return EXIT.ok
  } catch (error) {
    return reportError('workers', error, io, WORKERS_USAGE)
  } finally {
    db?.close()
  }
}
