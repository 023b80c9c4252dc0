import type Database from 'better-sqlite3'
import { inSlices } from './batches'
import { InviteError, plural } from './errors'
import { sameProcess } from './processStart'
import { isSending } from './sender'
import { batchRow, settleBatch } from './summary'

/** No single registration POST lasts this long (the HQ client times out well before). */
const STALE_AFTER_MS = 15 * 60 * 1000

function processAlive(pid: number): boolean {
  if (pid === process.pid) return false // this process is starting up: nothing of ours is in flight
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

interface OpenRequest {
  id: number
  batch_id: number
  state: 'sending' | 'queued'
  sender_pid: number | null
  sender_started_at: number | null
  started_at: string | null
}

const OPEN_REQUESTS = `SELECT id, batch_id, state, sender_pid, sender_started_at, started_at
  FROM invite_requests WHERE state IN ('sending', 'queued')`

/**
 * Whether the process that sent a request still runs: its pid is taken, and by a process that
 * started when the sender did (else the pid was handed to another program since). Answers are
 * kept, because asking Windows for a start time takes a while.
 */
class SenderCheck {
  private readonly known = new Map<string, boolean>()

  alive(pid: number, startedAt: number | null): boolean {
    const key = `${pid}:${startedAt ?? ''}`
    let alive = this.known.get(key)
    if (alive === undefined) {
      alive = processAlive(pid) && sameProcess(pid, startedAt)
      this.known.set(key, alive)
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

/**
 * Run when Roster (app or CLI) opens the database. A request left "sending" by a process that
 * is gone (its pid is free, or taken by a process that started at another time) may or may not
 * have reached HQ: it becomes unknown, with its numbers, and is never
 * sent again without the coordinator. Queued numbers stay queued: sending continues when asked.
 * A request still owned by a live process (the app while the CLI starts, or the reverse) is
 * left alone unless it is older than any request can be.
 */
export function recoverOnStartup(db: Database.Database, nowMs = Date.now()): RecoveryReport {
  const at = new Date(nowMs).toISOString()
  // Senders are looked up before the write lock is taken, so a slow lookup blocks nobody.
  const senders = new SenderCheck()
  for (const r of db.prepare(OPEN_REQUESTS).all() as OpenRequest[]) {
    if (r.sender_pid !== null) senders.alive(r.sender_pid, r.sender_started_at)
  }
  return db
    .transaction((): RecoveryReport => {
      const open = db.prepare(OPEN_REQUESTS).all() as OpenRequest[]
      const report: RecoveryReport = {
        unknownRequests: 0,
        unknownNumbers: 0,
        abandonedRetries: 0,
        batches: []
      }
      const touched = new Set<number>()
      for (const r of open) {
        const started = r.started_at ? Date.parse(r.started_at) : 0
        const stale = nowMs - started > STALE_AFTER_MS
        if (r.sender_pid !== null && !stale && senders.alive(r.sender_pid, r.sender_started_at)) continue
        touched.add(r.batch_id)
        if (r.state === 'queued') {
          db.prepare(
            `UPDATE invite_requests SET state = 'failed', finished_at = ?, error = ? WHERE id = ?`
          ).run(at, 'Roster stopped while waiting to retry; this request never reached HQ.', r.id)
          report.abandonedRetries++
          continue
        }
        db.prepare(
          `UPDATE invite_requests SET state = 'unknown', finished_at = ?, error = ? WHERE id = ?`
        ).run(at, 'Roster stopped while this request was on its way to HQ.', r.id)
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
      // A batch marked sending whose sender is gone.
      const orphans = db
        .prepare(
          `SELECT b.id FROM invite_batches b WHERE b.state = 'sending'
           AND NOT EXISTS (SELECT 1 FROM invite_requests r WHERE r.batch_id = b.id AND r.state IN ('sending', 'queued'))`
        )
        .all() as { id: number }[]
      for (const o of orphans) touched.add(o.id)
      for (const batchId of touched) {
        const queued = (
          db
            .prepare(`SELECT COUNT(*) AS n FROM invite_numbers WHERE batch_id = ? AND status = 'queued'`)
            .get(batchId) as {
            n: number
          }
        ).n
        settleBatch(db, batchId, {
          now: at,
          stopReason: `Roster was closed while sending.${
            queued > 0 ? ` ${plural(queued, 'number waits', 'numbers wait')} in the outbox, not sent.` : ''
          }`
        })
      }
      report.batches = [...touched].sort((a, b) => a - b)
      return report
    })
    .immediate()
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
