/**
 * `roster resolve --batch N --unknown resend|failed`: the coordinator's decision about the numbers
 * of a batch whose outcome is unknown (HQ may or may not have invited them). `resend` queues them
 * again for `roster send` (HQ expires any link it did send); `failed` gives them up. Needs no
 * network. Exit codes: 0 decided (or nothing to decide), 1 failure, 2 usage, 3 a bug.
 */
import type { Db } from '../db/open'
import { DATABASE_BUSY_MESSAGE, getBatch, isDatabaseBusy, recoverOutbox, resolveUnknown } from '../invite'
import { findBatch, parseBatchId } from './batchArg'
import { reportError } from './errors'
import { EXIT, parseCommandLine, parseOrExit, UsageError, type CliIo } from './io'
import { askYesNo } from './prompt'
import { openRosterDb } from './project'

export const RESOLVE_USAGE =
  'usage: roster resolve --batch N --unknown resend|failed [--yes] [--db PATH]\n' +
  '       For the numbers of batch N whose outcome is unknown: resend queues them again (then run\n' +
  '       roster send --batch N; HQ expires any link it did send), failed gives them up.'

export type ResolveIo = CliIo & { confirm?: (question: string) => Promise<boolean> }

interface ResolveArgs {
  batchId: number
  action: 'resend' | 'mark-failed'
  yes: boolean
  db?: string
}

function parse(args: string[]): ResolveArgs | 'help' {
  if (args.includes('--help') || args.includes('-h')) return 'help'
  const { values: v } = parseCommandLine({
    args,
    allowPositionals: false,
    strict: true,
    options: {
      batch: { type: 'string' },
      unknown: { type: 'string' },
      yes: { type: 'boolean', short: 'y', default: false },
      db: { type: 'string' }
    }
  })
  const batchId = parseBatchId(v.batch)
  const choice = v.unknown?.trim().toLowerCase()
  if (choice !== 'resend' && choice !== 'failed') {
    throw new UsageError(
      v.unknown === undefined
        ? 'say what to do with the unknown numbers: --unknown resend or --unknown failed'
        : `--unknown ${v.unknown}: use resend or failed`
    )
  }
  return {
    batchId,
    action: choice === 'resend' ? 'resend' : 'mark-failed',
    yes: v.yes ?? false,
    ...(v.db !== undefined ? { db: v.db } : {})
  }
}

export async function runResolve(args: string[], io: ResolveIo): Promise<number> {
  const options = parseOrExit('resolve', RESOLVE_USAGE, `${RESOLVE_USAGE}\n`, io, () => parse(args))
  if ('exit' in options) return options.exit
  let db: Db | undefined
  try {
    if (!options.yes && !io.isTTY && !io.confirm) throw new UsageError('add --yes to decide without asking')
    db = openRosterDb(options.db, io).db
    // A send killed earlier: its request on the way becomes unknown here, so it can be decided.
    recoverOutbox(db)
    const { batch } = findBatch(db, options.batchId)
    const unknown = getBatch(db, batch.id, { status: 'unknown' }).numbers
    if (unknown.length === 0) {
      io.stdout(`Batch ${batch.id} has no number whose outcome is unknown; nothing was changed.\n`)
      return EXIT.ok
    }
    const n = unknown.length
    const them = `${n} number${n === 1 ? '' : 's'}`
    if (!options.yes) {
      const question =
        options.action === 'resend'
          ? `Queue ${them} of batch ${batch.id} to send again? A number HQ did invite gets a second SMS and its first link stops working. [y/N] `
          : `Mark ${them} of batch ${batch.id} as failed? If HQ did invite them, their link still works. [y/N] `
      if (!(await ask(io, question))) {
        io.stderr('Nothing was changed.\n')
        return EXIT.failure
      }
    }
    const changed = resolveUnknown(
      db,
      batch.id,
      unknown.map((u) => u.id),
      options.action
    )
    const done = `${changed} number${changed === 1 ? '' : 's'}`
    io.stdout(
      options.action === 'resend'
        ? `Batch ${batch.id}: ${done} queued to send again; roster send --batch ${batch.id} sends them.\n`
        : `Batch ${batch.id}: ${done} marked as failed.\n`
    )
    return EXIT.ok
  } catch (error) {
    if (isDatabaseBusy(error)) {
      io.stderr(`roster resolve: ${DATABASE_BUSY_MESSAGE}; nothing was changed, try again in a moment\n`)
      return EXIT.failure
    }
    return reportError('resolve', error, io, RESOLVE_USAGE)
  } finally {
    db?.close()
  }
}

async function ask(io: ResolveIo, question: string): Promise<boolean> {
  if (io.confirm) return io.confirm(question)
  return askYesNo(question)
}
