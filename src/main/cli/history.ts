/**
 * `roster history`: the invitation batches in the database, newest first, with their counts.
 * Exit codes: 0 listed (even if empty), 1 failure, 2 usage (also an unknown --domain or --db), 3 a bug.
 */
import type { BatchSummary } from '../../shared/invite'
import type { Db } from '../db/open'
import { listProjects, type ProjectRecord } from '../db/projects'
import { listBatches, recoverOutbox } from '../invite'
import { reportError } from './errors'
import { EXIT, Failure, parseCommandLine, parseOrExit, type CliIo } from './io'
import { matchProjects, noSuchProject, openRosterDb } from './project'
import { formatTable } from './table'

export const HISTORY_USAGE = 'usage: roster history [--domain D] [--json] [--db PATH]'

/** One batch in the --json output. */
export interface HistoryJsonRow {
  batch_id: number
  created_at: string
  app_id: string
  android_only: boolean
  require_email: boolean
  state: BatchSummary['state']
  total: number
  success: number
  invalid_format: number
  in_use: number
  failed: number
  unknown: number
  registered: number
}

export async function runHistory(args: string[], io: CliIo): Promise<number> {
  // --help wins over any mistake in the other arguments.
  const help = args.includes('--help') || args.includes('-h')
  const values = parseOrExit('history', HISTORY_USAGE, `${HISTORY_USAGE}\n`, io, () =>
    help
      ? 'help'
      : parseCommandLine({
          args,
          allowPositionals: false,
          strict: true,
          options: {
            domain: { type: 'string' },
            json: { type: 'boolean', default: false },
            db: { type: 'string' }
          }
        }).values
  )
  if ('exit' in values) return values.exit

  let db: Db | undefined
  try {
    const opened = openRosterDb(values.db, io)
    db = opened.db
    // A send killed earlier shows as unknown here rather than as forever "sending".
    recoverOutbox(db)
    // Every project's batches, or those of the projects --domain names.
    const all = listProjects(db)
    const projects = matchProjects(all, { domain: values.domain })
    if (values.domain !== undefined && projects.length === 0) {
      if (all.length === 0)
        throw new Failure(`no project has been synced into ${opened.path} yet; run roster sync first`)
      throw noSuchProject(all, { domain: values.domain })
    }
    const batches = projects
      .flatMap((project) => listBatches(db!, project.id).map((batch) => ({ project, batch })))
      .sort((a, b) => b.batch.createdAt.localeCompare(a.batch.createdAt) || b.batch.id - a.batch.id)

    if (values.json) {
      io.stdout(
        `${JSON.stringify(
          batches.map(({ batch }) => toJson(batch)),
          null,
          2
        )}\n`
      )
    } else {
      io.stdout(batchTable(batches, projects.length > 1))
    }
    return EXIT.ok
  } catch (error) {
    return reportError('history', error, io, HISTORY_USAGE)
  } finally {
    db?.close()
  }
}

function toJson(b: BatchSummary): HistoryJsonRow {
  return {
    batch_id: b.id,
    created_at: b.createdAt,
    app_id: b.appId,
    android_only: b.androidOnly,
    require_email: b.requireEmail,
    state: b.state,
    total: b.total,
    success: b.counts.success,
    invalid_format: b.counts.invalid_format,
    in_use: b.counts.in_use,
    failed: b.counts.failed,
    unknown: b.counts.unknown,
    registered: b.counts.registered
  }
}

function batchTable(rows: { project: ProjectRecord; batch: BatchSummary }[], withProject: boolean): string {
  if (rows.length === 0) return 'No invitations yet.\n'
  const head = [
    'Batch',
    'Created',
    ...(withProject ? ['Project'] : []),
    'App',
    'State',
    'Total',
    'Invited',
    'In use',
    'Invalid',
    'Failed',
    'Unknown',
    'Registered',
    'Waiting'
  ]
  const body = rows.map(({ project, batch: b }) => [
    String(b.id),
    b.createdAt.slice(0, 16).replace('T', ' '),
    ...(withProject ? [project.domain] : []),
    b.appName ?? b.appId,
    b.state,
    String(b.total),
    String(b.counts.success),
    String(b.counts.in_use),
    String(b.counts.invalid_format),
    String(b.counts.failed),
    String(b.counts.unknown),
    String(b.counts.registered),
    String(b.counts.queued + b.counts.sending)
  ])
  const notes = rows
    .filter(({ batch }) => batch.error)
    .map(({ batch }) => `Batch ${batch.id}: ${batch.error}`)
  return formatTable(head, body) + (notes.length > 0 ? `\n${notes.join('\n')}\n` : '')
}
