import type Database from 'better-sqlite3'
import type { InviteLookup, NumberStatus } from '../../shared/invite'
import { findWorkerByDigits, findWorkersByDigits, holderOf } from '../db/inviteLookups'
import { followUpAccounts } from './accounts'
import { INVITED_STATUSES, hqUsername, inSlices } from './batches'

// The worker holding an invited number, by the store's one rule (HQ's digits, or the E.164 read
// from HQ's national or 00 form with the project's country): the rule validation uses too.
const HOLDER = holderOf('invite_numbers.project_id', 'invite_numbers.digits')

/**
 * The follow-up after a sync: HQ's "success" only means the SMS went out; the proof that the
 * person registered is a worker with that number in the roster (channel 1; archived ones too:
 * they did register), or the account Roster created now active (channels 2 and 3). Returns how
 * many were newly marked. `syncStartedAt` (a complete sync's start) lets an upload row whose
 * account never appeared count as refused by HQ.
 */
export function markRegistered(
  db: Database.Database,
  projectId: string,
  now = new Date().toISOString(),
  syncStartedAt?: string
): number {
  const byPhone = db
    .prepare(
      `UPDATE invite_numbers SET
         registered_worker_id = (SELECT w.id FROM workers w WHERE w.rid = ${HOLDER}),
         registered_at = ?
       WHERE project_id = ? AND status = 'success' AND registered_worker_id IS NULL
         AND batch_id IN (SELECT id FROM invite_batches WHERE channel = 'sms-registration')
         AND ${HOLDER} IS NOT NULL`
    )
    .run(now, projectId).changes
  // Channels 2 and 3: the number belongs to the account Roster created (archived until the
  // worker confirms it), so the account's username, not the number, says who registered.
  return byPhone + followUpAccounts(db, projectId, { now, ...(syncStartedAt ? { syncStartedAt } : {}) })
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
  digits: readonly string[],
  usernames: readonly string[] = []
): InviteLookup {
  const unique = [...new Set(digits)]
  const q = (n: number): string => Array.from({ length: n }, () => '?').join(', ')

  const registered = inSlices(unique, 500, (slice) => findWorkersByDigits(db, projectId, slice))

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

  return {
    registered,
    invited: [...invited.values()],
    takenUsernames: takenUsernames(db, projectId, usernames)
  }
}

/**
 * Of these usernames (before the @), those a worker of the roster (active or archived) or a live
 * invitation holds, and every taken `<username><digits>`, so a caller can pick a free numeric
 * suffix in one round. Lower case, before the @.
 */
export function takenUsernames(
  db: Database.Database,
  projectId: string,
  usernames: readonly string[]
): string[] {
  if (usernames.length === 0) return []
  const project = db.prepare('SELECT pk, domain FROM projects WHERE id = ?').get(projectId) as
    { pk: number; domain: string } | undefined
  if (!project) return []
  const suffix = `@${project.domain}.commcarehq.org`.toLowerCase()
  const live = INVITED_STATUSES.map((s) => `'${s}'`).join(', ')
  const inRoster = db.prepare(
    `SELECT username AS u FROM workers WHERE project = ? AND (username = ? OR username GLOB ?)`
  )
  const invited = db.prepare(
    `SELECT hq_username AS u FROM invite_numbers WHERE project_id = ? AND (hq_username = ? OR hq_username GLOB ?)
       AND status IN (${live})`
  )
  const taken = new Set<string>()
  for (const raw of new Set(usernames.map((u) => u.toLowerCase()))) {
    // Usernames hold only A-Z a-z 0-9 . + - _, none of them special to GLOB; skip anything else.
    if (!/^[a-z0-9.+_-]+$/.test(raw)) continue
    const exact = hqUsername(raw, project.domain)
    const pattern = `${raw}[0-9]*${suffix}`
    const own = new RegExp(`^${raw.replace(/[.+]/g, '\\$&')}(\\d+)?$`)
    const rows = [
      ...(inRoster.all(project.pk, exact, pattern) as { u: string }[]),
      ...(invited.all(projectId, exact, pattern) as { u: string }[])
    ]
    for (const { u } of rows) {
      const local = u.toLowerCase().slice(0, -suffix.length)
      if (own.test(local)) taken.add(local)
    }
  }
  return [...taken].sort()
}

/**
 * Per-number lookups for the phone-list validation (`roster validate` / `roster invite`):
 * the worker holding a number and its latest live invitation, by the same rules as
 * lookupInvitations (which the app's import uses).
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
  const invitation = db.prepare(
    `SELECT n.batch_id AS batchId, b.created_at AS invitedAt, n.status
     FROM invite_numbers n JOIN invite_batches b ON b.id = n.batch_id
     WHERE n.project_id = ? AND n.digits = ? AND n.status IN (${LIVE})
     ORDER BY n.id DESC LIMIT 1`
  )
  return {
    findWorkerByDigits: (digits) => {
      const match = findWorkerByDigits(db, projectId, digits)
      return match && { id: match.workerId, username: match.username, name: match.name }
    },
    findInvitationByDigits: (digits) =>
      invitation.get(projectId, digits) as
        { batchId: number; invitedAt: string; status: NumberStatus } | undefined
  }
}
