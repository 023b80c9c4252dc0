import Database from 'better-sqlite3'
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { ensurePrivateDir, isDefaultDataDir, makeFilesPrivate, PRIVATE_FILE_MODE } from '../paths'
import { migrate } from './migrate'
import { migrations } from './migrations'

export type Db = Database.Database

/**
 * Opens (creating if needed) the Roster database and brings its schema up to date.
 * WAL lets the UI keep reading the last good roster while a sync writes pages; the busy
 * timeout covers the CLI and the app writing to the same file at once.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  const onDisk = path !== ':memory:' && !path.startsWith('file:')
  if (onDisk) {
    // Names and numbers of people: private to the user (../paths), the app's folder included.
    ensurePrivateDir(dirname(path), { tighten: isDefaultDataDir(dirname(path)) })
  }
  const unusable = onDisk ? inspectFile(path, options.verify ?? false) : null
  const aside = unusable ? moveAside(path, unusable) : null
  // SQLite creates the -wal and -shm with the database file's mode, so a new file starts 0600.
  if (onDisk && !existsSync(path)) createPrivately(path)
  const db = new Database(path)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    // Room for the worker indexes while a sync writes 100,000 rows (the default is 2 MB); 64 MB.
    db.pragma('cache_size = -65536')
    // Keeps the PRAGMA optimize run after each sync quick on large tables.
    db.pragma('analysis_limit = 1000')
    migrate(db, migrations)
    if (onDisk) makeFilesPrivate([path, `${path}-wal`, `${path}-shm`])
    if (aside) {
      const kept = aside.why === 'corrupt' ? salvageHistory(db, aside.movedTo) : null
      options.onMovedAside?.({ ...aside, keptHistory: kept, message: movedAsideMessage(aside, kept) })
    }
  } catch (error) {
    db.close()
    throw error
  }
  return db
}

/** An empty file with the private mode; another process creating it first is fine. */
function createPrivately(path: string): void {
  try {
    writeFileSync(path, '', { mode: PRIVATE_FILE_MODE, flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
}

export interface OpenOptions {
  /**
   * Read every page before trusting the file (PRAGMA quick_check): for a sync, which rewrites the
   * roster anyway. Without it only the header and the schema are read, which is instant.
   */
  verify?: boolean
  /** Told when the file was not a usable Roster database and a new one was started in its place. */
  onMovedAside?: (report: MovedAside) => void
}

export interface MovedAside {
  path: string
  /** Where the old file is now, untouched (its -wal next to it). */
  movedTo: string
  /** corrupt: SQLite cannot read it; foreign: a database of something else, not Roster's. */
  why: 'corrupt' | 'foreign'
  /** Whether the projects and invitation history were copied over; null: not tried (foreign). */
  keptHistory: boolean | null
  message: string
}

/** The tables worth saving from a damaged file: what no sync can fetch again. */
const HISTORY_TABLES = ['projects', 'invite_batches', 'invite_requests', 'invite_numbers'] as const

/**
 * Why the file cannot be Roster's database, or null when it can (or does not exist yet). A file
 * from a newer Roster is not unusable: migrate() refuses it with its own message, keeping it.
 */
function inspectFile(path: string, verify: boolean): MovedAside['why'] | null {
  if (!existsSync(path) || statSync(path).size === 0) return null
  let probe: Database.Database | undefined
  try {
    probe = new Database(path, { fileMustExist: true })
    const version = probe.pragma('user_version', { simple: true }) as number
    const tables = probe
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
      .pluck()
      .all() as string[]
    // Roster writes user_version with its first table: tables without it are another program's.
    if (version === 0 && tables.length > 0) return 'foreign'
    if (version > 0 && !tables.includes('projects')) return 'foreign'
    if (verify && probe.pragma('quick_check(1)', { simple: true }) !== 'ok') return 'corrupt'
    return null
  } catch (error) {
    const code = (error as { code?: string }).code ?? ''
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return 'corrupt'
    throw error
  } finally {
    probe?.close()
  }
}

/** Renames the file (and its WAL) out of the way; nothing is deleted but the shared-memory index. */
function moveAside(path: string, why: MovedAside['why']): Omit<MovedAside, 'keptHistory' | 'message'> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const movedTo = `${path}.${why}-${stamp}`
  renameSync(path, movedTo)
  if (existsSync(`${path}-wal`)) renameSync(`${path}-wal`, `${movedTo}-wal`)
  rmSync(`${path}-shm`, { force: true })
  return { path, movedTo, why }
}

/**
 * Copies the saved projects and the invitation history from the damaged file into the new one,
 * all or nothing, column by column as both files have them. False when they cannot be read.
 */
function salvageHistory(db: Db, from: string): boolean {
  try {
    db.prepare('ATTACH DATABASE ? AS damaged').run(from)
  } catch {
    return false
  }
  try {
    db.transaction(() => {
      for (const table of HISTORY_TABLES) {
        const columnsOf = (schema: string): string[] =>
          db.prepare(`SELECT name FROM pragma_table_info(?, ?)`).pluck().all(table, schema) as string[]
        const old = new Set(columnsOf('damaged'))
        const shared = columnsOf('main').filter((c) => old.has(c))
        if (shared.length === 0) continue
        const list = shared.map((c) => `"${c}"`).join(', ')
        db.exec(`INSERT INTO main.${table} (${list}) SELECT ${list} FROM damaged.${table}`)
      }
    })()
    return true
  } catch {
    return false
  } finally {
    db.exec('DETACH DATABASE damaged')
  }
}

function movedAsideMessage(aside: Omit<MovedAside, 'keptHistory' | 'message'>, kept: boolean | null): string {
  const what =
    aside.why === 'corrupt'
      ? `The database ${aside.path} was damaged and could not be read`
      : `The file ${aside.path} is not a Roster database (another program's?)`
  const history =
    kept === true
      ? ' The saved projects and the invitation history were copied from it.'
      : kept === false
        ? ' The invitation history could not be read from it.'
        : ''
  return (
    `${what}: it was moved aside to ${aside.movedTo}, untouched, and a new database was started.` +
    `${history} Sync to download the roster again.`
  )
}

const statementCache = new WeakMap<Db, Map<string, Database.Statement>>()

/** A prepared statement for this SQL, prepared once per connection and reused. */
export function stmt<BindParameters extends unknown[] | object = unknown[], Result = unknown>(
  db: Db,
  sql: string
): Database.Statement<BindParameters, Result> {
  let cache = statementCache.get(db)
  if (!cache) {
    cache = new Map()
    statementCache.set(db, cache)
  }
  let statement = cache.get(sql)
  if (!statement) {
    statement = db.prepare(sql)
    cache.set(sql, statement)
  }
  return statement as unknown as Database.Statement<BindParameters, Result>
}
