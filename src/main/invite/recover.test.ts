import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { createBatch, getBatch, recoverOnStartup } from './index'
import { ownStartTime, processStartTime, START_TOLERANCE_MS } from './processStart'
import { kenyanNumbers, rowsOf, tempDb, type TempDb } from './testing'

let t: TempDb | undefined
let child: ChildProcess | undefined
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited
  }
  child = undefined
  t?.cleanup()
  t = undefined
})

/** Another live process, which tells its start time the way a sender records its own. */
async function liveProcess(): Promise<{ pid: number; startedAt: number }> {
  child = spawn(
    process.execPath,
    [
      '-e',
      'process.stdout.write(String(Date.now() - process.uptime() * 1000) + "\\n"); setInterval(() => {}, 1000)'
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  )
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer]
  return { pid: child.pid!, startedAt: Math.round(Number(chunk.toString().trim())) }
}

/** A batch whose three numbers are on their way to HQ in one request sent by `sender`. */
function inFlight(db: TempDb, sender: { pid: number; startedAt: number | null }): number {
  const batchId = createBatch(db.db, {
    projectId: db.project.id,
    options: { appId: 'app-1' },
    rows: rowsOf(kenyanNumbers(3))
  })
  const now = new Date().toISOString()
  const requestId = Number(
    db.db
      .prepare(
        `INSERT INTO invite_requests (batch_id, state, size, attempts, sender_pid, sender_started_at, created_at, started_at)
         VALUES (?, 'sending', 3, 1, ?, ?, ?, ?)`
      )
      .run(batchId, sender.pid, sender.startedAt, now, now).lastInsertRowid
  )
  db.db
    .prepare(`UPDATE invite_numbers SET status = 'sending', request_id = ? WHERE batch_id = ?`)
    .run(requestId, batchId)
  db.db.prepare(`UPDATE invite_batches SET state = 'sending' WHERE id = ?`).run(batchId)
  return batchId
}

describe('startup recovery and reused pids', () => {
  it('leaves alone a request whose sender still runs: same pid, same start time', async () => {
    t = tempDb()
    const sender = await liveProcess()
    const batchId = inFlight(t, sender)
    expect(recoverOnStartup(t.db)).toMatchObject({ unknownRequests: 0, batches: [] })
    expect(getBatch(t.db, batchId).batch.counts.sending).toBe(3)
  })

  it('treats a live pid that started at another time as the dead sender’s pid handed to someone else', async () => {
    t = tempDb()
    const other = await liveProcess()
    // The sender started an hour before the process that holds its pid now.
    const batchId = inFlight(t, { pid: other.pid, startedAt: other.startedAt - 3_600_000 })
    expect(recoverOnStartup(t.db)).toMatchObject({
      unknownRequests: 1,
      unknownNumbers: 3,
      batches: [batchId]
    })
    const { batch } = getBatch(t.db, batchId)
    expect(batch.state).toBe('needs-attention')
    expect(batch.counts).toMatchObject({ sending: 0, unknown: 3 })
  })

  it('goes by the pid alone for requests an older Roster wrote without a start time', async () => {
    t = tempDb()
    const sender = await liveProcess()
    inFlight(t, { pid: sender.pid, startedAt: null })
    expect(recoverOnStartup(t.db).unknownRequests).toBe(0)
  })

  it('reads this process’s start time as the system tells another’s', async () => {
    const own = await ownStartTime()
    expect(Math.abs(own - (Date.now() - process.uptime() * 1000))).toBeLessThanOrEqual(START_TOLERANCE_MS)
    const seen = processStartTime(process.pid)
    if (process.platform === 'linux') expect(Math.abs(seen! - own)).toBeLessThan(100)
    expect(processStartTime(2 ** 22 + 12345)).toBeNull()
  })
})
