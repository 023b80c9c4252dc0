import type { Migration } from './migrate'

/**
 * Step 1: projects, the worker mirror and its search index, groups/locations/applications,
 * and the sync journal.
 *
 * Workers carry an INTEGER PRIMARY KEY (`rid`) so the FTS index and the child tables can point
 * at a row with a stable integer (an implicit rowid may change on VACUUM); HQ's identity is
 * UNIQUE (project, id) and every write goes through that key. The worker family refers to a
 * project by its integer key (projects.pk): a text id would be repeated in every index entry.
 *
 * The sort_* columns hold folded text (lower case, diacritics removed) computed when a worker
 * is written, and each has an index per status filter, so a page of any sort order is an index
 * walk instead of a sort of 100,000 rows.
 */
const CORE_SCHEMA = /* sql */ `
CREATE TABLE projects (
  pk              INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  server          TEXT NOT NULL,
  domain          TEXT NOT NULL,
  username        TEXT NOT NULL,
  label           TEXT NOT NULL,
  default_country TEXT NOT NULL DEFAULT 'KE',
  app_id          TEXT,
  created_at      TEXT NOT NULL,
  -- Last sync generation handed out; every read of a worker list takes the next one.
  sync_gen        INTEGER NOT NULL DEFAULT 0,
  UNIQUE (server, domain, username)
);

-- The columns that filter and sort; kept narrow so the row lookups behind a search or an id
-- set stay in cache. What is only displayed lives in worker_docs.
CREATE TABLE workers (
  rid              INTEGER PRIMARY KEY,
  project          INTEGER NOT NULL REFERENCES projects(pk) ON DELETE CASCADE,
  id               TEXT NOT NULL,
  username         TEXT NOT NULL,
  name             TEXT NOT NULL,
  archived         INTEGER NOT NULL CHECK (archived IN (0, 1)),
  primary_location TEXT,
  hash             TEXT NOT NULL,
  seen_gen         INTEGER NOT NULL,
  sort_name        TEXT NOT NULL,
  sort_username    TEXT NOT NULL,
  sort_phone       TEXT,
  sort_location    TEXT,
  UNIQUE (project, id)
);
CREATE INDEX workers_name_s ON workers (project, archived, sort_name, id);
CREATE INDEX workers_name ON workers (project, sort_name, id);
CREATE INDEX workers_username_s ON workers (project, archived, sort_username, id);
CREATE INDEX workers_username ON workers (project, sort_username, id);
CREATE INDEX workers_phone_s ON workers (project, archived, sort_phone, id);
CREATE INDEX workers_phone ON workers (project, sort_phone, id);
CREATE INDEX workers_location_s ON workers (project, archived, sort_location, id);
CREATE INDEX workers_location ON workers (project, sort_location, id);

CREATE TABLE worker_docs (
  rid           INTEGER PRIMARY KEY REFERENCES workers(rid) ON DELETE CASCADE,
  first_name    TEXT NOT NULL,
  last_name     TEXT NOT NULL,
  email         TEXT NOT NULL,
  default_phone TEXT,
  phones        TEXT NOT NULL,              -- JSON list, E.164 where readable
  user_data     TEXT NOT NULL,              -- JSON object as HQ sent it
  raw           TEXT NOT NULL,              -- the whole worker object as HQ sent it
  updated_at    TEXT NOT NULL
);

-- project_id (text, like invite_numbers.project_id) so the invitation outbox can match numbers
-- with one index lookup.
CREATE TABLE worker_phones (
  worker_rid INTEGER NOT NULL REFERENCES workers(rid) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  project_id TEXT NOT NULL,
  raw        TEXT NOT NULL,            -- as HQ gave it
  digits     TEXT NOT NULL,            -- HQ's value without its non-digits
  e164       TEXT,                     -- NULL when the number could not be read
  PRIMARY KEY (worker_rid, position)
) WITHOUT ROWID;
CREATE INDEX worker_phones_digits ON worker_phones (project_id, digits);
CREATE INDEX worker_phones_e164 ON worker_phones (project_id, e164);

-- archived is copied from the worker (children are rewritten with it) so status filters and
-- facet counts read one index.
CREATE TABLE worker_groups (
  worker_rid INTEGER NOT NULL REFERENCES workers(rid) ON DELETE CASCADE,
  group_id   TEXT NOT NULL,
  project    INTEGER NOT NULL,
  archived   INTEGER NOT NULL,
  position   INTEGER NOT NULL,
  PRIMARY KEY (worker_rid, group_id)
) WITHOUT ROWID;
CREATE INDEX worker_groups_group ON worker_groups (project, group_id, archived, worker_rid);

-- A closure: the worker's own locations (position = HQ's order) and every ancestor of them
-- (position NULL), so "at or below a location" and per-location counts are one index range.
CREATE TABLE worker_locations (
  worker_rid  INTEGER NOT NULL REFERENCES workers(rid) ON DELETE CASCADE,
  location_id TEXT NOT NULL,
  project     INTEGER NOT NULL,
  archived    INTEGER NOT NULL,
  position    INTEGER,
  PRIMARY KEY (worker_rid, location_id)
) WITHOUT ROWID;
CREATE INDEX worker_locations_location ON worker_locations (project, location_id, archived, worker_rid);

-- Custom user data (HQ's commcare_* keys left out), one row per key, for filters and facets.
CREATE TABLE worker_fields (
  worker_rid INTEGER NOT NULL REFERENCES workers(rid) ON DELETE CASCADE,
  key        TEXT NOT NULL,
  project    INTEGER NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (worker_rid, key)
) WITHOUT ROWID;
CREATE INDEX worker_fields_kv ON worker_fields (project, key, value, worker_rid);

-- Contentless: the text lives in workers; the index only maps tokens to rids.
CREATE VIRTUAL TABLE worker_fts USING fts5 (
  name, username, email, phones, data,
  content = '',
  contentless_delete = 1,
  tokenize = "unicode61 remove_diacritics 2",
  prefix = '2 3'
);
CREATE TRIGGER workers_fts_delete AFTER DELETE ON workers BEGIN
  DELETE FROM worker_fts WHERE rowid = old.rid;
END;

CREATE TABLE groups (
  project    INTEGER NOT NULL REFERENCES projects(pk) ON DELETE CASCADE,
  id         TEXT NOT NULL,
  name       TEXT NOT NULL,
  PRIMARY KEY (project, id)
) WITHOUT ROWID;

CREATE TABLE locations (
  project    INTEGER NOT NULL REFERENCES projects(pk) ON DELETE CASCADE,
  id         TEXT NOT NULL,
  name       TEXT NOT NULL,
  site_code  TEXT,
  type       TEXT,
  parent_id  TEXT,
  PRIMARY KEY (project, id)
) WITHOUT ROWID;
CREATE INDEX locations_parent ON locations (project, parent_id);

CREATE TABLE applications (
  project    INTEGER NOT NULL REFERENCES projects(pk) ON DELETE CASCADE,
  id         TEXT NOT NULL,
  name       TEXT NOT NULL,
  PRIMARY KEY (project, id)
) WITHOUT ROWID;

CREATE TABLE sync_runs (
  id           INTEGER PRIMARY KEY,
  project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  -- The seen markers of the active and the archived list (each list read has its own, so a
  -- worker only one read saw can be told apart).
  generation   INTEGER NOT NULL,
  archived_generation INTEGER NOT NULL,
  resumed_from INTEGER REFERENCES sync_runs(id) ON DELETE SET NULL,
  started_at   TEXT NOT NULL,
  ended_at     TEXT,
  heartbeat_at TEXT NOT NULL,
  outcome      TEXT NOT NULL CHECK (outcome IN ('running', 'ok', 'failed', 'cancelled')),
  phase        TEXT NOT NULL,
  -- 0 once the run is known to be unsafe to resume from (its pass did not add up).
  resumable    INTEGER NOT NULL DEFAULT 1,
  workers      INTEGER NOT NULL DEFAULT 0,
  archived     INTEGER NOT NULL DEFAULT 0,
  groups       INTEGER NOT NULL DEFAULT 0,
  locations    INTEGER NOT NULL DEFAULT 0,
  added        INTEGER NOT NULL DEFAULT 0,
  updated      INTEGER NOT NULL DEFAULT 0,
  removed      INTEGER NOT NULL DEFAULT 0,
  duration_ms  INTEGER,
  error        TEXT
);
CREATE INDEX sync_runs_project ON sync_runs (project_id, id);

-- Pages of a run's worker passes that are written: a resumed run skips them.
CREATE TABLE sync_pages (
  run_id      INTEGER NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
  pass        TEXT NOT NULL CHECK (pass IN ('active', 'archived')),
  offset      INTEGER NOT NULL,
  page_limit  INTEGER NOT NULL,
  total_count INTEGER NOT NULL,
  rows        INTEGER NOT NULL,
  PRIMARY KEY (run_id, pass, offset)
) WITHOUT ROWID;
`

export const coreMigrations: readonly Migration[] = [
  {
    name: 'core: projects, workers, search, groups, locations, applications, sync journal',
    up: (db) => db.exec(CORE_SCHEMA)
  }
]
