import Database from 'better-sqlite3'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { startSim, type Sim } from '../../../test/hq-sim'
import { createHqClient } from '../hq/client'
import { createBatch, getBatch, recoverOutbox, resolveUnknown, sendBatch } from './index'
import { STALE_AFTER_MS } from './recover'
import {
  deadPid,
  kenyanNumbers,
  requestInFlight,
  rowsOf,
  spawnLocker,
  spawnSender,
  tempDb,
  type Locker,
  type SenderProcess,
  type TempDb
} from './testing'

let t: TempDb | undefined
let sim: Sim | undefined
const children: ChildProcess[] = []
const lockers: Locker[] = []
afterEach(async () => {
  for (const locker of lockers.splice(0)) await locker.close()
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue
    const exited = once(child, 'exit')
    child.kill('SIGCONT') // a frozen child cannot die of SIGKILL before it is reaped otherwise
    child.kill('SIGKILL')
    await exited
  }
  await sim?.close()
  sim = undefined
  t?.cleanup()
  t = undefined
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Another live program: whatever holds a pid that once was a sender's. */
async function otherProgram(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); console.log("up")'], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  children.push(child)
  await once(child.stdout!, 'data')
  return child.pid!
}

async function locker(dbPath: string): Promise<Locker> {
  const l = await spawnLocker(dbPath)
  lockers.push(l)
  return l
}

function sender(opts: Parameters<typeof spawnSender>[0]): SenderProcess {
  const s = spawnSender(opts)
  children.push(s.proc)
  return s
}

/** A batch whose three numbers are on their way to HQ in one request held by `holder.pid`. */
function inFlight(db: TempDb, holder: Parameters<typeof requestInFlight>[2]): number {
  return requestInFlight(db.db, db.project.id, holder)
}

function heartbeatOf(db: TempDb, batchId: number): number {
  return (
    db.db
      .prepare(`SELECT MAX(heartbeat_at) AS at FROM invite_requests WHERE batch_id = ? AND state = 'sending'`)
      .get(batchId) as { at: number }
  ).at
}

async function batchOf(numbers: number, simOptions: Parameters<typeof startSim>[0]) {
  sim = await startSim({ era: '2019', users: 5, ...simOptions })
  t = tempDb({ server: sim.url, domain: sim.domain })
  const batchId = createBatch(t.db, {
    projectId: t.project.id,
    options: { appId: sim.data.applications[0]!.id },
    rows: rowsOf(kenyanNumbers(numbers))
  })
  return { sim, t, batchId }
}

describe('recovering requests whose sender is gone', () => {
  it('recovers a request whose pid is alive but whose heartbeat is stale: the pid went to another program', async () => {
    t = tempDb()
    const batchId = inFlight(t, { pid: await otherProgram(), heartbeatAgoMs: STALE_AFTER_MS + 60_000 })
    expect(recoverOutbox(t.db)).toMatchObject({
      unknownRequests: 1,
      unknownNumbers: 3,
      abandonedRetries: 0,
      batches: [batchId]
    })
    const { batch, numbers } = getBatch(t.db, batchId)
    expect(batch.state).toBe('needs-attention')
    expect(batch.counts).toMatchObject({ sending: 0, unknown: 3 })
    expect(numbers[0]!.reason).toContain('Roster stopped')
  })

  it('recovers a request whose pid is gone even though it beat a moment ago', async () => {
    t = tempDb()
    const batchId = inFlight(t, { pid: await deadPid(), heartbeatAgoMs: 0 })
    expect(recoverOutbox(t.db)).toMatchObject({ unknownRequests: 1, batches: [batchId] })
  })

  it('takes a request left with this process’s pid for a dead predecessor’s, as this process is not sending it', () => {
    t = tempDb()
    const batchId = inFlight(t, { pid: process.pid, heartbeatAgoMs: 0 })
    expect(recoverOutbox(t.db)).toMatchObject({ unknownRequests: 1, batches: [batchId] })
  })

  it('counts the start of a request written before heartbeats as its only beat', async () => {
    t = tempDb()
    const pid = await otherProgram()
    const recent = inFlight(t, { pid, heartbeatAgoMs: null, startedAgoMs: 1000 })
    const old = inFlight(t, { pid, heartbeatAgoMs: null, startedAgoMs: STALE_AFTER_MS + 60_000 })
    expect(recoverOutbox(t.db)).toMatchObject({ unknownRequests: 1, batches: [old] })
    expect(getBatch(t.db, recent).batch.counts.sending).toBe(3)
  })

  it('leaves a running pid a minute without a heartbeat: another program’s long write can keep a live sender from beating that long', async () => {
    t = tempDb()
    const batchId = inFlight(t, { pid: await otherProgram(), heartbeatAgoMs: 60_000 })
    expect(recoverOutbox(t.db)).toMatchObject({ unknownRequests: 0, batches: [] })
    expect(getBatch(t.db, batchId).batch.counts.sending).toBe(3)
  })

  it('judges a running pid’s stale heartbeat only when no other program was writing, and recovers gone pids meanwhile', async () => {
    t = tempDb()
    const quiet = inFlight(t, { pid: await otherProgram(), heartbeatAgoMs: STALE_AFTER_MS + 60_000 })
    const gone = inFlight(t, { pid: await deadPid(), heartbeatAgoMs: 0 })
    const other = await locker(t.path)
    await other.hold(1000)
    // Recovery waits out the other program's write; a live sender could not beat during it either.
    expect(recoverOutbox(t.db)).toMatchObject({ unknownRequests: 1, batches: [gone] })
    expect(getBatch(t.db, quiet).batch.counts).toMatchObject({ sending: 3, unknown: 0 })
    await other.released()
    // With the database free, a silence that long means the pid went to another program.
    expect(recoverOutbox(t.db)).toMatchObject({ unknownRequests: 1, batches: [quiet] })
  })

  it('does not take the write lock when nothing needs recovering', async () => {
    t = tempDb()
    inFlight(t, { pid: await otherProgram(), heartbeatAgoMs: 0 })
    // Another connection holds the write lock: a recovery that tried to write would wait, then fail.
    t.db.pragma('busy_timeout = 0')
    const writer = tempDbWriter(t)
    try {
      expect(recoverOutbox(t.db)).toMatchObject({ unknownRequests: 0, batches: [] })
    } finally {
      writer.rollback()
    }
  })
})

/**
 * 150 numbers, a sender in its own process frozen (SIGSTOP, as a laptop asleep) with its first
 * request of 50 at HQ (which answers after 3 s), its heartbeat gone stale.
 */
async function frozenMidRequest() {
  const { sim, t, batchId } = await batchOf(150, { latencyMs: 3000 })
  const child = sender({ dbPath: t.path, sim, batchId, chunkSize: 50, heartbeatMs: 100 })
  expect(await child.progress((c) => c.sending === 50), child.stderr()).not.toBeNull()
  await sleep(300)
  child.proc.kill('SIGSTOP')
  await sleep(1500)
  return { sim, t, batchId, child }
}

/** A second connection to the same file (as the CLI opens the app's), holding the write lock until rolled back. */
function tempDbWriter(db: TempDb): { rollback(): void } {
  const other = new Database(db.path)
  other.exec('BEGIN IMMEDIATE')
  return {
    rollback() {
      other.exec('ROLLBACK')
      other.close()
    }
  }
}

describe('a live sender in another process', () => {
  it('is left alone while it beats, however long HQ takes to answer', async () => {
    const { sim, t, batchId } = await batchOf(50, { latencyMs: 4000 })
    const child = sender({ dbPath: t.path, sim, batchId, chunkSize: 50, heartbeatMs: 100 })
    expect(await child.progress((c) => c.sending === 50), child.stderr()).not.toBeNull()
    const first = heartbeatOf(t, batchId)
    // A second of silence would count as dead below; the sender keeps beating through it.
    while (heartbeatOf(t, batchId) < first + 1000) await sleep(50)
    expect(recoverOutbox(t.db, { staleAfterMs: 1000 })).toMatchObject({ unknownRequests: 0, batches: [] })
    expect(getBatch(t.db, batchId).batch.counts.sending).toBe(50)

    await child.exited
    expect(child.finished()).toBe('done')
    expect(getBatch(t.db, batchId).batch.counts).toMatchObject({ success: 50, unknown: 0 })
  }, 60_000)

  it('is not taken for dead while another program’s long write keeps it from beating', async () => {
    const { sim, t, batchId } = await batchOf(50, { latencyMs: 4000 })
    const other = await locker(t.path)
    const child = sender({ dbPath: t.path, sim, batchId, chunkSize: 50, heartbeatMs: 100 })
    expect(await child.progress((c) => c.sending === 50), child.stderr()).not.toBeNull()
    await other.hold(2500)
    await sleep(1500)
    // Silent for longer than counts as dead below: it cannot write while the other program does.
    expect(Date.now() - heartbeatOf(t, batchId)).toBeGreaterThan(1000)
    expect(recoverOutbox(t.db, { staleAfterMs: 1000 })).toMatchObject({ unknownRequests: 0, batches: [] })
    expect(getBatch(t.db, batchId).batch.counts.sending).toBe(50)

    const [code] = await child.exited
    expect(code, child.stderr()).toBe(0)
    expect(child.finished()).toBe('done')
    expect(getBatch(t.db, batchId).batch.counts).toMatchObject({ success: 50, unknown: 0 })
  }, 60_000)

  it('lets HQ’s late answer overrule “mark as failed” and a “send again” not yet sent, so no number is invited twice', async () => {
    const { sim, t, batchId, child } = await frozenMidRequest()
    expect(recoverOutbox(t.db, { staleAfterMs: 1000 })).toMatchObject({ unknownNumbers: 50 })

    // The coordinator guesses about the unknown outcome before HQ's answer is in.
    const unknown = getBatch(t.db, batchId, { status: 'unknown' }).numbers
    const markedFailed = unknown.slice(0, 25)
    const sendAgain = unknown.slice(25)
    resolveUnknown(
      t.db,
      batchId,
      markedFailed.map((n) => n.id),
      'mark-failed'
    )
    resolveUnknown(
      t.db,
      batchId,
      sendAgain.map((n) => n.id),
      'resend'
    )

    // HQ had invited all 50, and says so once the sender wakes up.
    child.proc.kill('SIGCONT')
    const [code] = await child.exited
    expect(code, child.stderr()).toBe(0)
    const after = new Map(getBatch(t.db, batchId).numbers.map((n) => [n.id, n]))
    for (const n of markedFailed) {
      expect(after.get(n.id)).toMatchObject({
        status: 'success',
        reason: expect.stringContaining('marked it failed')
      })
    }
    for (const n of sendAgain) {
      expect(after.get(n.id)).toMatchObject({
        status: 'success',
        reason: expect.stringContaining('not sent twice')
      })
    }
    expect(getBatch(t.db, batchId).batch.counts).toMatchObject({
      success: 50,
      failed: 0,
      unknown: 0,
      queued: 100
    })

    // They count as invited: a new list with them is refused without --reinvite.
    expect(() =>
      createBatch(t.db, {
        projectId: t.project.id,
        options: { appId: sim.data.applications[0]!.id },
        rows: rowsOf(markedFailed.map((n) => n.e164))
      })
    ).toThrow(/already invited/)

    // Sending the rest of the batch invites every number exactly once.
    const client = createHqClient({ server: sim.url, domain: sim.domain, ...sim.credentials })
    try {
      const rest = await sendBatch({ db: t.db, batchId, client })
      expect(rest.counts).toMatchObject({ success: 150, queued: 0, unknown: 0, failed: 0 })
    } finally {
      await client.close()
    }
    expect(sim.invitationHistory).toHaveLength(150)
    expect(new Set(sim.invitationHistory.map((i) => i.phoneNumber)).size).toBe(150)
  }, 60_000)

  it('records HQ’s late answer over the unknown that recovery wrote while it was frozen, and sends nothing more', async () => {
    const { sim, t, batchId, child } = await frozenMidRequest()
    expect(recoverOutbox(t.db, { staleAfterMs: 1000 })).toMatchObject({
      unknownRequests: 1,
      unknownNumbers: 50,
      batches: [batchId]
    })
    expect(getBatch(t.db, batchId).batch).toMatchObject({
      state: 'needs-attention',
      counts: { unknown: 50, queued: 100 }
    })

    // It wakes up and HQ's answer arrives: the real answer replaces the unknown.
    child.proc.kill('SIGCONT')
    const [code] = await child.exited
    expect(code, child.stderr()).toBe(0)
    const { batch, numbers } = getBatch(t.db, batchId)
    expect(batch.counts).toMatchObject({ success: 50, unknown: 0, queued: 100, sending: 0 })
    expect(batch.state).toBe('stopped')
    expect(batch.error).toContain('Roster went quiet')
    expect(numbers.filter((n) => n.status === 'success').every((n) => sim.invitations.has(n.digits))).toBe(
      true
    )
    // Declared dead, it sent nothing more: one request reached HQ, and only its 50 numbers.
    const posts = sim.requests.filter((r) => r.method === 'POST' && r.path.includes('sms_user_registration'))
    expect(posts).toHaveLength(1)
    expect(sim.invitations.size).toBe(50)
  }, 60_000)
})
