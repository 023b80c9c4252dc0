import type Database from 'better-sqlite3'
import { inSlices } from './batches'
import { isDatabaseBusy, withBusyTimeout } from './busy'
import { InviteError, plural } from './errors'
import { isSending } from './sender'
import { batchRow, settleBatch } from './summary'

/**
 * How long a sender whose pid is running may go without a heartbeat before its requests count
 * as orphaned. A sender beats every few seconds (HEARTBEAT_EVERY_MS in sender.ts) but cannot
 * while another program holds the database for one long write (`roster sync` reindexing a big
 * roster holds it for half a minute, longer on a slow laptop), so this must outlast such a
 * write. A process that kept a dead sender's pid does not beat at all; being generous here
 * only delays that rare case (a crash and a reused pid), since a sender whose pid is gone
 * counts as gone at once.
 */
export const STALE_AFTER_MS = 120_000

function processAlive(pid: number): boolean {
  if (pid <= 0) return false // 0 and negatives name process groups, never one sender
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Who last held a request, and when it last said it was alive. */
interface Holder {
  batch_id: number
  sender_pid: number | null
  /** ms since the epoch; NULL for requests written before heartbeats existed. */
  heartbeat_at: number | null
  started_at: string | null
  created_at: string
}

interface OpenRequest extends Holder {
  id: number
  state: 'sending' | 'queued'
}

const OPEN_REQUESTS = `SELECT id, batch_id, state, sender_pid, heartbeat_at, started_at, created_at
  FROM invite_requests WHERE state IN ('sending', 'queued')`

/**
 * Batches marked sending without an open request, each with its latest request (NULLs when it
 * has none): a sender between two requests, or one that died there.
 */
const BATCHES_BETWEEN_REQUESTS = `SELECT b.id AS batch_id, r.sender_pid, r.heartbeat_at, r.started_at,
    COALESCE(r.created_at, b.updated_at) AS created_at
  FROM invite_batches b
  LEFT JOIN invite_requests r ON r.id = (SELECT MAX(id) FROM invite_requests WHERE batch_id = b.id)
  WHERE b.state = 'sending'
    AND NOT EXISTS (SELECT 1 FROM invite_requests o WHERE o.batch_id = b.id AND o.state IN ('sending', 'queued'))`

/**
 * Whether the sender of a request still runs: its pid is taken AND it beat recently (a pid
 * handed to another program after a crash passes the first test, never the second). This
 * process's own requests are alive exactly while it sends their batch: recovery runs before a
 * process sends anything, so one left with our pid is a dead predecessor's.
 */
class OwnerCheck {
  private readonly pids = new Map<number, boolean>()

  /** `heartbeatsUnreliable`: the database was just busy, so a live sender may not have been able to beat. */
  constructor(
    private readonly nowMs: number,
    private readonly staleAfterMs: number,
    private readonly heartbeatsUnreliable = false
  ) {}

  alive(holder: Holder): boolean {
    const pid = holder.sender_pid
    if (pid === null) return false
    if (pid === process.pid) return isSending(holder.batch_id)
    // A request written before heartbeats counts its start as its one beat.
    const beat = holder.heartbeat_at ?? Date.parse(holder.started_at ?? holder.created_at)
    if (!this.heartbeatsUnreliable && !(this.nowMs - beat <= this.staleAfterMs)) return false
    let alive = this.pids.get(pid)
    if (alive === undefined) {
      alive = processAlive(pid)
      this.pids.set(pid, alive)
    }
    return alive
  }
}

export interface RecoveryReport {
  /** Requests that were on their way to HQ when their process died: now unknown. */
  unknownRequests: number
  unknownNumbers: number
  /** Requests that were waiting to retry (never reached HQ): their numbers stay queued. */
  abandonedRetries: number
  batches: number[]
}

export interface RecoveryOptions {
  nowMs?: number
  /** Silence after which a sender counts as gone; STALE_AFTER_MS unless a test says otherwise. */
  staleAfterMs?: number
}

/**
 * Finds sends whose process is gone and settles them. Run when Roster (app or CLI) opens the
 * database, and every minute while the app is open, so a `roster invite` killed mid-send shows
 * up without a restart. A request left "sending" by a dead sender may or may not have reached
 * HQ: it becomes unknown, with its numbers, and is never sent again without the coordinator. A
 * request waiting to retry never reached HQ: it fails and its numbers stay queued, to be sent
 * when asked. A sender that was only asleep and later gets HQ's answer still records it.
 */
export function recoverOutbox(db: Database.Database, opts: RecoveryOptions = {}): RecoveryReport {
  const nowMs = opts.nowMs ?? Date.now()
  const at = new Date(nowMs).toISOString()
  const staleAfterMs = opts.staleAfterMs ?? STALE_AFTER_MS
  const orphaned = (owners: OwnerCheck) => ({
    requests: (db.prepare(OPEN_REQUESTS).all() as OpenRequest[]).filter((r) => !owners.alive(r)),
    batches: (db.prepare(BATCHES_BETWEEN_REQUESTS).all() as Holder[]).filter((b) => !owners.alive(b))
  })
  const empty = (): RecoveryReport => ({
    unknownRequests: 0,
    unknownNumbers: 0,
    abandonedRetries: 0,
    batches: []
  })
  // Most runs find nothing: they read, and leave the write lock to the senders.
  const seen = orphaned(new OwnerCheck(nowMs, staleAfterMs))
  if (seen.requests.length === 0 && seen.batches.length === 0) return empty()

  const recover = db.transaction((heartbeatsUnreliable: boolean): RecoveryReport => {
    const report = empty()
    const found = orphaned(new OwnerCheck(nowMs, staleAfterMs, heartbeatsUnreliable))
    const touched = new Set<number>(found.batches.map((b) => b.batch_id))
    for (const r of found.requests) {
      touched.add(r.batch_id)
      if (r.state === 'queued') {
        db.prepare(
          `UPDATE invite_requests SET state = 'failed', finished_at = ?, error = ? WHERE id = ?`
        ).run(at, 'Roster stopped while waiting to retry; this request never reached HQ.', r.id)
        report.abandonedRetries++
        continue
      }
      db.prepare(`UPDATE invite_requests SET state = 'unknown', finished_at = ?, error = ? WHERE id = ?`).run(
        at,
        'Roster stopped while this request was on its way to HQ.',
        r.id
      )
      report.unknownNumbers += db
        .prepare(
          `UPDATE invite_numbers SET status = 'unknown', reason = ?, updated_at = ? WHERE request_id = ? AND status = 'sending'`
        )
        .run(
          'Roster stopped while this invitation was on its way to HQ: HQ may or may not have received it.',
          at,
          r.id
        ).changes
      report.unknownRequests++
    }
    for (const batchId of touched) {
      const queued = (
        db
          .prepare(`SELECT COUNT(*) AS n FROM invite_numbers WHERE batch_id = ? AND status = 'queued'`)
          .get(batchId) as { n: number }
      ).n
      settleBatch(db, batchId, {
        now: at,
        // This process may be sending the same batch (after the dead one stopped): it stays sending.
        running: isSending(batchId),
        stopReason: `Roster was closed while sending.${
          queued > 0 ? ` ${plural(queued, 'number waits', 'numbers wait')} in the outbox, not sent.` : ''
        }`
      })
    }
    report.batches = [...touched].sort((a, b) => a - b)
    return report
  })
  try {
    return withBusyTimeout(db, 0, () => recover.immediate(false))
  } catch (error) {
    if (!isDatabaseBusy(error)) throw error
  }
  // Another program is writing right now, perhaps for long enough that a live sender could not
  // beat: a stale heartbeat proves nothing this time. Senders whose pid is gone are still
  // recovered; one whose pid runs is judged by a later round, when the database is free.
  return recover.immediate(true)
}

/**
 * The coordinator's decision on numbers whose outcome is unknown: send them again (HQ expires
 * any link it did send and sends a new one) or count them as failed. Returns how many changed.
 */
export function resolveUnknown(
  db: Database.Database,
  batchId: number,
  numberIds: readonly number[],
  action: 'resend' | 'mark-failed',
  now = new Date().toISOString()
): number {
  batchRow(db, batchId)
  const ids = [...new Set(numberIds)]
  return db
    .transaction(() => {
      const found = inSlices(
        ids,
        500,
        (slice) =>
          db
            .prepare(
              `SELECT id, e164, status FROM invite_numbers WHERE batch_id = ? AND id IN (${slice.map(() => '?').join(', ')})`
            )
            .all(batchId, ...slice) as { id: number; e164: string; status: string }[]
      )
      const notUnknown = found.filter((n) => n.status !== 'unknown')
      if (found.length !== ids.length || notUnknown.length > 0) {
        const missing = ids.length - found.length
        throw new InviteError(
          'not-unknown',
          missing > 0
            ? `${plural(missing, 'chosen number is', 'chosen numbers are')} not in batch ${batchId}.`
            : `Only numbers whose outcome is unknown can be resolved; ${notUnknown
                .slice(0, 5)
                .map((n) => `${n.e164} is ${n.status.replace('_', ' ')}`)
                .join(', ')}.`,
          notUnknown.map((n) => n.e164)
        )
      }
      const [status, reason] =
        action === 'resend'
          ? ['queued', 'Queued again by you after an unknown outcome.']
          : ['failed', 'Marked failed by you: HQ never said whether it received this invitation.']
      const update = db.prepare(
        `UPDATE invite_numbers SET status = ?, reason = ?, updated_at = ? WHERE id = ? AND status = 'unknown'`
      )
      let changed = 0
      for (const id of ids) changed += update.run(status, reason, now, id).changes
      // Any stop reason from before no longer applies once the coordinator has decided.
      settleBatch(db, batchId, { now, running: isSending(batchId) })
      return changed
    })
    .immediate()
}
