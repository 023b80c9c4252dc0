import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { migrate } from './migrate'
import { migrations } from './migrations'

export type Db = Database.Database

/**
 * Opens (creating if needed) the Roster database and brings its schema up to date.
 * WAL lets the UI keep reading the last good roster while a sync writes pages; the busy
 * timeout covers the CLI and the app writing to the same file at once.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true })
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
  } catch (error) {
    db.close()
    throw error
  }
  return db
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
