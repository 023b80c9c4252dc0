import type Database from 'better-sqlite3'
import { abortableSleep } from '../hq/clock'

/**
 * Writing to a database another program may be holding. The app and the `roster` command share
 * one file, and one write can hold it for a long time (`roster sync` reindexing 100,000 workers
 * in one transaction takes about 25 s), far longer than the connection's 5 s busy timeout.
 */

/** SQLite could not get the lock it needed because another connection holds it ("database is locked"). */
export function isDatabaseBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY')
}

/** Why the database stayed locked, in a coordinator's words (after "roster <command>: "). */
export const DATABASE_BUSY_MESSAGE =
  'another Roster (the app, or a roster command such as sync) is writing to the database'

/**
 * Runs a synchronous write with this busy timeout instead of the connection's. The pragma is
 * connection-wide, but better-sqlite3 runs the write to completion on this thread between
 * setting and restoring it, so nothing else can use the connection meanwhile.
 */
export function withBusyTimeout<T>(db: Database.Database, ms: number, write: () => T): T {
  const before = db.pragma('busy_timeout', { simple: true }) as number
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(ms))}`)
  try {
    return write()
  } finally {
    db.pragma(`busy_timeout = ${before}`)
  }
}

/** How long one try may keep this thread (the app's main thread) waiting for the lock. */
export const TRY_BUSY_MS = 100
const FIRST_PAUSE_MS = 50
/** Pauses between tries grow to this and stay there: short enough to follow a lock closely. */
export const MAX_PAUSE_MS = 1000

export type WriteResult<T> =
  | { written: true; value: T }
  /** closed: this process closed the database (it is quitting); aborted: `signal` said to stop waiting. */
  | { written: false; why: 'closed' | 'aborted' }

export interface WriteWhenFreeOptions {
  /** Stops waiting: only for writes that can be given up (nothing HQ said is in them). */
  signal?: AbortSignal
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/**
 * Tries `write` (one transaction) until the database lets it through, waiting between tries
 * without holding this thread, for as long as the lock lasts: what the write records is kept in
 * memory meanwhile. Gives up only when the connection is closed (the process is stopping) or
 * `signal` aborts. Any error other than a busy database is thrown as is.
 */
export async function writeWhenFree<T>(
  db: Database.Database,
  write: () => T,
  opts: WriteWhenFreeOptions = {}
): Promise<WriteResult<T>> {
  const sleep = opts.sleep ?? abortableSleep
  for (let tries = 0; ; tries++) {
    if (!db.open) return { written: false, why: 'closed' }
    if (opts.signal?.aborted) return { written: false, why: 'aborted' }
    try {
      return { written: true, value: withBusyTimeout(db, TRY_BUSY_MS, write) }
    } catch (error) {
      if (!isDatabaseBusy(error)) throw error
    }
    try {
      await sleep(Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** Math.min(tries, 10)), opts.signal)
    } catch {
      return { written: false, why: 'aborted' }
    }
  }
}

/** One try that never waits for the lock: false when another connection holds it. */
export function writeIfFree(db: Database.Database, write: () => void): boolean {
  if (!db.open) return false
  try {
    withBusyTimeout(db, 0, write)
    return true
  } catch (error) {
    if (isDatabaseBusy(error)) return false
    throw error
  }
}
