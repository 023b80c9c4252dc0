import type Database from 'better-sqlite3'
import type { InviteLookup, NumberStatus } from '../../shared/invite'
import { INVITED_STATUSES, inSlices } from './batches'

// A roster phone matches an invitation by HQ's digits or, when HQ kept a local form, by the
// E.164 the store derived from it.
const SAME_PHONE = /* sql */ `p.project_id = invite_numbers.project_id
  AND (p.digits = invite_numbers.digits OR p.e164 = invite_numbers.e164)`

/**
 * The follow-up after a sync: HQ's "success" only means the SMS went out; the proof that the
 * person registered is a worker with that number in the roster. Marks each accepted invitation
 * whose number now belongs to a worker (archived ones too: they did register). Returns how many
 * were newly marked.
 */
export function markRegistered(
  db: Database.Database,
  projectId: string,
  now = new Date().toISOString()
): number {
  return db
    .prepare(
      `UPDATE invite_numbers SET
         registered_worker_id = (
           SELECT w.id FROM worker_phones p JOIN workers w ON w.rid = p.worker_rid
           WHERE ${SAME_PHONE} ORDER BY w.archived, w.rid LIMIT 1),
         registered_at = ?
       WHERE project_id = ? AND status = 'success' AND registered_worker_id IS NULL
         AND EXISTS (SELECT 1 FROM worker_phones p WHERE ${SAME_PHONE})`
    )
    .run(now, projectId).changes
}

/** The statuses createBatch refuses to invite again, as an SQL list. */
const LIVE = INVITED_STATUSES.map((s) => `'${s}'`).join(', ')

/**
 * For validation: which of these numbers already belong to a worker in the roster, and which
 * were invited before: the latest live invitation per number (queued, sending, sent or with an
 * unknown outcome, the ones createBatch refuses to repeat). An attempt HQ refused (invalid
 * format, in use) or that was never sent (failed) invited nobody.
 */
export function lookupInvitations(
  db: Database.Database,
  projectId: string,
  digits: readonly string[]
): InviteLookup {
  const unique = [...new Set(digits)]
  const q = (n: number): string => Array.from({ length: n }, () => '?').join(', ')

  const registeredRows = inSlices(
    unique,
    500,
    (slice) =>
      db
        .prepare(
          `SELECT p.digits, w.id AS workerId, w.username, w.name FROM worker_phones p
         JOIN workers w ON w.rid = p.worker_rid
         WHERE p.project_id = ? AND p.digits IN (${q(slice.length)})
         ORDER BY w.archived, w.rid`
        )
        .all(projectId, ...slice) as InviteLookup['registered']
  )
  const registered = new Map<string, InviteLookup['registered'][number]>()
  for (const r of registeredRows) if (!registered.has(r.digits)) registered.set(r.digits, r)

  const invitedRows = inSlices(
    unique,
    500,
    (slice) =>
      db
        .prepare(
          `SELECT n.digits, n.batch_id AS batchId, b.created_at AS invitedAt, n.status,
                n.registered_worker_id IS NOT NULL AS registered
         FROM invite_numbers n JOIN invite_batches b ON b.id = n.batch_id
         WHERE n.project_id = ? AND n.digits IN (${q(slice.length)}) AND n.status IN (${LIVE})
         ORDER BY n.id DESC`
        )
        .all(projectId, ...slice) as {
        digits: string
        batchId: number
        invitedAt: string
        status: NumberStatus
        registered: 0 | 1
      }[]
  )
  const invited = new Map<string, InviteLookup['invited'][number]>()
  for (const r of invitedRows)
    if (!invited.has(r.digits)) invited.set(r.digits, { ...r, registered: r.registered === 1 })

  return { registered: [...registered.values()], invited: [...invited.values()] }
}

/**
 * Per-number lookups for the phone-list validation (`roster validate` / `roster invite`):
 * the worker holding a number and its latest live invitation (as lookupInvitations).
 */
export function validationLookup(
  db: Database.Database,
  projectId: string
): {
  findWorkerByDigits(digits: string): { id: string; username: string; name: string } | undefined
  findInvitationByDigits(
    digits: string
  ): { batchId: number; invitedAt: string; status: NumberStatus } | undefined
} {
  const worker = db.prepare(
    `SELECT w.id, w.username, w.name FROM worker_phones p JOIN workers w ON w.rid = p.worker_rid
     WHERE p.project_id = ? AND p.digits = ? ORDER BY w.archived, w.rid LIMIT 1`
  )
  const invitation = db.prepare(
    `SELECT n.batch_id AS batchId, b.created_at AS invitedAt, n.status
     FROM invite_numbers n JOIN invite_batches b ON b.id = n.batch_id
     WHERE n.project_id = ? AND n.digits = ? AND n.status IN (${LIVE})
     ORDER BY n.id DESC LIMIT 1`
  )
  return {
    findWorkerByDigits: (digits) =>
      worker.get(projectId, digits) as { id: string; username: string; name: string } | undefined,
    findInvitationByDigits: (digits) =>
      invitation.get(projectId, digits) as
        { batchId: number; invitedAt: string; status: NumberStatus } | undefined
  }
}
