import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, expect, it } from 'vitest'
import { startSim, type Sim } from '../../../test/hq-sim'
import { createHqClient } from '../hq/client'
import { createBatch, getBatch, recoverOnStartup, sendBatch } from './index'
import { kenyanNumbers, rowsOf, tempDb, type TempDb } from './testing'

let t: TempDb | undefined
let sim: Sim | undefined
afterEach(async () => {
  await sim?.close()
  t?.cleanup()
})

const child = fileURLToPath(new URL('./send-child.fixture.ts', import.meta.url))

interface Counts {
  queued: number
  sending: number
  success: number
  unknown: number
}

it('survives SIGKILL mid-request: nothing is lost, nothing is sent twice, the in-flight request becomes unknown', async () => {
  sim = await startSim({ users: 20, latencyMs: 250 })
  t = tempDb({ server: sim.url, domain: sim.domain })
  const numbers = kenyanNumbers(1000)
  const batchId = createBatch(t.db, {
    projectId: t.project.id,
    options: { appId: sim.data.applications[0]!.id },
    rows: rowsOf(numbers)
  })

  const proc = spawn(process.execPath, ['--import', 'tsx', child, t.path, sim.url, sim.domain, String(batchId), '50'], {
    env: { ...process.env, ROSTER_API_KEY: sim.credentials.apiKey },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = once(proc, 'exit')

  // Wait until three requests are answered and the fourth is on its way to HQ.
  const lines = createInterface({ input: proc.stdout })
  let inFlight = false
  for await (const line of lines) {
    const counts = JSON.parse(line) as Counts
    if (counts.success >= 150 && counts.sending > 0) {
      inFlight = true
      break
    }
  }
  expect(inFlight, stderr).toBe(true)

  // Another Roster process starting now must not touch the live sender's request.
  const early = recoverOnStartup(t.db)
  expect(early.unknownRequests).toBe(0)
  expect(getBatch(t.db, batchId, { status: 'sending' }).numbers).toHaveLength(50)

  proc.kill('SIGKILL')
  const [code, signal] = (await exited) as [number | null, string | null]
  expect(signal).toBe('SIGKILL')
  expect(code).toBeNull()
  // Let the simulator finish whatever it received from the dead process.
  await new Promise((r) => setTimeout(r, 400))

  const report = recoverOnStartup(t.db)
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

  // No number reached HQ twice: every request went out once.
  const invited = new Map<string, number>()
  for (const inv of sim.invitationHistory) invited.set(inv.phoneNumber, (invited.get(inv.phoneNumber) ?? 0) + 1)
  expect([...invited.values()].every((n) => n === 1)).toBe(true)
  const posts = sim.requests.filter((r) => r.method === 'POST' && r.path.includes('sms_user_registration'))
  const sent = t.db.prepare('SELECT SUM(attempts) AS n FROM invite_requests WHERE batch_id = ?').get(batchId) as { n: number }
  expect(posts.length).toBe(sent.n)
}, 90_000)
