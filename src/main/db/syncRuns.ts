import { hostname } from 'node:os'
import type { SyncRun } from '../../shared/domain'
import { stmt, type Db } from './open'

export type SyncOutcome = SyncRun['outcome']
export type SyncPass = 'active' | 'archived'
export type RunPhase =
  'starting' | 'groups' | 'locations' | 'applications' | 'active' | 'archived' | 'sweep' | 'done'

/** A run as stored, with the bookkeeping the sync engine needs besides the API's SyncRun. */
export interface SyncRunRecord extends SyncRun {
  /** Seen markers of the run's active and archived list reads. */
  generations: Generations
  resumedFrom: number | null
  phase: RunPhase
  resumable: boolean
  heartbeatAt: string
  /** Cancelled because Roster closed, not by the coordinator: it holds no later sync back. */
  closedByApp: boolean
  /** The process running it, and the computer that process runs on (null for older runs). */
  pid: number | null
  host: string | null
}

/** The error of a run cut short because Roster closed (outcome 'cancelled', closedByApp). */
export const APP_CLOSED_ERROR =
  'Roster was closed during the sync. Nothing was removed; the next sync continues where this one stopped.'

export interface Generations {
  active: number
  archived: number
}

export interface RunCounts {
  workers?: number
  archived?: number
  groups?: number
  locations?: number
  added?: number
  updated?: number
  removed?: number
}

export interface PageRecord {
  offset: number
  limit: number
  totalCount: number
  rows: number
  /** The ids the page held, in HQ's order (null for pages stored before ids were kept). */
  ids?: readonly string[] | null
  /** The order the page was read in within its list read. */
  seq?: number
}

interface RunSqlRow {
  id: number
  project_id: string
  generation: number
  archived_generation: number
  resumed_from: number | null
  started_at: string
  ended_at: string | null
  heartbeat_at: string
  outcome: SyncOutcome
  phase: RunPhase
  resumable: number
  workers: number
  archived: number
  groups: number
  locations: number
  added: number
  updated: number
  removed: number
  duration_ms: number | null
  error: string | null
  closed_by_app: number
  pid: number | null
  host: string | null
}

const RUN_COLUMNS = `id, project_id, generation, archived_generation, resumed_from, started_at, ended_at, heartbeat_at, outcome, phase,
  resumable, workers, archived, groups, locations, added, updated, removed, duration_ms, error, closed_by_app, pid, host`

function toRecord(row: RunSqlRow): SyncRunRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    outcome: row.outcome,
    workers: row.workers,
    archived: row.archived,
    groups: row.groups,
    locations: row.locations,
    added: row.added,
    updated: row.updated,
    removed: row.removed,
    durationMs: row.duration_ms,
    error: row.error,
    generations: { active: row.generation, archived: row.archived_generation },
    resumedFrom: row.resumed_from,
    phase: row.phase,
    resumable: row.resumable === 1,
    heartbeatAt: row.heartbeat_at,
    closedByApp: row.closed_by_app === 1,
    pid: row.pid,
    host: row.host
  }
}

/** The API's view of a run (no engine bookkeeping). */
export function toSyncRun(record: SyncRunRecord): SyncRun {
  return {
    id: record.id,
    projectId: record.projectId,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    outcome: record.outcome,
    workers: record.workers,
    archived: record.archived,
    groups: record.groups,
    locations: record.locations,
    added: record.added,
    updated: record.updated,
    removed: record.removed,
    durationMs: record.durationMs,
    error: record.error
  }
}

export function startRun(
  db: Db,
  input: {
    projectId: string
    generations: Generations
    resumedFrom: number | null
    counts?: RunCounts
    now: Date
    /** The running process (default this one) and its computer (default this one). */
    pid?: number | null
    host?: string | null
  }
): number {
  const at = input.now.toISOString()
  const result = stmt(
    db,
    `INSERT INTO sync_runs (project_id, generation, archived_generation, resumed_from, started_at, heartbeat_at,
       outcome, phase, added, updated, pid, host)
     VALUES (?, ?, ?, ?, ?, ?, 'running', 'starting', ?, ?, ?, ?)`
  ).run(
    input.projectId,
    input.generations.active,
    input.generations.archived,
    input.resumedFrom,
    at,
    at,
    input.counts?.added ?? 0,
    input.counts?.updated ?? 0,
    input.pid === undefined ? process.pid : input.pid,
    input.host === undefined ? hostname() : input.host
  )
  return Number(result.lastInsertRowid)
}

export function getRunRecord(db: Db, runId: number): SyncRunRecord | undefined {
  const row = stmt<[number], RunSqlRow>(db, `SELECT ${RUN_COLUMNS} FROM sync_runs WHERE id = ?`).get(runId)
  return row && toRecord(row)
}

export function getRun(db: Db, runId: number): SyncRun | undefined {
  const record = getRunRecord(db, runId)
  return record && toSyncRun(record)
}

/** The project's runs, newest first. */
export function listRuns(db: Db, projectId: string, limit = 50): SyncRun[] {
  return stmt<[string, number], RunSqlRow>(
    db,
    `SELECT ${RUN_COLUMNS} FROM sync_runs WHERE project_id = ? ORDER BY id DESC LIMIT ?`
  )
    .all(projectId, limit)
    .map((row) => toSyncRun(toRecord(row)))
}

export function lastRunRecord(db: Db, projectId: string): SyncRunRecord | undefined {
  const row = stmt<[string], RunSqlRow>(
    db,
    `SELECT ${RUN_COLUMNS} FROM sync_runs WHERE project_id = ? ORDER BY id DESC LIMIT 1`
  ).get(projectId)
  return row && toRecord(row)
}

export function lastRun(db: Db, projectId: string): SyncRun | undefined {
  const record = lastRunRecord(db, projectId)
  return record && toSyncRun(record)
}

/** The last sync that finished well: what the roster on disk reflects. */
export function lastGoodRun(db: Db, projectId: string): SyncRun | undefined {
  const row = stmt<[string], RunSqlRow>(
    db,
    `SELECT ${RUN_COLUMNS} FROM sync_runs WHERE project_id = ? AND outcome = 'ok' ORDER BY id DESC LIMIT 1`
  ).get(projectId)
  return row && toSyncRun(toRecord(row))
}

export function runningRuns(db: Db, projectId: string): SyncRunRecord[] {
  return stmt<[string], RunSqlRow>(
    db,
    `SELECT ${RUN_COLUMNS} FROM sync_runs WHERE project_id = ? AND outcome = 'running' ORDER BY id`
  )
    .all(projectId)
    .map(toRecord)
}

export function heartbeat(db: Db, runId: number, now: Date): void {
  stmt(db, `UPDATE sync_runs SET heartbeat_at = ? WHERE id = ? AND outcome = 'running'`).run(
    now.toISOString(),
    runId
  )
}

export function setRunPhase(db: Db, runId: number, phase: RunPhase): void {
  stmt(db, `UPDATE sync_runs SET phase = ? WHERE id = ?`).run(phase, runId)
}

/** Adds to the running totals of a run (inside the page's transaction). */
export function addRunCounts(db: Db, runId: number, delta: { added: number; updated: number }): void {
  if (delta.added === 0 && delta.updated === 0) return
  stmt(db, `UPDATE sync_runs SET added = added + ?, updated = updated + ? WHERE id = ?`).run(
    delta.added,
    delta.updated,
    runId
  )
}

export function setRunCounts(db: Db, runId: number, counts: RunCounts): void {
  stmt(
    db,
    `UPDATE sync_runs SET
       workers = COALESCE(@workers, workers), archived = COALESCE(@archived, archived),
       groups = COALESCE(@groups, groups), locations = COALESCE(@locations, locations),
       added = COALESCE(@added, added), updated = COALESCE(@updated, updated),
       removed = COALESCE(@removed, removed)
     WHERE id = @id`
  ).run({
    id: runId,
    workers: counts.workers ?? null,
    archived: counts.archived ?? null,
    groups: counts.groups ?? null,
    locations: counts.locations ?? null,
    added: counts.added ?? null,
    updated: counts.updated ?? null,
    removed: counts.removed ?? null
  })
}

export function finishRun(
  db: Db,
  runId: number,
  input: {
    outcome: Exclude<SyncOutcome, 'running'>
    error: string | null
    now: Date
    resumable?: boolean
    /** Cancelled because Roster closed, not by the coordinator. */
    closedByApp?: boolean
  }
): void {
  const run = getRunRecord(db, runId)
  if (!run) return
  const durationMs = Math.max(0, input.now.getTime() - Date.parse(run.startedAt))
  stmt(
    db,
    `UPDATE sync_runs SET outcome = ?, error = ?, ended_at = ?, duration_ms = ?, resumable = ?, closed_by_app = ?,
       phase = CASE WHEN ? = 'ok' THEN 'done' ELSE phase END
     WHERE id = ?`
  ).run(
    input.outcome,
    input.error,
    input.now.toISOString(),
    durationMs,
    input.resumable === false ? 0 : run.resumable ? 1 : 0,
    input.closedByApp ? 1 : 0,
    input.outcome,
    runId
  )
}

/** Whether a process with this pid runs on this computer (EPERM: it runs, as someone else). */
export function processAlive(pid: number): boolean {
  if (pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface AbandonCheck {
  /** Heartbeats older than this belong to a process that died or slept. */
  staleBefore: Date
  now: Date
  /** Whether a pid on this computer still runs the sync it recorded (default: the pid exists). */
  isRunning?: (pid: number) => boolean
}

/**
 * Runs still marked 'running' whose process is gone are closed as failed, so they neither block
 * the next sync nor show as in progress forever: at once when the process ran on this computer
 * and its pid is gone (a killed `roster sync`), else once its heartbeat stopped (another
 * computer sharing the file, a laptop asleep). They stay resumable: the pages they wrote are
 * checked again by the run that resumes them.
 */
export function closeAbandonedRuns(db: Db, projectId: string, check: AbandonCheck): number {
  const here = hostname()
  const isRunning = check.isRunning ?? processAlive
  let closed = 0
  for (const run of runningRuns(db, projectId)) {
    const gone = run.pid !== null && run.host === here && !isRunning(run.pid)
    if (!gone && Date.parse(run.heartbeatAt) >= check.staleBefore.getTime()) continue
    stmt(
      db,
      `UPDATE sync_runs SET outcome = 'failed', error = ?, ended_at = ?,
         duration_ms = MAX(0, CAST((julianday(heartbeat_at) - julianday(started_at)) * 86400000 AS INTEGER))
       WHERE id = ? AND outcome = 'running'`
    ).run(
      gone
        ? 'Roster stopped before this sync finished (its process ended).'
        : 'Roster stopped before this sync finished (it was closed or the computer slept).',
      check.now.toISOString(),
      run.id
    )
    closed++
  }
  return closed
}

/**
 * Whether the run is still the project's live one: not closed by another process that took it
 * for abandoned. Checked inside the transaction that sweeps or finishes, so a run that wakes
 * after being given up never writes over a newer run's work.
 */
export function isLiveRun(db: Db, runId: number): boolean {
  const row = stmt<[number], { outcome: string; project_id: string }>(
    db,
    `SELECT outcome, project_id FROM sync_runs WHERE id = ?`
  ).get(runId)
  if (!row || row.outcome !== 'running') return false
  const newer = stmt<[string, number], { n: number }>(
    db,
    `SELECT COUNT(*) AS n FROM sync_runs WHERE project_id = ? AND id > ?`
  ).get(row.project_id, runId)!.n
  return newer === 0
}

export function recordPage(db: Db, runId: number, pass: SyncPass, page: PageRecord): void {
  stmt(
    db,
    `INSERT OR REPLACE INTO sync_pages (run_id, pass, offset, page_limit, total_count, rows, ids, seq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
  ).run(
    runId,
    pass,
    page.offset,
    page.limit,
    page.totalCount,
    page.rows,
    page.ids ? JSON.stringify(page.ids) : null,
    page.seq ?? 0
  )
}

export function pagesOf(db: Db, runId: number, pass: SyncPass): PageRecord[] {
  return stmt<[number, string], Omit<PageRecord, 'ids'> & { ids: string | null }>(
    db,
    `SELECT offset, page_limit AS "limit", total_count AS totalCount, rows, ids, seq FROM sync_pages
     WHERE run_id = ? AND pass = ? ORDER BY offset`
  )
    .all(runId, pass)
    .map((row) => ({ ...row, ids: row.ids === null ? null : (JSON.parse(row.ids) as string[]) }))
}

/** A resumed run takes over the pages of the run it resumes, so a later resume skips them too. */
export function inheritPages(db: Db, fromRunId: number, toRunId: number): void {
  stmt(
    db,
    `INSERT OR IGNORE INTO sync_pages (run_id, pass, offset, page_limit, total_count, rows, ids, seq)
     SELECT ?, pass, offset, page_limit, total_count, rows, ids, seq FROM sync_pages WHERE run_id = ?`
  ).run(toRunId, fromRunId)
}

/** Page bookkeeping is only needed to resume: drop it for runs that can no longer be resumed. */
export function prunePages(db: Db, projectId: string, keepRunId: number): void {
  stmt(
    db,
    `DELETE FROM sync_pages WHERE run_id IN (SELECT id FROM sync_runs WHERE project_id = ? AND id <> ?)`
  ).run(projectId, keepRunId)
}
