/**
 * The sync targets of issue 10, each figure with the yardstick it is measured against in the same
 * run: the limit (the pages already in memory, JSON.parse and one insert per worker into a table
 * with an FTS5 index), a plain sequential pager over the same pages, and the database's size.
 * `tsx test/bench/sync-bench.ts [--workers N] [--latency-workers N]` prints them; run.ts records them.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../../src/main/db/open'
import { ensureProject } from '../../src/main/db/projects'
import { createHqClient } from '../../src/main/hq/client'
import { syncProject } from '../../src/main/sync'
import { startSim, type Sim } from '../hq-sim'
import { limitRun } from './limit'

export interface Figure {
  what: string
  figure: string
}

const ms = (n: number): string => `${Math.round(n)} ms`
const ratio = (n: number): string => `${n.toFixed(2)} ×`

async function pages(sim: Sim, archived: boolean): Promise<string[]> {
  const out: string[] = []
  const total = archived ? sim.archivedWorkers().length : sim.activeWorkers().length
  for (let offset = 0; offset < Math.max(total, 1); offset += 1000) {
    const res = await fetch(
      `${sim.url}/a/${sim.domain}/api/user/v1/?limit=1000&offset=${offset}&format=json${archived ? '&archived=true' : ''}`,
      { headers: { authorization: `ApiKey ${sim.credentials.username}:${sim.credentials.apiKey}` } }
    )
    out.push(await res.text())
  }
  return out
}

/** One page after the other, each parsed, nothing written: what a naive client does. */
async function sequentialPager(sim: Sim): Promise<number> {
  const start = performance.now()
  for (const archived of [false, true]) {
    let next: string | null =
      `/a/${sim.domain}/api/user/v1/?limit=1000&format=json${archived ? '&archived=true' : ''}`
    while (next) {
      const res = await fetch(`${sim.url}${next}`, {
        headers: { authorization: `ApiKey ${sim.credentials.username}:${sim.credentials.apiKey}` }
      })
      const page = JSON.parse(await res.text()) as { meta: { next: string | null } }
      next = page.meta.next
    }
  }
  return performance.now() - start
}

async function timedSync(sim: Sim, path: string) {
  const db = openDatabase(path)
  const { project } = ensureProject(db, {
    server: sim.url,
    domain: sim.domain,
    username: sim.credentials.username
  })
  const client = createHqClient({ server: sim.url, domain: sim.domain, ...sim.credentials })
  let start = performance.now()
  const run = await syncProject({ db, project, client })
  const first = performance.now() - start
  if (run.outcome !== 'ok') throw new Error(`sync failed: ${run.error}`)
  start = performance.now()
  await syncProject({ db, project, client })
  const again = performance.now() - start
  db.pragma('wal_checkpoint(TRUNCATE)')
  await client.close()
  db.close()
  return { first, again, workers: run.workers + run.archived, bytes: statSync(path).size }
}

export async function benchSync(workers: number, latencyWorkers: number): Promise<Figure[]> {
  const figures: Figure[] = []
  const dir = mkdtempSync(join(tmpdir(), 'roster-sync-bench-'))
  try {
    const sim = await startSim({ users: workers, seed: 7 })
    const memory = [...(await pages(sim, false)), ...(await pages(sim, true))]
    const limit = limitRun(join(dir, 'limit.db'), memory)
    const roster = await timedSync(sim, join(dir, 'roster.db'))
    await sim.close()
    const n = roster.workers.toLocaleString('en')
    figures.push({
      what: `limit: ${n} workers, pages in memory, JSON.parse + insert + FTS5`,
      figure: ms(limit)
    })
    figures.push({ what: `first sync of ${n} workers, zero latency`, figure: ms(roster.first) })
    figures.push({ what: 'first sync ÷ limit (target ≤ 3 ×)', figure: ratio(roster.first / limit) })
    figures.push({ what: `re-sync of ${n} with nothing changed`, figure: ms(roster.again) })
    figures.push({ what: 're-sync ÷ limit (target ≤ 1.5 ×)', figure: ratio(roster.again / limit) })
    figures.push({
      what: 'database size per worker (target ≤ 1.5 KB)',
      figure: `${(roster.bytes / roster.workers / 1024).toFixed(2)} KB`
    })

    const slow = await startSim({ users: latencyWorkers, seed: 8, latencyMs: 300 })
    const pager = await sequentialPager(slow)
    const timed = await timedSync(slow, join(dir, 'slow.db'))
    await slow.close()
    const m = latencyWorkers.toLocaleString('en')
    figures.push({ what: `sequential pager, ${m} workers at 300 ms per page`, figure: ms(pager) })
    figures.push({ what: `first sync of ${m} workers at 300 ms per page`, figure: ms(timed.first) })
    figures.push({ what: 'sequential pager ÷ sync (target ≥ 3 ×)', figure: ratio(pager / timed.first) })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return figures
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { parseArgs } = await import('node:util')
  const { values } = parseArgs({
    options: {
      workers: { type: 'string', default: '100000' },
      'latency-workers': { type: 'string', default: '20000' }
    }
  })
  for (const f of await benchSync(Number(values.workers), Number(values['latency-workers'])))
    console.log(`${f.what.padEnd(70)} ${f.figure}`)
}
