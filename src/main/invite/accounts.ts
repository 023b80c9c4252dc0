import type Database from 'better-sqlite3'
import type { Clock } from '../hq/clock'
import { isHqError } from '../hq/errors'
import { writeWhenFree } from './busy'
import type { BatchInfo, InviteClient } from './channels'
import { uploadPageUrl } from './channels'

/**
 * Channels 2 and 3 learn what became of an account the only way HQ allows: by finding its
 * username in HQ's lists. Inactive (not confirmed yet) accounts are listed only under
 * archived=true; a confirmed one moves to the active list.
 */

const CREATED_REASON: Record<'sms-confirmation' | 'email-confirmation', string> = {
  'sms-confirmation': 'Account created; HQ texted the worker a link to confirm it.',
  'email-confirmation': 'Account created; HQ e-mailed the worker a link to confirm it.'
}

/** Why a row of an upload never became an account, as far as HQ's rules tell (hq-api.md A). */
export function notCreatedReason(server: string, domain: string): string {
  return (
    'HQ did not create this account. Likely reasons: the username was already taken in HQ, ' +
    'the phone number or another cell was not accepted, or the project cannot send confirmation SMS ' +
    `(plan, SMS gateway). HQ's upload page shows each row's result: ${uploadPageUrl(server, domain)}`
  )
}

/**
 * Accounts of the batch now listed by HQ (username -> its phone numbers): their numbers (waiting for HQ, or with an unknown
 * outcome: a real listing beats a guess) become invited. Returns how many changed.
 */
export function markAccountsSeen(
  db: Database.Database,
  batch: Pick<BatchInfo, 'id' | 'channel'>,
  accounts: ReadonlyMap<string, readonly string[]>,
  at: string
): number {
  if (batch.channel === 'sms-registration') return 0
  const candidates = db
    .prepare(
      `SELECT id, hq_username, digits FROM invite_numbers WHERE batch_id = ? AND status IN ('pending', 'unknown', 'sending')
         AND hq_username IS NOT NULL`
    )
    .all(batch.id) as { id: number; hq_username: string; digits: string }[]
  const update = db.prepare(
    `UPDATE invite_numbers SET status = 'success', reason = ?, updated_at = ? WHERE id = ?`
  )
  let changed = 0
  db.transaction(() => {
    for (const c of candidates) {
      // The username and the number: someone else may hold the username (HQ then refused the row).
      if (!accounts.get(c.hq_username)?.some((phone) => phone.replace(/\D/g, '') === c.digits)) continue
      update.run(CREATED_REASON[batch.channel as 'sms-confirmation'], at, c.id)
      changed++
    }
  }).immediate()
  return changed
}

function pendingCount(db: Database.Database, batchId: number): number {
  return (
    db
      .prepare(`SELECT COUNT(*) AS n FROM invite_numbers WHERE batch_id = ? AND status = 'pending'`)
      .get(batchId) as {
      n: number
    }
  ).n
}

export interface AwaitAccountsOptions {
  db: Database.Database
  batch: BatchInfo
  client: InviteClient
  waitMs: number
  pollMs: number
  clock: Clock
  now: () => string
  signal?: AbortSignal
  onProgress?: () => void
}

/**
 * After an upload: looks at HQ's list of inactive users every `pollMs` until every account of the
 * batch is there or `waitMs` has passed. Accounts not seen stay pending (a later sync settles
 * them). Never sends anything; a failed look is tried again until the time is up.
 */
export async function awaitAccounts(opts: AwaitAccountsOptions): Promise<{ pending: number }> {
  const { db, batch, client, clock } = opts
  if (!client.listAccounts) return { pending: pendingCount(db, batch.id) }
  const deadline = clock.now() + opts.waitMs
  const sleep = (ms: number): Promise<void> => clock.sleep(ms, opts.signal)
  for (;;) {
    if (pendingCount(db, batch.id) === 0) return { pending: 0 }
    if (opts.signal?.aborted) break
    try {
      const listed = await client.listAccounts(true, opts.signal)
      const seen = await writeWhenFree(db, () => markAccountsSeen(db, batch, listed, opts.now()), {
        sleep,
        ...(opts.signal ? { signal: opts.signal } : {})
      })
      if (seen.written && seen.value > 0) opts.onProgress?.()
    } catch (error) {
      // Cancelled, or the key no longer reads the list: stop looking; the next sync will tell.
      if (
        !isHqError(error) ||
        error.kind === 'cancelled' ||
        error.kind === 'auth' ||
        error.kind === 'permission'
      )
        break
    }
    if (pendingCount(db, batch.id) === 0) return { pending: 0 }
    const left = deadline - clock.now()
    if (left <= 0) break
    try {
      await sleep(Math.min(opts.pollMs, left))
    } catch {
      break
    }
  }
  const pending = pendingCount(db, batch.id)
  if (pending > 0) {
    const seconds = Math.round(opts.waitMs / 1000)
    await writeWhenFree(
      db,
      () =>
        db
          .prepare(
            `UPDATE invite_numbers SET reason = ?, updated_at = ? WHERE batch_id = ? AND status = 'pending'`
          )
          .run(
            `HQ took the upload but had not created this account after ${seconds} s. The next sync will tell; if it never appears, ${notCreatedReason(batch.server, batch.domain).replace(/^HQ did not create this account\. /, '')}`,
            opts.now(),
            batch.id
          ),
      { sleep }
    )
  }
  return { pending }
}

/**
 * The follow-up after a complete sync, for channels 2 and 3, from the roster just stored:
 * an account in the roster is invited (archived = inactive, not confirmed yet) or registered
 * (active: the worker confirmed it). A row HQ took in an upload more than `graceMs` before the sync
 * began and whose account the sync did not find was refused by HQ. Returns how many numbers
 * registered since.
 */
export function followUpAccounts(
  db: Database.Database,
  projectId: string,
  opts: { now: string; syncStartedAt?: string; graceMs?: number }
): number {
  const project = db.prepare('SELECT pk, server, domain FROM projects WHERE id = ?').get(projectId) as
    { pk: number; server: string; domain: string } | undefined
  if (!project) return 0
  // The account is the one Roster asked for when it has the username AND the number: a worker who
  // took the username meanwhile (HQ then refused the row) holds another number.
  const OURS = /* sql */ `w.project = @pk AND w.username = n.hq_username
    AND EXISTS (SELECT 1 FROM worker_phones p WHERE p.worker_rid = w.rid AND (p.digits = n.digits OR p.e164 = n.e164))`
  const ACCOUNT = /* sql */ `(SELECT w.id FROM workers w WHERE ${OURS} ORDER BY w.archived LIMIT 1)`
  const ACTIVE = /* sql */ `(SELECT w.id FROM workers w WHERE ${OURS} AND w.archived = 0 LIMIT 1)`
  const IN_ACCOUNT_BATCH = /* sql */ `n.batch_id IN (SELECT id FROM invite_batches WHERE project_id = @projectId
    AND channel IN ('sms-confirmation', 'email-confirmation'))`
  return db
    .transaction(() => {
      db.prepare(
        `UPDATE invite_numbers AS n SET status = 'success',
           reason = CASE (SELECT channel FROM invite_batches b WHERE b.id = n.batch_id)
             WHEN 'sms-confirmation' THEN @smsReason ELSE @emailReason END,
           updated_at = @now
         WHERE n.project_id = @projectId AND ${IN_ACCOUNT_BATCH}
           AND (n.status IN ('pending', 'unknown') OR (n.status = 'refused' AND n.reason = @notCreated))
           AND n.hq_username IS NOT NULL AND ${ACCOUNT} IS NOT NULL`
      ).run({
        pk: project.pk,
        projectId,
        now: opts.now,
        smsReason: CREATED_REASON['sms-confirmation'],
        emailReason: CREATED_REASON['email-confirmation'],
        // Only Roster's own guess that an upload row failed gives way to the account appearing late;
        // HQ's answer to channel 3 ("username taken") means the account is someone else's.
        notCreated: notCreatedReason(project.server, project.domain)
      })
      const registered = db
        .prepare(
          `UPDATE invite_numbers AS n SET registered_worker_id = ${ACTIVE}, registered_at = @now
           WHERE n.project_id = @projectId AND ${IN_ACCOUNT_BATCH} AND n.status = 'success'
             AND n.registered_worker_id IS NULL AND ${ACTIVE} IS NOT NULL`
        )
        .run({ pk: project.pk, projectId, now: opts.now }).changes
      if (opts.syncStartedAt) {
        const before = new Date(Date.parse(opts.syncStartedAt) - (opts.graceMs ?? 10 * 60_000)).toISOString()
        db.prepare(
          `UPDATE invite_numbers AS n SET status = 'refused', reason = @reason, updated_at = @now
           WHERE n.project_id = @projectId AND ${IN_ACCOUNT_BATCH} AND n.status = 'pending'
             AND n.hq_username IS NOT NULL AND ${ACCOUNT} IS NULL
             AND (SELECT r.finished_at FROM invite_requests r WHERE r.id = n.request_id) < @before`
        ).run({
          pk: project.pk,
          projectId,
          now: opts.now,
          before,
          reason: notCreatedReason(project.server, project.domain)
        })
      }
      return registered
    })
    .immediate()
}
