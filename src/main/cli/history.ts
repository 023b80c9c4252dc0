/**
 * `roster history`: the invitation batches in the database, newest first, with their counts.
 * Exit codes: 0 listed (even if empty), 1 failure, 2 usage.
 */
import type { BatchSummary } from '../../shared/invite'
import type { Db } from '../db/open'
import { listProjects, type ProjectRecord } from '../db/projects'
import { DATABASE_BUSY_MESSAGE, isDatabaseBusy, listBatches, recoverOutbox } from '../invite'
import { messageOf, parseCommandLine, parseOrExit, type CliIo } from './io'
import { matchProjects, openRosterDb } from './project'

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
    ;({ db } = openRosterDb(values.db, io))
    // A send killed earlier shows as unknown here rather than as forever "sending".
    recoverOutbox(db)
    // Every project's batches, or those of the projects --domain names.
    const projects = matchProjects(listProjects(db), { domain: values.domain })
    if (values.domain !== undefined && projects.length === 0) {
      io.stderr(`roster history: no saved project named "${values.domain}"\n`)
      return 1
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
      io.stdout(formatTable(batches, projects.length > 1))
    }
    return 0
  } catch (error) {
    const why = isDatabaseBusy(error) ? `${DATABASE_BUSY_MESSAGE}; try again in a moment` : messageOf(error)
    io.stderr(`roster history: ${why}\n`)
    return 1
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

function formatTable(rows: { project: ProjectRecord; batch: BatchSummary }[], withProject: boolean): string {
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
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? '').length)))
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  const notes = rows
    .filter(({ batch }) => batch.error)
    .map(({ batch }) => `Batch ${batch.id}: ${batch.error}`)
  return [line(head), ...body.map(line), ...(notes.length > 0 ? ['', ...notes] : [])].join('\n') + '\n'
}
