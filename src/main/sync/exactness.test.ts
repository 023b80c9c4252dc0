import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../db/open'
import { closeAbandonedRuns, getRunRecord, listRuns, startRun } from '../db/syncRuns'
import { getWorker } from '../db/workerQueries'
import type { ListWorkersOptions } from '../hq/workers'
import { syncProject, type SyncClient } from './syncProject'
import { expectMirror, syncBed, type SyncBed } from './testing'

let bed: SyncBed | undefined
afterEach(async () => {
  await bed?.close()
  bed = undefined
})

async function start(...args: Parameters<typeof syncBed>): Promise<SyncBed> {
  bed = await syncBed(...args)
  return bed
}

function sync(b: SyncBed, extra: Partial<Parameters<typeof syncProject>[0]> = {}) {
  return syncProject({ db: b.db, project: b.project, client: b.client, ...extra })
}

describe('a sync while HQ changes under it', () => {
  // maxLimit 250: the lists come in several pages, so every change lands between pages.
  it.each([
    ['a worker created and another deleted in the same window', 'shift:add=1;remove=1;after=2'],
    [
      'many changes spread over the pass',
      'shift:add=2;after=2,shift:remove=1;after=4,shift:add=1;remove=2;after=6,shift:archive=1;after=9'
    ],
    ['workers archived and un-archived mid-pass', 'shift:archive=2;unarchive=1;after=3'],
    ['archiving while the archived list is read', 'shift:archive=1;unarchive=2;after=9']
  ])('ends with an exact mirror after %s (%s)', async (_name, faults) => {
    const b = await start({ users: 1400, seed: 21, maxLimit: 250 })
    await sync(b)
    b.sim.setFaults(faults)
    const run = await sync(b)
    expect(run.outcome).toBe('ok')
    expectMirror(b.db, b.project, b.sim)
  })

  it('finishes a busy project (a worker created every other page) with the archived list read and an exact mirror', async () => {
    const b = await start({ users: 1400, seed: 22, maxLimit: 250 })
    await sync(b)
    const gone = b.sim.activeWorkers()[700]!.id
    b.sim.removeWorkers([gone])
    b.sim.setFaults('shift:add=1;every=2')
    const run = await sync(b)
    expect(run.outcome).toBe('ok')
    expect(run.archived).toBe(b.sim.archivedWorkers().length)
    expect(getWorker(b.db, b.project.id, gone)).toBeNull()
    expectMirror(b.db, b.project, b.sim)
  })

  it('keeps a worker found by id, but in neither list, in the list it was last seen in', async () => {
    const b = await start({ users: 600, seed: 23 })
    await sync(b)
    const hidden = b.sim.archivedWorkers()[0]!.id
    b.sim.updateWorker(hidden, { first_name: 'Changed' })
    // A list that leaves the worker out (as a shift HQ did not show could): asked for by id.
    const client: SyncClient = {
      ...b.client,
      listWorkers: (opts: ListWorkersOptions) =>
        b.client
          .listWorkers({
            ...opts,
            onPage: (page) => opts.onPage({ ...page, workers: page.workers.filter((w) => w.id !== hidden) })
          })
          .then((result) => ({ ...result, ids: result.ids.filter((id) => id !== hidden) }))
    }
    const run = await sync(b, { client })
    expect(run).toMatchObject({ outcome: 'ok', removed: 0, updated: 1 })
    expect(getWorker(b.db, b.project.id, hidden)).toMatchObject({ archived: true, firstName: 'Changed' })
    expectMirror(b.db, b.project, b.sim)
  })
})

describe('runs own their work', () => {
  it('stops without sweeping or finishing when another process took the run for abandoned', async () => {
    const b = await start({ users: 1500, seed: 24, maxLimit: 250, latencyMs: 5 })
    await sync(b)
    const deleted = b.sim.activeWorkers()[3]!.id
    b.sim.removeWorkers([deleted])
    const other = openDatabase(b.store.path)
    let takenOver: number | undefined
    const run = await sync(b, {
      onProgress: (e) => {
        if (takenOver !== undefined || e.phase !== 'archived') return
        // A laptop that slept: another process closes the run as abandoned and starts its own.
        const at = new Date(Date.now() + 10 * 60_000)
        closeAbandonedRuns(other, b.project.id, { staleBefore: at, now: at, isRunning: () => false })
        takenOver = startRun(other, {
          projectId: b.project.id,
          generations: { active: 900, archived: 901 },
          resumedFrom: null,
          now: at
        })
      }
    })
    other.close()
    expect(takenOver).toBeDefined()
    expect(run.outcome).toBe('failed')
    expect(run.error).toMatch(/stopped before this sync finished/)
    // Nothing swept: the deleted worker is still there for the live run to decide about.
    expect(getWorker(b.db, b.project.id, deleted)).not.toBeNull()
    expect(getRunRecord(b.db, takenOver!)?.outcome).toBe('running')
    expect(listRuns(b.db, b.project.id)[0]!.id).toBe(takenOver)
  })

  it('starts at once when the run before belongs to a process that is gone', async () => {
    const b = await start({ users: 300, seed: 25 })
    // A `roster sync` killed a moment ago: its heartbeat is fresh, its pid no longer runs.
    const dead = startRun(b.db, {
      projectId: b.project.id,
      generations: { active: 50, archived: 51 },
      resumedFrom: null,
      now: new Date(),
      pid: 2 ** 22 + 12345
    })
    const run = await sync(b)
    expect(run.outcome).toBe('ok')
    expect(getRunRecord(b.db, dead)).toMatchObject({ outcome: 'failed' })
    expect(getRunRecord(b.db, dead)!.error).toMatch(/its process ended/)
  })
})
