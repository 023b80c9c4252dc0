import type { Migration } from '../db/migrate'

/**
 * The invitation outbox. Every number is written here before anything is sent, and every
 * change of state is one transaction, so a crash leaves a row that says exactly how far it got:
 * queued (never left this computer), sending (may have reached HQ), or a final answer.
 *
 * invite_numbers.project_id repeats the batch's project so "was this number invited before?"
 * and the registration follow-up are one index lookup.
 */
const OUTBOX_SCHEMA = /* sql */ `
CREATE TABLE invite_batches (
  id            INTEGER PRIMARY KEY,
  project_id    TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  app_id        TEXT NOT NULL,
  android_only  INTEGER NOT NULL CHECK (android_only IN (0, 1)),
  require_email INTEGER NOT NULL CHECK (require_email IN (0, 1)),
  -- NULL: HQ's default message.
  message       TEXT,
  reinvite      INTEGER NOT NULL DEFAULT 0 CHECK (reinvite IN (0, 1)),
  state         TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'done', 'stopped', 'needs-attention')),
  -- Why the batch stopped or needs attention, in the coordinator's words.
  error         TEXT
);
CREATE INDEX invite_batches_project ON invite_batches (project_id, id);

-- One POST to HQ (or one attempt at it). sender_pid lets startup recovery tell a request whose
-- process died from one another process is still sending.
CREATE TABLE invite_requests (
  id          INTEGER PRIMARY KEY,
  batch_id    INTEGER NOT NULL REFERENCES invite_batches(id) ON DELETE CASCADE,
  state       TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'done', 'failed', 'unknown')),
  size        INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  sender_pid  INTEGER,
  created_at  TEXT NOT NULL,
  started_at  TEXT,
  finished_at TEXT,
  error       TEXT
);
CREATE INDEX invite_requests_batch ON invite_requests (batch_id, state);
CREATE INDEX invite_requests_state ON invite_requests (state);

CREATE TABLE invite_numbers (
  id                   INTEGER PRIMARY KEY,
  batch_id             INTEGER NOT NULL REFERENCES invite_batches(id) ON DELETE CASCADE,
  project_id           TEXT NOT NULL,
  row                  INTEGER NOT NULL,
  e164                 TEXT NOT NULL,
  digits               TEXT NOT NULL,
  custom_user_data     TEXT NOT NULL DEFAULT '{}',
  status               TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'success', 'invalid_format', 'in_use', 'failed', 'unknown')),
  reason               TEXT,
  request_id           INTEGER REFERENCES invite_requests(id) ON DELETE SET NULL,
  updated_at           TEXT NOT NULL,
  registered_worker_id TEXT,
  registered_at        TEXT,
  -- HQ rejects a whole request over one repeated number: one batch never holds a number twice.
  UNIQUE (batch_id, digits)
);
CREATE INDEX invite_numbers_batch_status ON invite_numbers (batch_id, status);
CREATE INDEX invite_numbers_project_digits ON invite_numbers (project_id, digits);
CREATE INDEX invite_numbers_request ON invite_numbers (request_id);
CREATE INDEX invite_numbers_pending_followup ON invite_numbers (project_id, status, registered_worker_id);
`

export const inviteMigrations: readonly Migration[] = [
  { name: 'invite: outbox batches, requests and numbers', up: (db) => db.exec(OUTBOX_SCHEMA) }
]

/**
 * Invitation channels (../../../shared/hq-api.md): a batch says which channel it went through,
 * and for channels 2 and 3 the accounts it creates (username, e-mail, names, HQ's id). Two
 * outcomes join: `pending` (HQ took the upload, the account has not appeared yet) and `refused`
 * (HQ did not create the account). SQLite cannot change a CHECK constraint, so invite_numbers is
 * rebuilt; nothing references it.
 */
const CHANNELS_SCHEMA = /* sql */ `
ALTER TABLE projects ADD COLUMN channel TEXT NOT NULL DEFAULT 'auto'
  CHECK (channel IN ('auto', 'sms-registration', 'sms-confirmation', 'email-confirmation'));
ALTER TABLE projects ADD COLUMN channel_probe TEXT;
ALTER TABLE projects ADD COLUMN username_template TEXT NOT NULL DEFAULT '{first}.{last}';

ALTER TABLE invite_batches ADD COLUMN channel TEXT NOT NULL DEFAULT 'sms-registration'
  CHECK (channel IN ('sms-registration', 'sms-confirmation', 'email-confirmation'));
ALTER TABLE invite_batches ADD COLUMN location_id TEXT;
ALTER TABLE invite_batches ADD COLUMN group_id TEXT;

CREATE TABLE invite_numbers_v2 (
  id                   INTEGER PRIMARY KEY,
  batch_id             INTEGER NOT NULL REFERENCES invite_batches(id) ON DELETE CASCADE,
  project_id           TEXT NOT NULL,
  row                  INTEGER NOT NULL,
  e164                 TEXT NOT NULL,
  digits               TEXT NOT NULL,
  custom_user_data     TEXT NOT NULL DEFAULT '{}',
  status               TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'success', 'invalid_format', 'in_use', 'failed', 'unknown', 'pending', 'refused')),
  reason               TEXT,
  request_id           INTEGER REFERENCES invite_requests(id) ON DELETE SET NULL,
  updated_at           TEXT NOT NULL,
  registered_worker_id TEXT,
  registered_at        TEXT,
  -- Channels 2 and 3: the account's username before the @, and as HQ lists it (full, lower case).
  username             TEXT,
  hq_username          TEXT,
  email                TEXT,
  first_name           TEXT,
  last_name            TEXT,
  -- Channel 3: the id HQ gave the account.
  hq_user_id           TEXT,
  -- How many requests carried the number (a repeat after an unknown outcome reads HQ's answer differently).
  attempts             INTEGER NOT NULL DEFAULT 0,
  UNIQUE (batch_id, digits)
);
INSERT INTO invite_numbers_v2 (id, batch_id, project_id, row, e164, digits, custom_user_data, status, reason,
  request_id, updated_at, registered_worker_id, registered_at, attempts)
SELECT id, batch_id, project_id, row, e164, digits, custom_user_data, status, reason,
  request_id, updated_at, registered_worker_id, registered_at, CASE WHEN request_id IS NULL THEN 0 ELSE 1 END
FROM invite_numbers;
DROP TABLE invite_numbers;
ALTER TABLE invite_numbers_v2 RENAME TO invite_numbers;
CREATE INDEX invite_numbers_batch_status ON invite_numbers (batch_id, status);
CREATE INDEX invite_numbers_project_digits ON invite_numbers (project_id, digits);
CREATE INDEX invite_numbers_request ON invite_numbers (request_id);
CREATE INDEX invite_numbers_pending_followup ON invite_numbers (project_id, status, registered_worker_id);
CREATE INDEX invite_numbers_project_username ON invite_numbers (project_id, hq_username);

-- Channels 2 and 3 find the accounts they created by username.
CREATE INDEX workers_username_exact ON workers (project, username);
`

export const channelMigrations: readonly Migration[] = [
  { name: 'invite: channels, accounts and their outcomes', up: (db) => db.exec(CHANNELS_SCHEMA) }
]
