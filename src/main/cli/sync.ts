/**
 * `roster sync`: mirrors a project's mobile workers, groups, locations and applications into
 * the local database (creating it, and saying so, when the file does not exist), the same sync
 * the app runs. Exit codes: 0 ok, 1 the sync failed (one line on stderr says why), 2 usage, 3 a bug.
 */
import type { SyncProgress, SyncRun } from '../../shared/domain'
import { toCountryCode } from '../../shared/phone'
import type { Db } from '../db/open'
import { ensureProject, updateProject } from '../db/projects'
import { createHqClient, type HqClient } from '../hq/client'
import { markRegistered } from '../invite'
import { syncProject } from '../sync'
import { CONNECTION_OPTIONS, readConnection } from './connection'
import { reportError } from './errors'
import { EXIT, parseCommandLine, parseOrExit, UsageError, type CliIo } from './io'
import { openRosterDb } from './project'

export const SYNC_USAGE =
  'usage: roster sync --server URL --domain D --username U [--api-key K] [--country CC] [--db PATH] [--json]'

const HELP = `${SYNC_USAGE}

Downloads the project's mobile workers (active and archived), groups, locations and
applications into the local roster database, creating the project there on first use, then
marks the invitations whose numbers now belong to a worker as registered (roster history).
When HQ refuses the groups, locations or applications (a permission the key lacks), the
names from the last sync are kept and a warning goes to stderr; the sync still succeeds.

  --server URL     HQ server: https://..., or www, india, eu
  --domain D       project space name
  --username U     your HQ username (the API key's owner)
  --api-key K      API key; better: set ROSTER_API_KEY (a key on the command line is visible
                   to other users of this computer)
  --country CC     country for phone numbers HQ holds without a country code (default KE)
  --db PATH        database file (default: the app's own)
  --json           print {workers, archived, groups, locations, added, updated, removed,
                   duration_ms} instead of a sentence
`

interface SyncArgs {
  server: string
  domain: string
  username: string
  apiKey: string
  country: string | undefined
  db: string
  json: boolean
}

function parseSyncArgs(args: string[], io: CliIo): SyncArgs | 'help' {
  const { values } = parseCommandLine({
    args,
    options: {
      ...CONNECTION_OPTIONS,
      country: { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    },
    allowPositionals: false,
    strict: true
  })
  if (values.help) return 'help'
  const connection = readConnection(values, io)
  if (values.country !== undefined && !toCountryCode(values.country)) {
    throw new UsageError(`--country ${values.country} is not a country code (two letters, like KE or SN)`)
  }
  return {
    ...connection,
    country: values.country?.toUpperCase(),
    db: values.db ?? io.defaultDbPath,
    json: values.json
  }
}

export async function runSync(args: string[], io: CliIo): Promise<number> {
  const options = parseOrExit('sync', SYNC_USAGE, HELP, io, () => parseSyncArgs(args, io))
  if ('exit' in options) return options.exit

  let db: Db
  try {
    // A sync rewrites the roster anyway: reading every page first costs little and finds damage.
    const opened = openRosterDb(options.db, io, { create: 'any', verify: true })
    db = opened.db
    // Said, because a mistyped --db would otherwise quietly start a second roster.
    if (opened.created) io.stderr(`roster sync: created a new roster database at ${opened.path}\n`)
  } catch (error) {
    return reportError('sync', error, io, SYNC_USAGE)
  }
  let client: HqClient | undefined
  const bar = io.isTTY ? new ProgressBar(io, options.domain) : null
  const controller = new AbortController()
  const onInterrupt = (): void => controller.abort()
  process.once('SIGINT', onInterrupt)
  try {
    client = createHqClient({
      server: options.server,
      domain: options.domain,
      username: options.username,
      apiKey: options.apiKey,
      onWait: ({ until, reason }) => bar?.waiting(until, reason)
    })
    let { project } = ensureProject(db, {
      server: options.server,
      domain: options.domain,
      username: options.username,
      defaultCountry: options.country
    })
    if (options.country && options.country !== project.defaultCountry) {
      project = updateProject(db, project.id, { defaultCountry: options.country })
    }
    const run = await syncProject({
      db,
      project,
      client,
      signal: controller.signal,
      onProgress: (event) => bar?.update(event)
    })
    bar?.clear()
    if (run.outcome !== 'ok') {
      io.stderr(`roster sync: ${run.error ?? run.outcome}\n`)
      return EXIT.failure
    }
    // The follow-up the app runs after each sync: invited numbers that now belong to a worker, and
    // accounts Roster created that HQ now lists (pending ones found, confirmed ones registered).
    markRegistered(db, project.id, undefined, run.startedAt)
    // An ok run carries a warning when HQ refused one of the name lists (see syncProject).
    if (run.error) io.stderr(`roster sync: ${run.error}\n`)
    io.stdout(
      options.json ? `${JSON.stringify(summaryJson(run))}\n` : `${summaryText(options.domain, run)}\n`
    )
    return EXIT.ok
  } catch (error) {
    bar?.clear()
    return reportError('sync', error, io, SYNC_USAGE)
  } finally {
    process.off('SIGINT', onInterrupt)
    await client?.close()
    db.close()
  }
}

export function summaryJson(run: SyncRun) {
  return {
    workers: run.workers,
    archived: run.archived,
    groups: run.groups,
    locations: run.locations,
    added: run.added,
    updated: run.updated,
    removed: run.removed,
    duration_ms: run.durationMs ?? 0
  }
}

const count = (n: number): string => n.toLocaleString('en-US')

function summaryText(domain: string, run: SyncRun): string {
  const seconds = ((run.durationMs ?? 0) / 1000).toFixed(1)
  return (
    `Synced ${domain}: ${count(run.workers)} active and ${count(run.archived)} archived workers, ` +
    `${count(run.groups)} groups, ${count(run.locations)} locations; ` +
    `${count(run.added)} added, ${count(run.updated)} updated, ${count(run.removed)} removed (${seconds} s).`
  )
}

const PHASE_WORDS: Record<SyncProgress['phase'], string> = {
  groups: 'groups',
  locations: 'locations',
  applications: 'applications',
  active: 'active workers',
  archived: 'archived workers',
  sweep: 'finishing',
  done: 'done'
}

/** One redrawn line on a terminal's stderr. */
class ProgressBar {
  private waitUntil = 0

  constructor(
    private readonly io: CliIo,
    private readonly domain: string
  ) {}

  update(event: SyncProgress): void {
    const width = 24
    const fraction = event.total ? Math.min(1, event.done / event.total) : 0
    const filled = Math.round(fraction * width)
    const bar = event.total ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` : ''
    const amount = event.total ? `${count(event.done)}/${count(event.total)}` : count(event.done)
    const rate = event.ratePerSec ? `  ${count(Math.round(event.ratePerSec))}/s` : ''
    const eta = event.etaSeconds !== null ? `  ${event.etaSeconds} s left` : ''
    const wait =
      this.waitUntil > Date.now()
        ? `  HQ asked us to wait ${Math.ceil((this.waitUntil - Date.now()) / 1000)} s`
        : ''
    this.io.stderr(`\r\x1b[K${this.domain} ${PHASE_WORDS[event.phase]} ${bar}${amount}${rate}${eta}${wait}`)
  }

  waiting(until: number, reason: string): void {
    if (reason === 'rate-limited') this.waitUntil = until
  }

  clear(): void {
    this.io.stderr('\r\x1b[K')
  }
}
