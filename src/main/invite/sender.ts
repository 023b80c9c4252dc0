import type Database from 'better-sqlite3'
import type { InviteProgress, NumberStatus } from '../../shared/invite'
import { backoffDelay, rateLimitDelay, type Random } from '../hq/backoff'
import { realClock, type Clock } from '../hq/clock'
import { HqError, isHqError } from '../hq/errors'
import type { RegistrationRequest, RegistrationResponse } from '../hq/schemas'
import { awaitAccounts } from './accounts'
import { writeIfFree, writeWhenFree } from './busy'
import {
  senderFor,
  type BatchInfo,
  type ChannelAnswer,
  type InviteClient,
  type TakenNumber
} from './channels'
import { classifyFailure } from './classify'
import { InviteError, plural } from './errors'
import { batchCounts, batchInfo, batchProgress, settleBatch } from './summary'

export type { RegistrationRequest }
export type RegistrationAnswer = RegistrationResponse

/** The registration call of the HQ client (src/main/hq/client.ts): never retried inside. */
export interface RegistrationClient {
  register(request: RegistrationRequest, signal?: AbortSignal): Promise<RegistrationAnswer>
}
export type { InviteClient }

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
  client: InviteClient
  signal?: AbortSignal
  onProgress?: (progress: InviteProgress) => void
  /** Numbers per POST. HQ has no documented cap; 100 keeps one lost answer small. */
  chunkSize?: number
  retry?: RetryOptions
  now?: () => string
  /** How often the sender says it is alive while it holds a request; HEARTBEAT_EVERY_MS by default. */
  heartbeatMs?: number
  /**
   * Told what the sender could not record because the database was closed under it (HQ's
   * answer, most importantly), so it is not lost without a trace; stderr by default.
   */
  log?: (message: string) => void
  /**
   * Channel 2: how long to wait, after the upload, for HQ to create the accounts (polling its list of
   * inactive users). 0 (the default) does not wait: the next sync settles them.
   */
  waitForAccountsMs?: number
  /** Between two looks at HQ's list while waiting for accounts; 5 s by default. */
  accountPollMs?: number
}

export interface SendBatchResult extends InviteProgress {
  /** Why sending ended early or what needs the coordinator, or null when all went through. */
  error: string | null
  /**
   * HQ answered 404 to the channel's endpoint (SMS self-registration retired, say): the caller
   * should probe the server again and store what it offers.
   */
  endpointMissing: boolean
}

const DEFAULT_RETRY = { maxAttempts: 5, maxRateLimitWaits: 30, baseDelayMs: 1000, maxDelayMs: 60_000 }

/**
 * While a request is sending, or queued waiting to retry, its sender writes the time into it this
 * often, so recovery in another process (recover.ts, STALE_AFTER_MS) can tell a live sender from
 * a dead one whose pid was handed to another program.
 */
export const HEARTBEAT_EVERY_MS = 5000

/**
 * A beat never waits for the lock (the app's thread would freeze while another program writes):
 * a skipped beat is tried again this soon, so the heartbeat is fresh a moment after the lock ends.
 */
const BEAT_RETRY_MS = 250

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
  numbers: TakenNumber[]
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
  const batch: BatchInfo = batchInfo(db, batchId)
  const channel = senderFor(batch.channel)
  if (active.has(batchId)) throw new InviteError('busy', `Batch ${batchId} is already being sent.`)
  active.add(batchId)

  const emit = (): void => {
    if (opts.onProgress) opts.onProgress(batchProgress(db, batchId))
  }
  const log = opts.log ?? ((message: string) => void process.stderr.write(`${message}\n`))
  const sleep = (ms: number, until?: AbortSignal): Promise<void> => clock.sleep(ms, until)
  /**
   * Records what is now known (HQ's answer, or that a request certainly did not reach HQ),
   * waiting for the database as long as another program holds it: the outcome stays in memory
   * and the request stays "sending" with this sender's heartbeat, so recovery leaves it alone.
   * Pausing does not stop it; only a closed database (Roster quitting) does, and then what was
   * lost is logged and recovery marks the request unknown.
   */
  const record = async <T>(write: () => T, what: () => string): Promise<T> => {
    const result = await writeWhenFree(db, write, { sleep })
    if (result.written) return result.value
    const message = `Roster closed the database before it could record ${what()}`
    log(message)
    throw new Error(message)
  }
  let stopReason: string | null = null
  let endpointMissing = false
  // The latest request of this send: its heartbeat says the sender is alive, during a request
  // and between two of them (recovery reads a sending batch's latest request).
  let holding: number | null = null
  const heartbeat = startHeartbeat(db, () => holding, opts.heartbeatMs ?? HEARTBEAT_EVERY_MS)
  try {
    for (;;) {
      if (signal?.aborted) {
        stopReason = pausedMessage(db, batchId)
        break
      }
      // Nothing is at stake before a request leaves: pausing may end this wait.
      const next = await writeWhenFree(
        db,
        () => takeChunk(db, batchId, channel.chunkSize(chunkSize), now()),
        {
          signal,
          sleep
        }
      )
      if (!next.written) {
        if (next.why === 'closed')
          throw new Error(`Roster closed the database while sending batch ${batchId}.`)
        stopReason = pausedMessage(db, batchId)
        break
      }
      const taken = next.value
      if (!taken) break
      holding = taken.requestId
      emit()
      const outcome = await sendOne(taken)
      emit()
      if (outcome.kind === 'done') continue
      if (outcome.kind === 'paused') stopReason = pausedMessage(db, batchId)
      else stopReason = outcome.message
      break
    }
    if (stopReason === null && batch.channel === 'sms-confirmation' && (opts.waitForAccountsMs ?? 0) > 0) {
      await awaitAccounts({
        db,
        batch,
        client,
        waitMs: opts.waitForAccountsMs ?? 0,
        pollMs: opts.accountPollMs ?? 5000,
        clock,
        now,
        ...(signal ? { signal } : {}),
        onProgress: emit
      })
    }
  } finally {
    heartbeat.stop()
    try {
      const settled = await writeWhenFree(
        db,
        () => db.transaction(() => settleBatch(db, batchId, { stopReason, now: now() })).immediate(),
        { sleep }
      )
      if (!settled.written)
        log(`Roster closed the database before it could update the state of batch ${batchId}.`)
    } catch (error) {
      log(
        `Roster could not update the state of batch ${batchId}: ${error instanceof Error ? error.message : String(error)}`
      )
    } finally {
      // However settling went, this process no longer sends the batch: Send works again and
      // recovery may judge its requests.
      active.delete(batchId)
    }
  }
  const progress = batchProgress(db, batchId)
  opts.onProgress?.(progress)
  const error = (
    db.prepare('SELECT error FROM invite_batches WHERE id = ?').get(batchId) as { error: string | null }
  ).error
  return { ...progress, error, endpointMissing }

  async function sendOne(taken: Taken): Promise<Outcome> {
    let failures = 0
    let rateLimitWaits = 0
    let current: Taken = taken
    for (;;) {
      const { requestId } = current
      let answer: ChannelAnswer
      try {
        answer = await channel.send(batch, current.numbers, client, signal)
      } catch (caught) {
        const error = isHqError(caught)
          ? caught
          : new HqError(
              'network',
              `Roster failed while sending (${caught instanceof Error ? caught.message : String(caught)}).`
            )
        const at = now()
        const notRecorded = (what: string) => () =>
          `that request ${requestId} of batch ${batchId} ${what} (${error.message}).`
        const decision = classifyFailure(error)
        if (decision.action === 'unknown') {
          await record(
            () => recordUnknown(db, requestId, error.message, at),
            notRecorded('may or may not have reached HQ')
          )
          return { kind: 'unknown', message: `${error.message}` }
        }
        if (decision.action === 'paused') {
          await record(
            () => recordNotSent(db, requestId, 'failed', 'Paused before this request reached HQ.', at),
            notRecorded('did not reach HQ')
          )
          return { kind: 'paused' }
        }
        if (decision.action === 'stop') {
          if (error.kind === 'not-found') endpointMissing = true
          await record(
            () => recordNotSent(db, requestId, 'failed', error.message, at),
            notRecorded('was refused by HQ')
          )
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
          const mine = await record(
            () => recordNotSent(db, requestId, 'failed', notSentReason(error), at),
            notRecorded('did not reach HQ')
          )
          if (!mine) return takenOver(db, batchId)
          return {
            kind: 'stop',
            message: stopMessage(
              `Could not send after ${plural(tries, 'try', 'tries')}: ${notSentReason(error)}`,
              batchCounts(db, batchId).queued
            )
          }
        }
        const mine = await record(
          () =>
            recordNotSent(
              db,
              requestId,
              'queued',
              `${notSentReason(error)} Sending again after the wait.`,
              at
            ),
          notRecorded('did not reach HQ')
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
          abandonRetry(db, requestId, now())
          return { kind: 'paused' }
        }
        // Nothing has left yet: pausing may end a wait for the database here too.
        const again = await writeWhenFree(db, () => retake(db, requestId, now()), { signal, sleep })
        if (!again.written) {
          if (again.why === 'closed')
            throw new Error(`Roster closed the database while sending batch ${batchId}.`)
          abandonRetry(db, requestId, now())
          return { kind: 'paused' }
        }
        if (again.value === 'taken-over') return takenOver(db, batchId)
        if (!again.value) return { kind: 'done' }
        current = again.value
        continue
      }
      const at = now()
      const mine = await record(
        () => recordAnswer(db, requestId, answer, at),
        () => `HQ's answer to request ${requestId} of batch ${batchId}: ${answer.summary}.`
      )
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

/**
 * Says every `everyMs` that this process is alive and still sends (see HEARTBEAT_EVERY_MS), by
 * writing the time into the request `holding()` names. A beat never waits for the lock: while
 * another program writes, it is skipped and tried again after BEAT_RETRY_MS.
 */
function startHeartbeat(
  db: Database.Database,
  holding: () => number | null,
  everyMs: number
): { stop(): void } {
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  const schedule = (ms: number): void => {
    if (stopped) return
    timer = setTimeout(tick, ms)
    timer.unref()
  }
  const tick = (): void => {
    const requestId = holding()
    let beaten = true
    try {
      if (requestId !== null)
        beaten = writeIfFree(db, () => {
          db.prepare(`UPDATE invite_requests SET heartbeat_at = ? WHERE id = ?`).run(Date.now(), requestId)
        })
    } catch {
      // Not a busy database (the connection closing under us, say): the send itself will say so.
    }
    schedule(beaten ? everyMs : Math.min(everyMs, BEAT_RETRY_MS))
  }
  schedule(everyMs)
  return {
    stop() {
      stopped = true
      clearTimeout(timer)
    }
  }
}

/**
 * A wait to retry that ends without the retry (paused): the request never reached HQ. Tried
 * once; if the database is busy, recovery finds the request waiting with nobody sending it and
 * fails it the same way, its numbers staying queued.
 */
function abandonRetry(db: Database.Database, requestId: number, at: string): void {
  writeIfFree(db, () => {
    db.prepare(
      `UPDATE invite_requests SET state = 'failed', finished_at = ? WHERE id = ? AND state = 'queued'`
    ).run(at, requestId)
  })
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
        `UPDATE invite_numbers SET status = 'sending', request_id = ?, reason = NULL, attempts = attempts + 1,
           updated_at = ? WHERE id = ?`
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
          `UPDATE invite_numbers SET status = 'sending', reason = NULL, attempts = attempts + 1, updated_at = ?
           WHERE request_id = ? AND status = 'queued'`
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
      `SELECT id, e164, digits, custom_user_data, username, email, first_name, last_name, attempts
       FROM invite_numbers WHERE request_id = ? AND status = ? ORDER BY id`
    )
    .all(requestId, status) as Taken['numbers']
}

const UNMENTIONED = 'HQ answered but did not mention this number, so whether it was invited is unknown.'

/** HQ invited a number after the coordinator had decided about its unknown outcome. */
const LATE_SUCCESS: Record<'failed' | 'queued', string> = {
  failed: 'HQ answered late: it did invite this number, so it counts as invited (you had marked it failed).',
  queued:
    'HQ answered late: it did invite this number, so it was taken out of the queue and is not sent twice.'
}

/**
 * HQ's answer, number by number (the channel matched it to the numbers). A number HQ did not
 * mention is unknown, not guessed. An answer that arrives after recovery elsewhere marked the request
 * unknown still wins: a real answer beats a guess. So does an answer about a number the
 * coordinator has since marked failed (a guess too) or queued to send again but not yet sent:
 * it leaves the queue rather than get a second SMS. A number already sent again belongs to its
 * new request and is not touched. Returns whether the request was still this sender's (false:
 * recovery had taken it over).
 */
function recordAnswer(db: Database.Database, requestId: number, answer: ChannelAnswer, at: string): boolean {
  return db
    .transaction((): boolean => {
      const mine = requestState(db, requestId) === 'sending'
      // 'failed' and 'queued' here are what the coordinator made of an unknown outcome (mark as
      // failed, send again, perhaps cancelled since): this request's numbers that never reached
      // HQ are not in its answer, so an answer about one means HQ received it.
      const numbers = db
        .prepare(
          `SELECT id, digits, status FROM invite_numbers
           WHERE request_id = ? AND status IN ('sending', 'unknown', 'failed', 'queued')`
        )
        .all(requestId) as { id: number; digits: string; status: NumberStatus }[]
      const update = db.prepare(
        `UPDATE invite_numbers SET status = ?, reason = ?, hq_user_id = COALESCE(?, hq_user_id), updated_at = ?
         WHERE id = ?`
      )
      let unmentioned = 0
      for (const n of numbers) {
        const said = answer.verdicts.get(n.id)
        if (n.status === 'failed' || n.status === 'queued') {
          // HQ said nothing about it: the coordinator's decision stands.
          if (said === undefined || said.status === 'unknown') continue
          const reason = said.status === 'success' ? LATE_SUCCESS[n.status] : said.reason
          update.run(said.status, reason, said.hqUserId ?? null, at, n.id)
          continue
        }
        const verdict = said ?? { status: 'unknown' as const, reason: UNMENTIONED }
        if (verdict.status === 'unknown') unmentioned++
        update.run(verdict.status, verdict.reason, verdict.hqUserId ?? null, at, n.id)
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
