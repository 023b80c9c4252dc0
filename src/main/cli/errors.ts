/**
 * Which exit code an exception means. A failure is something in the world (HQ, the network, the
 * file, the database, the outbox's rules) and exits 1; anything else is a bug in Roster and
 * exits 3, so a script never reads a crash as "the rows have errors".
 */
import { ApiError } from '../../shared/api'
import { isHqError } from '../hq/errors'
import { isDatabaseBusy, DATABASE_BUSY_MESSAGE } from '../invite'
import { IncompleteListError, SyncBusyError } from '../sync/errors'
import { EXIT, Failure, messageOf, UsageError } from './io'

export type ErrorKind = 'usage' | 'failure' | 'internal'

export function classifyError(error: unknown): ErrorKind {
  if (error instanceof UsageError) return 'usage'
  if (error instanceof Failure || error instanceof ApiError || isHqError(error)) return 'failure'
  // Another sync holds the project, or HQ's list kept changing: the world, with its own words.
  if (error instanceof SyncBusyError || error instanceof IncompleteListError) return 'failure'
  // better-sqlite3's SqliteError (disk full, read-only, corrupt file, busy) and Node's system
  // errors (ENOENT, EACCES, ENOSPC...) come from the machine, not from a mistake in the code.
  const code = (error as { code?: unknown } | null | undefined)?.code
  if (error instanceof Error && typeof code === 'string' && /^(SQLITE_|E[A-Z]+$)/.test(code)) {
    return 'failure'
  }
  return 'internal'
}

/** The exception as one line: multi-line messages (a stack, HQ's text) are folded. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim()
}

/** The one line an internal error prints (after "roster <command>: "). */
export function internalErrorLine(error: unknown): string {
  const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : ''
  return (
    `internal error (a bug in Roster, exit code 3): ${name}${oneLine(messageOf(error))}; ` +
    'please report it with the command you ran'
  )
}

/**
 * Prints what went wrong, as one line (a usage error also gets the usage text), and returns the
 * exit code. `usage` is the command's usage line.
 */
export function reportError(
  command: string,
  error: unknown,
  io: { stderr(s: string): void },
  usage?: string
): number {
  const prefix = `roster ${command}: `
  switch (classifyError(error)) {
    case 'usage':
      io.stderr(`${prefix}${messageOf(error)}\n${usage ? `${usage}\n` : ''}`)
      return EXIT.usage
    case 'failure': {
      const why = isDatabaseBusy(error)
        ? `${DATABASE_BUSY_MESSAGE}; try again in a moment`
        : machineWords(error)
      io.stderr(`${prefix}${why}\n`)
      return EXIT.failure
    }
    case 'internal':
      io.stderr(`${prefix}${internalErrorLine(error)}\n`)
      return EXIT.internal
  }
}

/** SQLite's words for a full disk or a file it may not write, said as what to do. */
function machineWords(error: unknown): string {
  const code = (error as { code?: unknown } | null | undefined)?.code
  if (code === 'SQLITE_FULL') {
    return 'the disk is full (SQLite: database or disk is full); nothing was half-written and what was stored before is unchanged: free some space and run the command again'
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_READONLY')) {
    return 'the database file is read-only, so nothing was changed: check that you may write to it and its folder (or give another with --db)'
  }
  return messageOf(error)
}
