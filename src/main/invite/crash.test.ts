import { afterEach, expect, it } from 'vitest'
import { startSim, type Sim } from '../../../test/hq-sim'
import { createHqClient } from '../hq/client'
import { createBatch, getBatch, recoverOutbox, sendBatch } from './index'
import { kenyanNumbers, rowsOf, spawnSender, tempDb, type TempDb } from './testing'

let t: TempDb | undefined
let sim: Sim | undefined
afterEach(async () => {
  await sim?.close()
  t?.cleanup()
})

it('survives SIGKILL mid-request: nothing is lost, nothing is sent twice, the in-flight request becomes unknown', async () => {
  sim = await startSim({ era: '2019', users: 20, latencyMs: 400 })
  t = tempDb({ server: sim.url, domain: sim.domain })
  const numbers = kenyanNumbers(1000)
  const batchId = createBatch(t.db, {
    projectId: t.project.id,
    options: { appId: sim.data.applications[0]!.id },
    rows: rowsOf(numbers)
  })

  const sender = spawnSender({ dbPath: t.path, sim, batchId, chunkSize: 50 })

  // Wait until three requests are answered and the fourth is on its way to HQ.
  const inFlight = await sender.progress((counts) => counts.success >= 150 && counts.sending > 0)
  expect(inFlight, sender.stderr()).not.toBeNull()

  // Another Roster process starting now must not touch the live sender's request.
  const early = recoverOutbox(t.db)
  expect(early.unknownRequests).toBe(0)
  expect(getBatch(t.db, batchId, { status: 'sending' }).numbers).toHaveLength(50)

  // Kill while the request is most likely at the simulator (its latency is 400 ms).
  await new Promise((r) => setTimeout(r, 150))
  sender.proc.kill('SIGKILL')
  const [code, signal] = await sender.exited
  expect(signal).toBe('SIGKILL')
  expect(code).toBeNull()
  // Let the simulator finish whatever it received from the dead process.
  await new Promise((r) => setTimeout(r, 600))

  const report = recoverOutbox(t.db)
  expect(report).toMatchObject({ unknownRequests: 1, unknownNumbers: 50, batches: [batchId] })
  const { batch, numbers: rows } = getBatch(t.db, batchId)
  expect(batch.state).toBe('needs-attention')
  expect(new Set(rows.map((n) => n.status))).toEqual(new Set(['success', 'queued', 'unknown']))
  const success = rows.filter((n) => n.status === 'success')
  const queued = rows.filter((n) => n.status === 'queued')
  const unknown = rows.filter((n) => n.status === 'unknown')
  expect(unknown).toHaveLength(50)
  expect(success.length + queued.length + unknown.length).toBe(1000)
  expect(success.every((n) => sim!.invitations.has(n.digits))).toBe(true)
  expect(queued.every((n) => !sim!.invitations.has(n.digits))).toBe(true)
  expect(unknown[0]!.reason).toContain('Roster stopped')

  // Sending resumes with the queued numbers only; the unknown ones wait for the coordinator.
  const client = createHqClient({ server: sim.url, domain: sim.domain, ...sim.credentials })
  const resumed = await sendBatch({ db: t.db, batchId, client, chunkSize: 100 })
  await client.close()
  expect(resumed.state).toBe('needs-attention')
  expect(resumed.counts).toMatchObject({ success: 950, unknown: 50, queued: 0, sending: 0 })

  // No number reached HQ twice, and every request went out at most once: the killed one may
  // or may not have left the child before it died (which is why its numbers are unknown).
  const invited = new Map<string, number>()
  for (const inv of sim.invitationHistory)
    invited.set(inv.phoneNumber, (invited.get(inv.phoneNumber) ?? 0) + 1)
  expect([...invited.values()].every((n) => n === 1)).toBe(true)
  const posts = sim.requests.filter((r) => r.method === 'POST' && r.path.includes('sms_user_registration'))
  const sent = t.db
    .prepare('SELECT SUM(attempts) AS n FROM invite_requests WHERE batch_id = ?')
    .get(batchId) as { n: number }
  expect(posts.length).toBeLessThanOrEqual(sent.n)
  expect(posts.length).toBeGreaterThanOrEqual(sent.n - 1)
}, 90_000)

it('after SIGKILL during a wait HQ asked for, the numbers stay queued: that request never reached HQ', async () => {
  sim = await startSim({ era: '2019', users: 5, faults: '429:retry=30;path=registration' })
  t = tempDb({ server: sim.url, domain: sim.domain })
  const batchId = createBatch(t.db, {
    projectId: t.project.id,
    options: { appId: sim.data.applications[0]!.id },
    rows: rowsOf(kenyanNumbers(120))
  })
  const sender = spawnSender({ dbPath: t.path, sim, batchId, chunkSize: 50 })
  // The first request went out, HQ said 429, and its numbers are back in the queue for the wait.
  expect(await sender.progress((counts) => counts.sending > 0), sender.stderr()).not.toBeNull()
  expect(await sender.progress((counts) => counts.queued === 120), sender.stderr()).not.toBeNull()
  sender.proc.kill('SIGKILL')
  await sender.exited

  const report = recoverOutbox(t.db)
  expect(report).toMatchObject({
    unknownRequests: 0,
    unknownNumbers: 0,
    abandonedRetries: 1,
    batches: [batchId]
  })
  const { batch } = getBatch(t.db, batchId)
  expect(batch.state).toBe('stopped')
  expect(batch.counts).toMatchObject({ queued: 120, unknown: 0, sending: 0 })
  expect(batch.error).toContain('Roster was closed while sending')
  expect(sim.invitations.size).toBe(0)
}, 60_000)
