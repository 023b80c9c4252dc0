/**
 * The crash matrix, send half: `roster send` killed with SIGKILL at seeded random points of a
 * batch, then run again. Each time the next run completes at once, SQLite's integrity check
 * passes, every number is accounted for exactly once (sent, or unknown and shown as such: at most
 * the one request that was on its way), none reached HQ twice, and once the unknown ones are
 * resolved the batch ends as an uninterrupted send's does.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { InviteJson } from '../../src/main/cli/batchReport'
import { runResolve } from '../../src/main/cli/resolve'
import { runSend } from '../../src/main/cli/send'
import { runCli } from '../../src/main/cli/testing'
import { openDatabase } from '../../src/main/db/open'
import { createBatch, getBatch } from '../../src/main/invite'
import { kenyanNumbers, rowsOf, tempDb, type TempDb } from '../../src/main/invite/testing'
import { startSim, type Sim } from '../hq-sim'
import { expectIntact, kill, mulberry32, spawnRoster, until } from './helpers'

const POINTS = 20
const SEED = 20_261_2
const SIZE = 400

let sim: Sim
const beds: TempDb[] = []
beforeAll(async () => {
  sim = await startSim({ era: '2019', users: 10, latencyMs: 60 })
})
afterAll(async () => {
  await sim?.close()
  for (const b of beds) b.cleanup()
})

/** A database with one queued batch of SIZE fresh numbers; closed, for another process to send. */
function queuedBatch(point: number): { bed: TempDb; batchId: number; numbers: string[] } {
  const bed = tempDb({ server: sim.url, domain: sim.domain, username: sim.credentials.username })
  beds.push(bed)
  const numbers = kenyanNumbers(SIZE, 1_000_000 + point * SIZE)
  const batchId = createBatch(bed.db, {
    projectId: bed.project.id,
    options: { appId: sim.data.applications[0]!.id },
    rows: rowsOf(numbers)
  })
  bed.db.close()
  return { bed, batchId, numbers }
}

const posts = (): number =>
  sim.requests.filter((r) => r.method === 'POST' && r.path.includes('sms_user_registration')).length

function cli<I>(command: (args: string[], io: I) => Promise<number>, args: string[], dir: string) {
  return runCli(command as never, args, {
    defaultDbPath: `${dir}/unused.db`,
    env: { ROSTER_API_KEY: sim.credentials.apiKey }
  } as never)
}

it(`a send killed at ${POINTS} seeded points loses nothing, sends nothing twice and is finished by the next run`, async () => {
  // An uninterrupted child run: the reference, and how long a send takes from its first request.
  const ref = queuedBatch(-1)
  const before = posts()
  const whole = spawnRoster(['send', '--batch', String(ref.batchId), '--db', ref.bed.path, '--json'], {
    dir: ref.bed.dir,
    apiKey: sim.credentials.apiKey
  })
  await until(() => posts() > before, whole)
  const t0 = Date.now()
  const reference = await whole.done
  const duration = Date.now() - t0
  expect(reference.code, reference.stderr).toBe(0)
  const expected = JSON.parse(reference.stdout) as InviteJson
  expect(expected.success_numbers).toHaveLength(SIZE)

  const rng = mulberry32(SEED)
  for (let point = 0; point < POINTS; point++) {
    const { bed, batchId, numbers } = queuedBatch(point)
    const delay = Math.floor(rng() * duration * 1.2)
    const seen = posts()
    const child = spawnRoster(['send', '--batch', String(batchId), '--db', bed.path, '--json'], {
      dir: bed.dir,
      apiKey: sim.credentials.apiKey
    })
    expect(await until(() => posts() > seen, child), `point ${point}`).toBe(true)
    await new Promise((r) => setTimeout(r, delay))
    await kill(child)
    // Let the simulator finish what the dead process sent it.
    await new Promise((r) => setTimeout(r, 80))
    expectIntact(bed.path)

    const started = Date.now()
    const next = await cli(runSend, ['--batch', String(batchId), '--db', bed.path, '--json'], bed.dir)
    expect(Date.now() - started, `point ${point}: the next run waits for nothing`).toBeLessThan(
      duration * 3 + 5000
    )
    expect(next.stdout, `point ${point}: ${next.stderr}`).not.toBe('')
    const out = JSON.parse(next.stdout) as InviteJson
    // Exactly once: every number in one list, and only sent or unknown remain.
    const listed = [...out.success_numbers, ...out.unknown]
    expect(listed.sort(), `point ${point} (${delay} ms)`).toEqual([...numbers].sort())
    expect(out).toMatchObject({ queued: [], failed: [], invalid_format_numbers: [], numbers_in_use: [] })
    expect(out.unknown.length).toBeLessThanOrEqual(100)
    if (out.unknown.length > 0) {
      expect(next.code).toBe(1)
      expect(next.stderr).toContain(`roster resolve --batch ${batchId} --unknown resend`)
    } else {
      expect(next.code, next.stderr).toBe(0)
    }
    expectIntact(bed.path)
    // What Roster calls sent, HQ has; nothing reached HQ twice.
    expect(out.success_numbers.every((n) => sim.invitations.has(n.slice(1)))).toBe(true)
    const times = sim.invitationHistory.filter((i) => numbers.includes(`+${i.phoneNumber}`)).length
    expect(times, `point ${point}`).toBeLessThanOrEqual(SIZE)

    // The coordinator resends the unknown ones: the batch ends as the uninterrupted one did.
    if (out.unknown.length > 0) {
      expect(
        (
          await cli(
            runResolve,
            ['--batch', String(batchId), '--db', bed.path, '--unknown', 'resend', '--yes'],
            bed.dir
          )
        ).code
      ).toBe(0)
      expect((await cli(runSend, ['--batch', String(batchId), '--db', bed.path], bed.dir)).code).toBe(0)
    }
    bed.db = openDatabase(bed.path)
    const { batch } = getBatch(bed.db, batchId)
    expect(batch.state).toBe('done')
    expect(batch.counts).toMatchObject({ success: SIZE, queued: 0, sending: 0, unknown: 0, failed: 0 })
    expect(numbers.every((n) => sim.invitations.has(n.slice(1)))).toBe(true)
  }
}, 240_000)
