import { randomBytes } from 'node:crypto'
import { ChannelProbeSchema, type ChannelChoice, type ChannelProbe } from '../../shared/channels'
import { DEFAULT_AUTO_SYNC_HOURS, type AutoSyncHours, type Project } from '../../shared/domain'
import { stmt, type Db } from './open'
import { lastGoodRun, lastRun } from './syncRuns'
import { reindexWorkers } from './workers'
export { projectKey, requireProjectKey } from './projectKey'

/** A saved project as stored. No secrets: API keys are kept elsewhere, encrypted. */
export interface ProjectRecord {
  /** The integer key the worker tables use. */
  pk: number
  id: string
  server: string
  domain: string
  username: string
  label: string
  defaultCountry: string
  appId: string | null
  /** Hours between automatic syncs; null: only when the coordinator asks. */
  autoSyncHours: AutoSyncHours | null
  /** How invitations go out: a channel, or auto (what the stored probe says the server offers). */
  channel: ChannelChoice
  /** What the last connection test found the server offers; null before the first. */
  channelProbe: ChannelProbe | null
  usernameTemplate: string
  createdAt: string
}

export const DEFAULT_USERNAME_TEMPLATE = '{first}.{last}'

export interface NewProject {
  server: string
  domain: string
  username: string
  label?: string | undefined
  defaultCountry?: string | undefined
  appId?: string | null | undefined
  autoSyncHours?: AutoSyncHours | null | undefined
}

interface ProjectSqlRow {
  pk: number
  id: string
  server: string
  domain: string
  username: string
  label: string
  default_country: string
  app_id: string | null
  auto_sync_hours: AutoSyncHours | null
  channel: ChannelChoice
  channel_probe: string | null
  username_template: string
  created_at: string
}

const COLUMNS =
  'pk, id, server, domain, username, label, default_country, app_id, auto_sync_hours, channel, channel_probe, username_template, created_at'

/** A stored probe that no longer reads (written by a later Roster, say) counts as none: the next test re-probes. */
function parseProbe(text: string | null): ChannelProbe | null {
  if (text === null) return null
  try {
    const parsed = ChannelProbeSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

function toRecord(row: ProjectSqlRow): ProjectRecord {
  return {
    pk: row.pk,
    id: row.id,
    server: row.server,
    domain: row.domain,
    username: row.username,
    label: row.label,
    defaultCountry: row.default_country,
    appId: row.app_id,
    autoSyncHours: row.auto_sync_hours,
    channel: row.channel,
    channelProbe: parseProbe(row.channel_probe),
    usernameTemplate: row.username_template,
    createdAt: row.created_at
  }
}

/**
 * "www.commcarehq.org/" -> "https://www.commcarehq.org": one spelling per server, the same the
 * HQ client uses (it also rejects bad addresses; this only normalises).
 */
export function normaliseServer(server: string): string {
  const trimmed = server.trim()
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`
  try {
    const url = new URL(withScheme)
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`
  } catch {
    return trimmed.replace(/\/+$/, '')
  }
}

export function getProject(db: Db, id: string): ProjectRecord | undefined {
  const row = stmt<[string], ProjectSqlRow>(db, `SELECT ${COLUMNS} FROM projects WHERE id = ?`).get(id)
  return row && toRecord(row)
}

export function findProject(
  db: Db,
  key: { server: string; domain: string; username: string }
): ProjectRecord | undefined {
  const row = stmt<[string, string, string], ProjectSqlRow>(
    db,
    `SELECT ${COLUMNS} FROM projects WHERE server = ? AND domain = ? AND username = ?`
  ).get(normaliseServer(key.server), key.domain.trim(), key.username.trim())
  return row && toRecord(row)
}

export function listProjects(db: Db): ProjectRecord[] {
  return stmt<[], ProjectSqlRow>(db, `SELECT ${COLUMNS} FROM projects ORDER BY label, domain, id`)
    .all()
    .map(toRecord)
}

export function createProject(db: Db, input: NewProject, now: Date = new Date()): ProjectRecord {
  const domain = input.domain.trim()
  const record: Omit<ProjectRecord, 'pk'> = {
    // Short: the text id is repeated in the phone index rows.
    id: randomBytes(9).toString('base64url'),
    server: normaliseServer(input.server),
    domain,
    username: input.username.trim(),
    label: input.label?.trim() || domain,
    defaultCountry: (input.defaultCountry ?? 'KE').toUpperCase(),
    appId: input.appId ?? null,
    autoSyncHours: input.autoSyncHours === undefined ? DEFAULT_AUTO_SYNC_HOURS : input.autoSyncHours,
    channel: 'auto',
    channelProbe: null,
    usernameTemplate: DEFAULT_USERNAME_TEMPLATE,
    createdAt: now.toISOString()
  }
  const { channelProbe: _none, ...columns } = record
  const { pk } = stmt<[typeof columns], { pk: number }>(
    db,
    `INSERT INTO projects (id, server, domain, username, label, default_country, app_id, auto_sync_hours, channel, username_template, created_at)
     VALUES (@id, @server, @domain, @username, @label, @defaultCountry, @appId, @autoSyncHours, @channel, @usernameTemplate, @createdAt)
     RETURNING pk`
  ).get(columns)!
  return { pk, ...record }
}

/** The project for these credentials, created on first use (the CLI's `roster sync`). */
export function ensureProject(db: Db, input: NewProject): { project: ProjectRecord; created: boolean } {
  return db.transaction(() => {
    const existing = findProject(db, input)
    if (existing) return { project: existing, created: false }
    return { project: createProject(db, input), created: true }
  })()
}

export interface ProjectPatch {
  label?: string | undefined
  defaultCountry?: string | undefined
  appId?: string | null | undefined
  autoSyncHours?: AutoSyncHours | null | undefined
  channel?: ChannelChoice | undefined
  usernameTemplate?: string | undefined
}

/**
 * Changes a project's settings. A new default country changes how phone numbers written the
 * national way are read, so the search index of its workers is rebuilt in the same transaction.
 */
export function updateProject(
  db: Db,
  id: string,
  patch: ProjectPatch,
  /** 'later': the caller re-indexes after this commits, in chunks (reindexWorkersInChunks), so the app stays responsive. */
  reindex: 'now' | 'later' = 'now'
): ProjectRecord {
  return db.transaction(() => {
    const current = getProject(db, id)
    if (!current) throw new Error(`There is no saved project with id ${id}.`)
    const next: ProjectRecord = {
      ...current,
      label: patch.label?.trim() || (patch.label === undefined ? current.label : current.domain),
      defaultCountry: patch.defaultCountry ? patch.defaultCountry.toUpperCase() : current.defaultCountry,
      appId: patch.appId === undefined ? current.appId : patch.appId,
      autoSyncHours: patch.autoSyncHours === undefined ? current.autoSyncHours : patch.autoSyncHours,
      channel: patch.channel ?? current.channel,
      usernameTemplate: patch.usernameTemplate?.trim() || current.usernameTemplate
    }
    stmt(
      db,
      `UPDATE projects SET label = ?, default_country = ?, app_id = ?, auto_sync_hours = ?, channel = ?,
         username_template = ? WHERE id = ?`
    ).run(
      next.label,
      next.defaultCountry,
      next.appId,
      next.autoSyncHours,
      next.channel,
      next.usernameTemplate,
      next.id
    )
    if (reindex === 'now' && next.defaultCountry !== current.defaultCountry)
      reindexWorkers(db, next.id, next.defaultCountry)
    return next
  })()
}

/** Keeps what a connection test found the server offers (Test connection, `roster check`, a send's 404). */
export function saveChannelProbe(db: Db, id: string, probe: ChannelProbe): void {
  stmt(db, `UPDATE projects SET channel_probe = ? WHERE id = ?`).run(
    JSON.stringify(ChannelProbeSchema.parse(probe)),
    id
  )
}

/** Removes a project and everything stored for it (workers, runs, lookups cascade). */
export function removeProject(db: Db, id: string): boolean {
  return stmt<[string]>(db, `DELETE FROM projects WHERE id = ?`).run(id).changes > 0
}

/** Hands out the next sync generation for a project. */
export function nextGeneration(db: Db, projectId: string): number {
  const row = stmt<[string], { sync_gen: number }>(
    db,
    `UPDATE projects SET sync_gen = sync_gen + 1 WHERE id = ? RETURNING sync_gen`
  ).get(projectId)
  if (!row) throw new Error(`There is no saved project with id ${projectId}.`)
  return row.sync_gen
}

/** The API's Project: the stored record plus whether a key is saved and the last runs. */
export function projectView(db: Db, record: ProjectRecord, hasKey: boolean): Project {
  return {
    id: record.id,
    server: record.server,
    domain: record.domain,
    username: record.username,
    label: record.label,
    defaultCountry: record.defaultCountry,
    appId: record.appId,
    autoSyncHours: record.autoSyncHours,
    channel: record.channel,
    channelProbe: record.channelProbe,
    usernameTemplate: record.usernameTemplate,
    hasKey,
    lastGoodSync: lastGoodRun(db, record.id) ?? null,
    lastSync: lastRun(db, record.id) ?? null
  }
}
