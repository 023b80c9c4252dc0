import type Database from 'better-sqlite3'
import type { InviteProgress, NumberStatus } from '../../shared/invite'
import { backoffDelay, rateLimitDelay, type Random } from '../hq/backoff'
import { realClock, type Clock } from '../hq/clock'
import { HqError, isHqError } from '../hq/errors'
import type { RegistrationRequest, RegistrationResponse } from '../hq/schemas'
import { classifyFailure, lenientDigits } from './classify'
import { InviteError, plural } from './errors'
import { batchCounts, batchProgress, batchRow, settleBatch } from './summary'

export type { RegistrationRequest }
export type RegistrationAnswer = RegistrationResponse

/** The registration call of the HQ client (src/main/hq/client.ts): never retried inside. */
export interface RegistrationClient {
  register(request: RegistrationRequest, signal?: AbortSignal): Promise<RegistrationAnswer>
}

export interface RetryOptions {
  /** Tries of one request when it cannot reach HQ (connection refused, 503 + Retry-After). */
  maxAttempts?: number
  /** Waits HQ may ask for with 429 for one request before the batch stops. */
  maxRateLimitWaits?: number
  baseDelayMs?: number
  maxDelayMs?: number
  clock?: Clock
  random?: Random
}

export interface SendBatchOptions {
  db: Database.Database
  batchId: number
  client: RegistrationClient
  signal?: AbortSignal
  onProgress?: (progress: InviteProgress) => void
  /** Numbers per POST. HQ has no documented cap; 100 keeps one lost answer small. */
  chunkSize?: number
  retry?: RetryOptions
  now?: () => string
  /** How often the sender says it is alive while it holds a request; HEARTBEAT_EVERY_MS by default. */
  heartbeatMs?: number
}

export interface SendBatchResult extends InviteProgress {
  /** Why sending ended early or what needs the coordinator, or null when all went through. */
  error: string | null
}

const DEFAULT_RETRY = { maxAttempts: 5, maxRateLimitWaits: 30, baseDelayMs: 1000, maxDelayMs: 60_000 }

/**
 * While a request is sending, or queued waiting to retry, its sender writes the time into it this
 * often, so recovery in another process (recover.ts, STALE_AFTER_MS) can tell a live sender from
 * a dead one whose pid was handed to another program.
 */
export const HEARTBEAT_EVERY_MS = 5000

/** Why a sender stops when recovery elsewhere took it for dead (it was frozen, or the computer slept). */
const TAKEN_OVER =
  'Sending stopped: Roster went quiet for a while (was the computer asleep?), so the send was counted as interrupted.'

/** Batches being sent by this process: a second Send click must not race the first. */
const active = new Set<number>()

export function isSending(batchId: number): boolean {
  return active.has(batchId)
}

interface Taken {
  requestId: number
  numbers: { id: number; e164: string; digits: string; custom_user_data: string }[]
}

type Outcome =
  | { kind: 'done' }
  | { kind: 'unknown'; message: string }
  | { kind: 'stop'; message: string }
  | { kind: 'paused' }

/** The request was settled by recovery in the meantime: the sender records what it learned and sends nothing more. */
const takenOver = (db: Database.Database, batchId: number): Outcome => ({
  kind: 'stop',
  message: stopMessage(TAKEN_OVER, batchCounts(db, batchId).queued, 'send again to continue')
})

/**
 * Sends the queued numbers of a batch, one bounded request at a time, recording each step in
 * its own transaction: numbers go queued -> sending (with their request) -> an answer, or back
 * to queued when the request provably never reached HQ, or unknown when it may have.
 *
 * Sending ends early (numbers stay queued, batch "stopped") when HQ refuses the request, when
 * HQ cannot be reached after the retries, or when `signal` aborts; it ends at the first unknown
 * outcome (batch "needs-attention") so a flaky connection cannot multiply the numbers nobody is
 * sure about. Numbers whose outcome is unknown are never sent again from here: only
 * resolveUnknown() puts them back in the queue.
 */
export async function sendBatch(opts: SendBatchOptions): Promise<SendBatchResult> {
  const { db, batchId, client, signal } = opts
  const now = opts.now ?? (() => new Date().toISOString())
  const chunkSize = Math.max(1, Math.floor(opts.chunkSize ?? 100))
  const retry = { ...DEFAULT_RETRY, ...opts.retry }
  const clock = opts.retry?.clock ?? realClock
  const random = opts.retry?.random ?? Math.random
  const batch = batchRow(db, batchId)
  if (active.has(batchId)) throw new InviteError('busy', `Batch ${batchId} is already being sent.`)
  active.add(batchId)

  const emit = (): void => {
    if (opts.onProgress) opts.onProgress(batchProgress(db, batchId))
  }
  const body = {
    app_id: batch.app_id,
    ...(batch.android_only ? { android_only: true } : {}),
    ...(batch.require_email ? { require_email: true } : {}),
    ...(batch.message ? { custom_registration_message: batch.message } : {})
  }

  let stopReason: string | null = null
  // The request this send holds open; beating an answered one changes nothing.
  let holding: number | null = null
  const heartbeat = setInterval(() => {
    if (holding !== null) beat(db, holding)
  }, opts.heartbeatMs ?? HEARTBEAT_EVERY_MS)
  heartbeat.unref()
  try {
    for (;;) {
      if (signal?.aborted) {
        stopReason = pausedMessage(db, batchId)
        break
      }
      const taken = takeChunk(db, batchId, chunkSize, now())
      if (!taken) break
      holding = taken.requestId
      emit()
      const outcome = await sendOne(taken)
      holding = null
      emit()
      if (outcome.kind === 'done') continue
      if (outcome.kind === 'paused') stopReason = pausedMessage(db, batchId)
      else stopReason = outcome.message
      break
    }
  } finally {
    clearInterval(heartbeat)
    db.transaction(() => settleBatch(db, batchId, { stopReason, now: now() })).immediate()
    active.delete(batchId)
  }
  const progress = batchProgress(db, batchId)
  opts.onProgress?.(progress)
  const error = (
    db.prepare('SELECT error FROM invite_batches WHERE id = ?').get(batchId) as { error: string | null }
  ).error
  return { ...progress, error }

  async function sendOne(taken: Taken): Promise<Outcome> {
    let failures = 0
    let rateLimitWaits = 0
    let current: Taken = taken
    for (;;) {
      const request: RegistrationRequest = {
        ...body,
        users: current.numbers.map((n) => {
          const data = JSON.parse(n.custom_user_data) as Record<string, string>
          return Object.keys(data).length > 0
            ? { phone_number: n.e164, custom_user_data: data }
            : { phone_number: n.e164 }
        })
      }
      let answer: RegistrationAnswer
      try {
        answer = await client.register(request, signal)
      } catch (caught) {
        const error = isHqError(caught)
          ? caught
          : new HqError(
              'network',
              `Roster failed while sending (${caught instanceof Error ? caught.message : String(caught)}).`
            )
        const decision = classifyFailure(error)
        if (decision.action === 'unknown') {
          recordUnknown(db, current.requestId, error.message, now())
          return { kind: 'unknown', message: `${error.message}` }
        }
        if (decision.action === 'paused') {
          recordNotSent(db, current.requestId, 'failed', 'Paused before this request reached HQ.', now())
          return { kind: 'paused' }
        }
        if (decision.action === 'stop') {
          recordNotSent(db, current.requestId, 'failed', error.message, now())
          return { kind: 'stop', message: stopMessage(error.message, batchCounts(db, batchId).queued) }
        }
        // retry: HQ did nothing with it. The numbers go back to queued while we wait, so a
        // crash during the wait leaves them honestly unsent.
        const rateLimited = decision.waitMs !== undefined || error.kind === 'rate-limited'
        if (rateLimited) rateLimitWaits++
        else failures++
        const exhausted = rateLimited
          ? rateLimitWaits > retry.maxRateLimitWaits
          : failures >= retry.maxAttempts
        if (exhausted) {
          const tries = failures + rateLimitWaits
          if (!recordNotSent(db, current.requestId, 'failed', notSentReason(error), now()))
            return takenOver(db, batchId)
          return {
            kind: 'stop',
            message: stopMessage(
              `Could not send after ${plural(tries, 'try', 'tries')}: ${notSentReason(error)}`,
              batchCounts(db, batchId).queued
            )
          }
        }
        const mine = recordNotSent(
          db,
          current.requestId,
          'queued',
          `${notSentReason(error)} Sending again after the wait.`,
          now()
        )
        if (!mine) return takenOver(db, batchId)
        emit()
        const waitMs =
          decision.waitMs !== undefined
            ? rateLimitDelay(decision.waitMs, random)
            : backoffDelay(failures, { baseDelayMs: retry.baseDelayMs, maxDelayMs: retry.maxDelayMs }, random)
        try {
          await clock.sleep(waitMs, signal)
        } catch {
          db.prepare(
            `UPDATE invite_requests SET state = 'failed', finished_at = ? WHERE id = ? AND state = 'queued'`
          ).run(now(), current.requestId)
          return { kind: 'paused' }
        }
        const again = retake(db, current.requestId, now())
        if (again === 'taken-over') return takenOver(db, batchId)
        if (!again) return { kind: 'done' }
        current = again
        continue
      }
      const mine = recordAnswer(db, current.requestId, answer, now())
      return mine ? { kind: 'done' } : takenOver(db, batchId)
    }
  }
}

/** Why a request did not go through, without the client's "outcome unknown" wording (HQ did nothing). */
function notSentReason(error: HqError): string {
  if (error.kind === 'rate-limited') return 'HQ asked Roster to slow down (429).'
  if (error.kind === 'server')
    return `HQ is unavailable for now (${error.status ?? 'server error'}) and asked Roster to wait.`
  return error.message
}

function stopMessage(reason: string, queued: number, then = 'send again once this is fixed'): string {
  return queued > 0
    ? `${reason} ${plural(queued, 'number waits', 'numbers wait')} in the outbox, not sent; ${then}.`
    : reason
}

function pausedMessage(db: Database.Database, batchId: number): string {
  const queued = batchCounts(db, batchId).queued
  return `Sending paused: ${plural(queued, 'number waits', 'numbers wait')} in the outbox, not sent.`
}

/** This process is alive and still holds the request (see HEARTBEAT_EVERY_MS). */
function beat(db: Database.Database, requestId: number): void {
  if (!db.open) return
  try {
    db.prepare(
      `UPDATE invite_requests SET heartbeat_at = ? WHERE id = ? AND state IN ('sending', 'queued')`
    ).run(Date.now(), requestId)
  } catch {
    // The database is busy with another writer: the next beat comes well before recovery gives up on us.
  }
}

/** Who holds a request now, or what became of it. */
function requestState(db: Database.Database, requestId: number): string | undefined {
  return (
    db.prepare('SELECT state FROM invite_requests WHERE id = ?').get(requestId) as
      { state: string } | undefined
  )?.state
}

/** Queued -> sending for the next slice of the batch, with the request that carries them. */
function takeChunk(db: Database.Database, batchId: number, size: number, at: string): Taken | null {
  return db
    .transaction((): Taken | null => {
      const ids = db
        .prepare(`SELECT id FROM invite_numbers WHERE batch_id = ? AND status = 'queued' ORDER BY id LIMIT ?`)
        .all(batchId, size) as { id: number }[]
      if (ids.length === 0) return null
      const requestId = Number(
        db
          .prepare(
            `INSERT INTO invite_requests (batch_id, state, size, attempts, sender_pid, heartbeat_at, created_at, started_at)
             VALUES (?, 'sending', ?, 1, ?, ?, ?, ?)`
          )
          .run(batchId, ids.length, process.pid, Date.now(), at, at).lastInsertRowid
      )
      const mark = db.prepare(
        `UPDATE invite_numbers SET status = 'sending', request_id = ?, reason = NULL, updated_at = ? WHERE id = ?`
      )
      for (const { id } of ids) mark.run(requestId, at, id)
      db.prepare(
        `UPDATE invite_batches SET state = 'sending', error = NULL, updated_at = ? WHERE id = ?`
      ).run(at, batchId)
      return { requestId, numbers: numbersOf(db, requestId, 'sending') }
    })
    .immediate()
}

/**
 * After a wait: the request's numbers that are still queued go out again under it, unless
 * recovery elsewhere gave the request up while this process could not beat (it then stops).
 */
function retake(db: Database.Database, requestId: number, at: string): Taken | null | 'taken-over' {
  return db
    .transaction((): Taken | null | 'taken-over' => {
      if (requestState(db, requestId) !== 'queued') return 'taken-over'
      const changed = db
        .prepare(
          `UPDATE invite_numbers SET status = 'sending', reason = NULL, updated_at = ? WHERE request_id = ? AND status = 'queued'`
        )
        .run(at, requestId).changes
      if (changed === 0) {
        db.prepare(
          `UPDATE invite_requests SET state = 'failed', finished_at = ?, error = ? WHERE id = ?`
        ).run(at, 'Its numbers were taken up elsewhere before the retry.', requestId)
        return null
      }
      db.prepare(
        `UPDATE invite_requests SET state = 'sending', attempts = attempts + 1, sender_pid = ?, heartbeat_at = ?,
           started_at = ?, size = ? WHERE id = ?`
      ).run(process.pid, Date.now(), at, changed, requestId)
      return { requestId, numbers: numbersOf(db, requestId, 'sending') }
    })
    .immediate()
}

function numbersOf(db: Database.Database, requestId: number, status: NumberStatus): Taken['numbers'] {
  return db
    .prepare(
      `SELECT id, e164, digits, custom_user_data FROM invite_numbers WHERE request_id = ? AND status = ? ORDER BY id`
    )
    .all(requestId, status) as Taken['numbers']
}

const REASONS: Record<'success' | 'invalid_format' | 'in_use' | 'unknown', string | null> = {
  success: null,
  invalid_format: 'HQ could not read this number. Check it has the country code and only digits.',
  in_use: 'This number already belongs to a mobile worker or contact in HQ (in this or another project).',
  unknown: 'HQ answered but did not mention this number, so whether it was invited is unknown.'
}

/**
 * HQ's answer, number by number, matched on HQ's lenient digits. A number HQ did not mention
 * is unknown, not guessed. An answer that arrives after recovery elsewhere marked the request
 * unknown still wins: a real answer beats a guess. Returns whether the request was still this
 * sender's (false: recovery had taken it over).
 */
function recordAnswer(
  db: Database.Database,
  requestId: number,
  answer: RegistrationAnswer,
  at: string
): boolean {
  const verdict = new Map<string, 'success' | 'invalid_format' | 'in_use'>()
  for (const n of answer.invalid_format_numbers) verdict.set(lenientDigits(n), 'invalid_format')
  for (const n of answer.numbers_in_use) verdict.set(lenientDigits(n), 'in_use')
  for (const n of answer.success_numbers) verdict.set(lenientDigits(n), 'success')
  return db
    .transaction((): boolean => {
      const mine = requestState(db, requestId) === 'sending'
      // Numbers the coordinator already resolved (sent again, marked failed) keep that decision.
      const numbers = db
        .prepare(
          `SELECT id, digits FROM invite_numbers WHERE request_id = ? AND status IN ('sending', 'unknown')`
        )
        .all(requestId) as { id: number; digits: string }[]
      const update = db.prepare(
        `UPDATE invite_numbers SET status = ?, reason = ?, updated_at = ? WHERE id = ?`
      )
      let unmentioned = 0
      for (const n of numbers) {
        const status = verdict.get(n.digits) ?? 'unknown'
        if (status === 'unknown') unmentioned++
        update.run(status, REASONS[status], at, n.id)
      }
      db.prepare(`UPDATE invite_requests SET state = 'done', finished_at = ?, error = ? WHERE id = ?`).run(
        at,
        unmentioned > 0 ? `HQ's answer did not mention ${plural(unmentioned, 'number')}.` : null,
        requestId
      )
      return mine
    })
    .immediate()
}

function recordUnknown(db: Database.Database, requestId: number, message: string, at: string): void {
  db.transaction(() => {
    db.prepare(`UPDATE invite_requests SET state = 'unknown', finished_at = ?, error = ? WHERE id = ?`).run(
      at,
      message,
      requestId
    )
    // Numbers recovery already marked unknown get the real cause instead of "Roster stopped".
    db.prepare(
      `UPDATE invite_numbers SET status = 'unknown', reason = ?, updated_at = ? WHERE request_id = ? AND status IN ('sending', 'unknown')`
    ).run(`Outcome unknown: ${message}`, at, requestId)
  }).immediate()
}

/**
 * The request did not reach HQ (or HQ refused all of it): its numbers are queued again, unsent,
 * even those recovery elsewhere had marked unknown (this is the real answer). Returns whether
 * the request was still this sender's; one recovery took over is not kept for a retry.
 */
function recordNotSent(
  db: Database.Database,
  requestId: number,
  next: 'queued' | 'failed',
  message: string,
  at: string
): boolean {
  return db
    .transaction((): boolean => {
      const mine = requestState(db, requestId) === 'sending'
      const state = mine ? next : 'failed'
      db.prepare(`UPDATE invite_requests SET state = ?, finished_at = ?, error = ? WHERE id = ?`).run(
        state,
        state === 'failed' ? at : null,
        message,
        requestId
      )
      db.prepare(
        `UPDATE invite_numbers SET status = 'queued', reason = ?, updated_at = ? WHERE request_id = ? AND status IN ('sending', 'unknown')`
      ).run(`Not sent yet: ${message}`, at, requestId)
      return mine
    })
    .immediate()
}
