import type { Migration } from './migrate'
import { coreMigrations } from './schema'
import { channelMigrations, inviteMigrations } from '../invite/migrations'
import { fold } from './fold'

/**
 * Sort keys for the Groups column and for custom fields. sort_groups is the folded name of a
 * worker's first group (NULL without groups); worker_fields.sort_value the folded value (NULL
 * when empty). The expression indexes put the NULLs after every key, so "no group" comes last
 * in ascending order and a page is still an index walk.
 */
const SORT_KEYS_SCHEMA = /* sql */ `
ALTER TABLE workers ADD COLUMN sort_groups TEXT;
CREATE INDEX workers_groups_s ON workers (project, archived, (sort_groups IS NULL), sort_groups, id);
CREATE INDEX workers_groups ON workers (project, (sort_groups IS NULL), sort_groups, id);
ALTER TABLE worker_fields ADD COLUMN sort_value TEXT;
`

/** Fills the new sort keys of the workers a database already holds (fold() has no SQL twin). */
function backfillSortKeys(db: Parameters<Migration['up']>[0]): void {
  const firstGroups = db
    .prepare(
      `SELECT wg.worker_rid AS rid, COALESCE(g.name, wg.group_id) AS name
         FROM worker_groups wg LEFT JOIN groups g ON g.project = wg.project AND g.id = wg.group_id
        WHERE wg.position = 0`
    )
    .all() as { rid: number; name: string }[]
  const setGroup = db.prepare(`UPDATE workers SET sort_groups = ? WHERE rid = ?`)
  for (const row of firstGroups) setGroup.run(fold(row.name), row.rid)

  const fields = db.prepare(`SELECT worker_rid AS rid, key, value FROM worker_fields WHERE value <> ''`)
  const setValue = db.prepare(`UPDATE worker_fields SET sort_value = ? WHERE worker_rid = ? AND key = ?`)
  for (const row of fields.all() as { rid: number; key: string; value: string }[]) {
    setValue.run(fold(row.value), row.rid, row.key)
  }
}

/**
 * The start time of the process that sent a request. No longer written or read: reading another
 * process's start time took PowerShell on Windows, which endpoint security flags. The heartbeat
 * (HEARTBEAT_SCHEMA) replaced it; the column stays because steps are never rewritten.
 */
const SENDER_START_SCHEMA = /* sql */ `
ALTER TABLE invite_requests ADD COLUMN sender_started_at INTEGER;
`

/**
 * A custom field sort as index walks (see fieldSortRids in workerQueries). worker_fields carries
 * the worker's id (the sort's tie breaker) and archived flag, copied like the other child tables
 * carry theirs; a partial index holds the workers that have a value in sort order, and
 * workers_id_s the workers of a status in id order, for those without one.
 */
const FIELD_SORT_SCHEMA = /* sql */ `
ALTER TABLE worker_fields ADD COLUMN worker_id TEXT NOT NULL DEFAULT '';
ALTER TABLE worker_fields ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
UPDATE worker_fields SET (worker_id, archived) = (SELECT id, archived FROM workers WHERE rid = worker_rid);
CREATE INDEX worker_fields_sort ON worker_fields (project, key, sort_value, worker_id, archived)
  WHERE sort_value IS NOT NULL;
CREATE INDEX workers_id_s ON workers (project, archived, id);
`

/**
 * New indexes in a database that has statistics (PRAGMA optimize after a sync) get theirs now:
 * the planner takes an index without statistics for a very selective one, and would read a
 * name sort through workers_id_s and sort every row. optimize alone would not fill them, as the
 * tables were analysed before.
 */
function analyseNewIndexes(db: Parameters<Migration['up']>[0], tables: readonly string[]): void {
  const analysed = db
    .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'`)
    .get()
  if (analysed) for (const table of tables) db.exec(`ANALYZE ${table}`)
}

/**
 * When the sender of a request last said it was alive (ms since the epoch), written every few
 * seconds while the request is sending or waiting to retry. Recovery counts a request whose pid
 * is gone, or whose heartbeat is stale (a reused pid does not beat), as orphaned.
 */
const HEARTBEAT_SCHEMA = /* sql */ `
ALTER TABLE invite_requests ADD COLUMN heartbeat_at INTEGER;
`

/**
 * How often a project syncs by itself, in hours (NULL: only when the coordinator asks). Projects
 * saved before the setting existed get the default, twice a day, like new ones.
 */
const AUTO_SYNC_SCHEMA = /* sql */ `
ALTER TABLE projects ADD COLUMN auto_sync_hours INTEGER DEFAULT 12
  CHECK (auto_sync_hours IS NULL OR auto_sync_hours IN (1, 6, 12, 24));
`

/** A run cancelled because Roster closed, not by the coordinator: it holds no automatic sync back. */
const CLOSED_BY_APP_SCHEMA = /* sql */ `
ALTER TABLE sync_runs ADD COLUMN closed_by_app INTEGER NOT NULL DEFAULT 0;
`

/**
 * Sync runs say which process runs them (pid and host name), so a run whose process is gone on
 * this computer is closed at once instead of after a minute without heartbeat. Pages keep the
 * ids they held and the order they were read in: a resumed run checks them against what it
 * reads now (their overlaps) instead of trusting them.
 */
const SYNC_OWNER_SCHEMA = /* sql */ `
ALTER TABLE sync_runs ADD COLUMN pid INTEGER;
ALTER TABLE sync_runs ADD COLUMN host TEXT;
ALTER TABLE sync_pages ADD COLUMN ids TEXT;
ALTER TABLE sync_pages ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
`

/** Steps added after the first release of the core and the outbox, in the order they shipped. */
export const laterMigrations: readonly Migration[] = [
  {
    name: 'sort keys for groups and custom fields',
    up: (db) => {
      db.exec(SORT_KEYS_SCHEMA)
      backfillSortKeys(db)
    }
  },
  { name: 'invite: start time of the sending process', up: (db) => db.exec(SENDER_START_SCHEMA) },
  {
    name: 'custom field sort indexes',
    up: (db) => {
      db.exec(FIELD_SORT_SCHEMA)
      analyseNewIndexes(db, ['workers', 'worker_fields'])
    }
  },
  { name: 'invite: heartbeat of the sending process', up: (db) => db.exec(HEARTBEAT_SCHEMA) },
  { name: 'projects: automatic sync interval', up: (db) => db.exec(AUTO_SYNC_SCHEMA) },
  { name: 'sync runs: cancelled by closing Roster', up: (db) => db.exec(CLOSED_BY_APP_SCHEMA) },
  ...channelMigrations,
  { name: 'sync runs: owning process; pages: their ids', up: (db) => db.exec(SYNC_OWNER_SCHEMA) }
]

/** Every schema step in order. Append only: a step's position is its schema version. */
export const migrations: readonly Migration[] = [...coreMigrations, ...inviteMigrations, ...laterMigrations]
