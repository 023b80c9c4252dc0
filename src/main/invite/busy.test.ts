import { afterEach, describe, expect, it } from 'vitest'
import { startSim, type Sim } from '../../../test/hq-sim'
import type { InviteProgress } from '../../shared/invite'
import { openDatabase } from '../db/open'
import { createHqClient, type HqClient } from '../hq/client'
import { createBatch, getBatch, isSending, recoverOutbox, sendBatch } from './index'
import { kenyanNumbers, rowsOf, spawnLocker, tempDb, type Locker, type TempDb } from './testing'

let t: TempDb | undefined
let sim: Sim | undefined
let client: HqClient | undefined
let locker: Locker | undefined
afterEach(async () => {
  await locker?.close()
  await client?.close()
  await sim?.close()
  t?.cleanup()
  locker = client = sim = t = undefined
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A batch of `numbers` numbers, a client for the simulator and another program ready to lock the database. */
async function setup(numbers: number, latencyMs: number) {
  sim = await startSim({ era: '2019', users: 5, latencyMs })
  t = tempDb({ server: sim.url, domain: sim.domain })
  const batchId = createBatch(t.db, {
    projectId: t.project.id,
    options: { appId: sim.data.applications[0]!.id },
    rows: rowsOf(kenyanNumbers(numbers))
  })
  client = createHqClient({ server: sim.url, domain: sim.domain, ...sim.credentials })
  locker = await spawnLocker(t.path)
  return { sim, t, batchId, client, locker }
}

/** The longest this thread went without running a timer, from now until stop(). */
function watchThread(): { stop(): number } {
  let last = Date.now()
  let longest = 0
  const timer = setInterval(() => {
    const now = Date.now()
    longest = Math.max(longest, now - last)
    last = now
  }, 10)
  return {
    stop() {
      clearInterval(timer)
      return Math.max(longest, Date.now() - last)
    }
  }
}

/**
 * Has `locker` take the write lock for `ms` as soon as the batch's request is on its way;
 * `locked` resolves with the time it got it.
 */
function lockWhileSending(locker: Locker, ms: number) {
  let resolve!: (at: number) => void
  let reject!: (error: unknown) => void
  const locked = new Promise<number>((res, rej) => {
    resolve = res
    reject = rej
  })
  let asked = false
  return {
    locked,
    onProgress(p: InviteProgress): void {
      if (asked || p.counts.sending === 0) return
      asked = true
      locker.hold(ms).then(() => resolve(Date.now()), reject)
    }
  }
}

function requestStates(db: TempDb['db'], batchId: number): string[] {
  return db
    .prepare('SELECT state FROM invite_requests WHERE batch_id = ? ORDER BY id')
    .pluck()
    .all(batchId) as string[]
}

describe('sending while another program holds the database', () => {
  it('records HQ’s answer that arrives while another program holds the database longer than the busy timeout', async () => {
    const { sim, t, batchId, client, locker } = await setup(50, 1500)
    const lock = lockWhileSending(locker, 7000)
    const sending = sendBatch({
      db: t.db,
      batchId,
      client,
      chunkSize: 50,
      // No beats in the way: this is about the answer alone.
      heartbeatMs: 60_000,
      onProgress: lock.onProgress
    })
    await lock.locked
    // HQ answers after 1.5 s; the other program writes for 7 s, beyond SQLite's 5 s busy timeout.
    while (!sim.requests.some((r) => r.method === 'POST' && r.status === 200)) await sleep(50)
    await sleep(1000)
    // The answer waits in memory; the outbox still says the request is on its way, being sent.
    expect(getBatch(t.db, batchId).batch.counts).toMatchObject({ sending: 50, success: 0 })
    expect(requestStates(t.db, batchId)).toEqual(['sending'])
    expect(isSending(batchId)).toBe(true)

    const result = await sending
    expect(result).toMatchObject({
      state: 'done',
      error: null,
      counts: { success: 50, unknown: 0, sending: 0 }
    })
    expect(getBatch(t.db, batchId).numbers.every((n) => sim.invitations.has(n.digits))).toBe(true)
    expect(requestStates(t.db, batchId)).toEqual(['done'])
    expect(isSending(batchId)).toBe(false)
  }, 60_000)

  it('never makes its thread wait for the lock: a beat that cannot be written is skipped and tried again soon', async () => {
    const { t, batchId, client, locker } = await setup(50, 4000)
    const lock = lockWhileSending(locker, 3000)
    const sending = sendBatch({
      db: t.db,
      batchId,
      client,
      chunkSize: 50,
      heartbeatMs: 100,
      onProgress: lock.onProgress
    })
    const lockedAt = await lock.locked
    const thread = watchThread()
    await locker.released()
    const releasedAt = Date.now()
    // The app's thread (this one) kept running while the other program wrote for 3 s (a beat
    // waiting on the lock stalled it for all of that; the bound leaves room for a loaded machine).
    expect(thread.stop()).toBeLessThan(2000)
    const beat = (): number =>
      t.db
        .prepare('SELECT heartbeat_at FROM invite_requests WHERE batch_id = ?')
        .pluck()
        .get(batchId) as number
    expect(beat()).toBeLessThan(lockedAt)
    // It beats again a moment after the lock ends, not a full beat interval later.
    const deadline = Date.now() + 10_000
    while (beat() < releasedAt && Date.now() < deadline) await sleep(20)
    expect(beat()).toBeGreaterThanOrEqual(releasedAt)

    expect((await sending).counts).toMatchObject({ success: 50, unknown: 0 })
  }, 60_000)

  it('gives up on HQ’s answer only when its database is closed, logs it, and leaves the request for recovery to mark unknown', async () => {
    const { sim, t, batchId, client, locker } = await setup(50, 500)
    const logged: string[] = []
    const lock = lockWhileSending(locker, 60_000)
    const sending = sendBatch({
      db: t.db,
      batchId,
      client,
      chunkSize: 50,
      heartbeatMs: 100,
      log: (line) => logged.push(line),
      onProgress: lock.onProgress
    })
    const outcome = sending.then(
      () => null,
      (error: unknown) => error as Error
    )
    await lock.locked
    while (!sim.requests.some((r) => r.method === 'POST' && r.status === 200)) await sleep(50)
    await sleep(500)
    // Roster quits (the app closes its database) while the other program still writes.
    t.db.close()
    expect((await outcome)?.message).toMatch(/closed the database before it could record HQ's answer/)
    expect(isSending(batchId)).toBe(false)
    const invited = [...sim.invitations.keys()]
    expect(invited).toHaveLength(50)
    // What HQ said is in the log, every number of it.
    const answerLine = logged.find((line) => line.includes('HQ'))
    expect(answerLine).toContain('invited 50')
    expect(invited.every((digits) => answerLine!.includes(digits))).toBe(true)

    // The next start: the request was on its way and nobody recorded how it ended, so it is unknown.
    await locker.release()
    const db = openDatabase(t.path)
    try {
      expect(recoverOutbox(db)).toMatchObject({ unknownRequests: 1, unknownNumbers: 50, batches: [batchId] })
      expect(getBatch(db, batchId).batch).toMatchObject({ state: 'needs-attention', counts: { unknown: 50 } })
    } finally {
      db.close()
    }
  }, 60_000)
})
