import type Database from 'better-sqlite3'

/** One schema step. Steps are applied in order; PRAGMA user_version records how many ran. */
export interface Migration {
  name: string
  up: (db: Database.Database) => void
}

/**
 * Brings a database up to date. Each step runs in its own transaction together with the
 * user_version bump, so a crash mid-upgrade leaves the database at the previous version.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[]): number {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > migrations.length) {
    throw new Error(
      `This database was written by a newer Roster (schema ${current}, this version knows ${migrations.length}). Update Roster to open it.`
    )
  }
  for (let version = current; version < migrations.length; version++) {
    const step = migrations[version]!
    db.transaction(() => {
      step.up(db)
      db.pragma(`user_version = ${version + 1}`)
    })()
  }
  return migrations.length
}
