/**
 * The crash matrix, sync half: `roster sync` killed with SIGKILL at seeded random points (a
 * first sync and a re-sync after HQ changed), then run again. Each time the next run completes at
 * once (nothing waits for the dead run's lock to go stale), SQLite's integrity check passes, and
 * the store equals the simulator field for field, as after a run nobody interrupted.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { runSync } from '../../src/main/cli/sync'
import { hqArgs, runCli } from '../../src/main/cli/testing'
import { openDatabase } from '../../src/main/db/open'
import { listProjects } from '../../src/main/db/projects'
import { expectMirror } from '../../src/main/sync/testing'
import { startSim, type Sim } from '../hq-sim'
import { expectIntact, kill, mulberry32, spawnRoster, until } from './helpers'

const POINTS = 20
const SEED = 20_261_1

let sim: Sim
let root: string
beforeAll(async () => {
  // Pages of up to 1000 with some latency: a sync takes long enough to be cut anywhere.
  sim = await startSim({ users: 800, seed: 5, latencyMs: 15 })
  root = mkdtempSync(join(tmpdir(), 'roster-crash-sync-'))
})
afterAll(async () => {
  await sim?.close()
  rmSync(root, { recursive: true, force: true })
})

const syncArgs = (dbPath: string): string[] => ['sync', ...hqArgs(sim, '--db', dbPath, '--json')]

/** The next run, in-process as a script would run it: exit code and how long it took. */
async function syncAgain(dbPath: string): Promise<{ code: number; ms: number; stderr: string }> {
  const started = Date.now()
  const { code, stderr } = await runCli(runSync, syncArgs(dbPath).slice(1), {
    defaultDbPath: join(root, 'unused.db'),
    env: { ROSTER_API_KEY: sim.credentials.apiKey }
  })
  return { code, ms: Date.now() - started, stderr }
}

function expectMirrored(dbPath: string): void {
  expectIntact(dbPath)
  const db = openDatabase(dbPath)
  try {
    const [project] = listProjects(db)
    expectMirror(db, project!, sim)
  } finally {
    db.close()
  }
}

it(`a sync killed at ${POINTS} seeded points is finished at once by the next run, intact and equal to HQ`, async () => {
  // An uninterrupted child run: the reference, and how long a sync takes from its first request.
  const reference = join(root, 'reference.db')
  const before = sim.requests.length
  const first = spawnRoster(syncArgs(reference), { dir: root, apiKey: sim.credentials.apiKey })
  await until(() => sim.requests.length > before, first)
  const t0 = Date.now()
  const whole = await first.done
  expect(whole.code, whole.stderr).toBe(0)
  const duration = Date.now() - t0
  expectMirrored(reference)

  const rng = mulberry32(SEED)
  for (let point = 0; point < POINTS; point++) {
    const dbPath = join(root, `point-${point}.db`)
    const resync = point % 2 === 1
    if (resync) {
      // A roster synced before, then HQ changes: the killed run is a re-sync with work to do.
      copyFileSync(reference, dbPath)
      if (existsSync(`${reference}-wal`)) copyFileSync(`${reference}-wal`, `${dbPath}-wal`)
      sim.addWorkers(3, 'start')
      const [gone] = sim.activeWorkers().slice(-1)
      sim.archiveWorker(gone!.id)
    }
    const delay = Math.floor(rng() * duration * 1.1)
    const seen = sim.requests.length
    const child = spawnRoster(syncArgs(dbPath), { dir: root, apiKey: sim.credentials.apiKey })
    const started = await until(() => sim.requests.length > seen, child)
    expect(
      started,
      `point ${point}: ${(await Promise.race([child.done, Promise.resolve(null)]))?.stderr}`
    ).toBe(true)
    await new Promise((r) => setTimeout(r, delay))
    await kill(child)

    expectIntact(dbPath)
    const next = await syncAgain(dbPath)
    expect(next.code, `point ${point} (${delay} ms): ${next.stderr}`).toBe(0)
    expect(next.stderr).not.toMatch(/already running/i)
    // "At once": a whole sync takes `duration`; nothing waits out the dead run's heartbeat.
    expect(next.ms, `point ${point}`).toBeLessThan(duration * 3 + 5000)
    expectMirrored(dbPath)
  }
}, 240_000)
