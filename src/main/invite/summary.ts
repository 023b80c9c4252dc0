import type Database from 'better-sqlite3'
import type { z } from 'zod'
import { countedTotal, countsFrom, type BatchCounts, type StatusTally } from '../../shared/batchCounts'
import type { Channel } from '../../shared/channels'
import type {
  BatchNumber,
  BatchStateSchema,
  BatchSummary,
  InviteProgress,
  NumberStatus
} from '../../shared/invite'
import { listApplications } from '../db/applications'
import type { BatchInfo } from './channels'
import { InviteError, plural } from './errors'

export type { BatchCounts }
export type BatchState = z.infer<typeof BatchStateSchema>

interface BatchRow {
  id: number
  project_id: string
  created_at: string
  channel: Channel
  location_id: string | null
  group_id: string | null
  app_id: string
  app_name: string | null
  android_only: number
  require_email: number
  message: string | null
  reinvite: number
  state: BatchState
  error: string | null
}

export interface NumberRow {
  id: number
  batch_id: number
  row: number
  e164: string
  digits: string
  custom_user_data: string
  status: NumberStatus
  reason: string | null
  updated_at: string
  registered_worker_id: string | null
  registered_at: string | null
  username: string | null
  hq_username: string | null
  email: string | null
  first_name: string | null
  last_name: string | null
  hq_user_id: string | null
  attempts: number
}

const BATCH_COLUMNS = /* sql */ `
  b.id, b.project_id, b.created_at, b.channel, b.location_id, b.group_id, b.app_id, NULL AS app_name, b.android_only, b.require_email,
  b.message, b.reinvite, b.state, b.error`

/** App names as the last sync stored them (the store owns that table's shape). */
function appNames(db: Database.Database, projectId: string): Map<string, string> {
  try {
    return new Map(listApplications(db, projectId).map((a) => [a.id, a.name]))
  } catch {
    return new Map()
  }
}

export function batchRow(db: Database.Database, batchId: number): BatchRow {
  const row = db
    .prepare(
      `SELECT ${BATCH_COLUMNS} FROM invite_batches b
       WHERE b.id = ?`
    )
    .get(batchId) as BatchRow | undefined
  if (!row) throw new InviteError('unknown-batch', `There is no invitation batch number ${batchId}.`)
  return { ...row, app_name: appNames(db, row.project_id).get(row.app_id) ?? null }
}

/** What every request of a batch needs: its options, its project, and the roster's names for its location and group. */
export function batchInfo(db: Database.Database, batchId: number): BatchInfo {
  const row = batchRow(db, batchId)
  const project = db.prepare('SELECT pk, domain, server FROM projects WHERE id = ?').get(row.project_id) as
    { pk: number; domain: string; server: string } | undefined
  if (!project)
    throw new InviteError('unknown-project', `The project of batch ${batchId} is no longer saved.`)
  const location = row.location_id
    ? ((db
        .prepare('SELECT id, site_code AS siteCode FROM locations WHERE project = ? AND id = ?')
        .get(project.pk, row.location_id) as { id: string; siteCode: string | null } | undefined) ?? {
        id: row.location_id,
        siteCode: null
      })
    : null
  const group = row.group_id
    ? ((db
        .prepare('SELECT id, name FROM groups WHERE project = ? AND id = ?')
        .get(project.pk, row.group_id) as { id: string; name: string } | undefined) ?? {
        id: row.group_id,
        name: row.group_id
      })
    : null
  return {
    id: row.id,
    projectId: row.project_id,
    domain: project.domain,
    server: project.server,
    channel: row.channel,
    appId: row.app_id,
    androidOnly: row.android_only === 1,
    requireEmail: row.require_email === 1,
    message: row.message,
    location,
    group
  }
}

export function batchCounts(db: Database.Database, batchId: number): BatchCounts {
  const tallies = db
    .prepare(
      `SELECT status, COUNT(*) AS n, COUNT(registered_worker_id) AS registered
       FROM invite_numbers WHERE batch_id = ? GROUP BY status`
    )
    .all(batchId) as StatusTally[]
  return countsFrom(tallies)
}

function toSummary(row: BatchRow, counts: BatchCounts): BatchSummary {
  return {
    id: row.id,
    projectId: row.project_id,
    createdAt: row.created_at,
    channel: row.channel,
    appId: row.app_id,
    appName: row.app_name,
    androidOnly: row.android_only === 1,
    requireEmail: row.require_email === 1,
    message: row.message,
    locationId: row.location_id,
    groupId: row.group_id,
    state: row.state,
    error: row.error,
    total: countedTotal(counts),
    counts
  }
}

export function batchSummary(db: Database.Database, batchId: number): BatchSummary {
  return toSummary(batchRow(db, batchId), batchCounts(db, batchId))
}

export function batchProgress(db: Database.Database, batchId: number): InviteProgress {
  const row = db.prepare('SELECT state FROM invite_batches WHERE id = ?').get(batchId) as
    { state: BatchState } | undefined
  if (!row) throw new InviteError('unknown-batch', `There is no invitation batch number ${batchId}.`)
  const counts = batchCounts(db, batchId)
  return { batchId, state: row.state, counts, total: countedTotal(counts) }
}

/** Every batch of a project, newest first, with its counts. */
export function listBatches(db: Database.Database, projectId: string): BatchSummary[] {
  const rows = db
    .prepare(
      `SELECT ${BATCH_COLUMNS} FROM invite_batches b
       WHERE b.project_id = ? ORDER BY b.id DESC`
    )
    .all(projectId) as BatchRow[]
  const names = appNames(db, projectId)
  for (const r of rows) r.app_name = names.get(r.app_id) ?? null
  const byBatch = new Map<number, StatusTally[]>(rows.map((r) => [r.id, []]))
  const tallies = db
    .prepare(
      `SELECT batch_id, status, COUNT(*) AS n, COUNT(registered_worker_id) AS registered
       FROM invite_numbers WHERE project_id = ? GROUP BY batch_id, status`
    )
    .all(projectId) as (StatusTally & { batch_id: number })[]
  for (const t of tallies) byBatch.get(t.batch_id)?.push(t)
  return rows.map((r) => toSummary(r, countsFrom(byBatch.get(r.id)!)))
}

export function toBatchNumber(row: NumberRow): BatchNumber {
  return {
    id: row.id,
    batchId: row.batch_id,
    row: row.row,
    e164: row.e164,
    digits: row.digits,
    status: row.status,
    reason: row.reason,
    updatedAt: row.updated_at,
    registeredWorkerId: row.registered_worker_id,
    registeredAt: row.registered_at,
    customUserData: parseUserData(row.custom_user_data),
    username: row.username,
    email: row.email
  }
}

function parseUserData(text: string): Record<string, string> {
  try {
    const value = JSON.parse(text) as unknown
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(
        Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string')
      )
    }
  } catch {
    // Written by createBatch as JSON; an unreadable value shows as no data rather than failing the view.
  }
  return {}
}

export interface NumberFilter {
  status?: NumberStatus
  /** true: only numbers whose person has registered; false: only those who have not (yet). */
  registered?: boolean
}

/** One batch and its numbers in file order, optionally only one status or registration state. */
export function getBatch(
  db: Database.Database,
  batchId: number,
  filter: NumberFilter = {}
): { batch: BatchSummary; numbers: BatchNumber[] } {
  const batch = batchSummary(db, batchId)
  const where = ['batch_id = @batchId']
  if (filter.status) where.push('status = @status')
  if (filter.registered === true) where.push('registered_worker_id IS NOT NULL')
  if (filter.registered === false) where.push('registered_worker_id IS NULL')
  const rows = db
    .prepare(`SELECT * FROM invite_numbers WHERE ${where.join(' AND ')} ORDER BY row, id`)
    .all({ batchId, ...(filter.status ? { status: filter.status } : {}) }) as NumberRow[]
  return { batch, numbers: rows.map(toBatchNumber) }
}

/**
 * The batch state its numbers imply. Unknown outcomes always win: the coordinator must decide
 * about them. `stopReason` is set when sending ended early (HQ refused, offline, paused).
 */
export function impliedState(counts: BatchCounts, running: boolean, stopReason: string | null): BatchState {
  if (counts.unknown > 0) return 'needs-attention'
  if (running && (counts.queued > 0 || counts.sending > 0)) return 'sending'
  if (counts.queued > 0 || counts.sending > 0) return stopReason ? 'stopped' : 'queued'
  return 'done'
}

export function unknownMessage(counts: BatchCounts): string {
  const waiting =
    counts.queued > 0
      ? ` ${plural(counts.queued, 'other number waits', 'other numbers wait')} in the outbox, not sent yet.`
      : ''
  return (
    `HQ may or may not have invited ${plural(counts.unknown, 'number')}: Roster got no clear answer for them. ` +
    `Check them (in HQ, or after the next sync), then choose to send them again or mark them failed.${waiting}`
  )
}

/** Writes the state implied by the numbers (inside the caller's transaction when there is one). */
export function settleBatch(
  db: Database.Database,
  batchId: number,
  opts: { running?: boolean; stopReason?: string | null; now: string }
): BatchState {
  const counts = batchCounts(db, batchId)
  const state = impliedState(counts, opts.running ?? false, opts.stopReason ?? null)
  let error: string | null = null
  if (state === 'stopped') error = opts.stopReason ?? null
  if (state === 'needs-attention') {
    error = opts.stopReason ? `${unknownMessage(counts)} Cause: ${opts.stopReason}` : unknownMessage(counts)
  }
  db.prepare('UPDATE invite_batches SET state = ?, error = ?, updated_at = ? WHERE id = ?').run(
    state,
    error,
    opts.now,
    batchId
  )
  return state
}
