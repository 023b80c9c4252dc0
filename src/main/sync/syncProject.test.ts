import { afterEach, describe, expect, it } from 'vitest'
import type { SyncProgress } from '../../shared/domain'
import { listGroups } from '../db/groups'
import { listLocations } from '../db/locations'
import { openDatabase } from '../db/open'
import { createProject, removeProject } from '../db/projects'
import {
  APP_CLOSED_ERROR,
  getRunRecord,
  heartbeat,
  lastGoodRun,
  listRuns,
  pagesOf,
  startRun
} from '../db/syncRuns'
import { getWorker, queryWorkers } from '../db/workerQueries'
import { AppClosing, SyncBusyError } from './errors'
import { syncProject } from './syncProject'
import { expectMirror, storedWorkers, syncBed, workerPageOffsets, type SyncBed } from './testing'

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

describe('a full sync', () => {
  it('mirrors the simulator row for row, with lists, counts and progress', async () => {
    const b = await start({ users: 3000, seed: 7 })
    const events: SyncProgress[] = []
    let startedRun: number | undefined
    const run = await sync(b, { onProgress: (e) => events.push(e), onStart: (id) => (startedRun = id) })

    expect(run).toMatchObject({
      outcome: 'ok',
      error: null,
      workers: b.sim.activeWorkers().length,
      archived: b.sim.archivedWorkers().length,
      groups: b.sim.data.groups.length,
      locations: b.sim.data.locations.length,
      added: 3000,
      updated: 0,
      removed: 0
    })
    expect(run.id).toBe(startedRun)
    expect(run.durationMs).toBeGreaterThan(0)
    expectMirror(b.db, b.project, b.sim)

    const phases = [...new Set(events.map((e) => e.phase))]
    expect(phases).toEqual(['groups', 'locations', 'applications', 'active', 'archived', 'sweep', 'done'])
    expect(events.every((e) => e.runId === run.id && e.projectId === b.project.id)).toBe(true)
    const lastActive = events.filter((e) => e.phase === 'active').pop()!
    expect(lastActive).toMatchObject({ done: run.workers, total: run.workers })
    expect(events[events.length - 1]).toMatchObject({ phase: 'done', done: 3000, total: 3000 })
  })

  it('changes nothing when run again on unchanged data', async () => {
    const b = await start({ users: 1200, seed: 3 })
    await sync(b)
    const before = storedWorkers(b.db, b.project)
    const again = await sync(b)
    expect(again).toMatchObject({ outcome: 'ok', added: 0, updated: 0, removed: 0 })
    expect(storedWorkers(b.db, b.project)).toEqual(before)
    expectMirror(b.db, b.project, b.sim)
  })

  it('yields exactly the new state after workers were added, changed, removed and archived', async () => {
    const b = await start({ users: 1500, seed: 11 })
    await sync(b)
    const [changed, removedA, removedB, archived] = b.sim
      .activeWorkers()
      .slice(10, 14)
      .map((w) => w.id)
    b.sim.addWorkers(5)
    b.sim.updateWorker(changed!, { first_name: 'Renamed', phone_numbers: ['254700000123'] })
    b.sim.removeWorkers([removedA!, removedB!])
    b.sim.archiveWorker(archived!)

    const run = await sync(b)
    expect(run).toMatchObject({ outcome: 'ok', added: 5, updated: 2, removed: 2 })
    expectMirror(b.db, b.project, b.sim)
    expect(getWorker(b.db, b.project.id, removedA!)).toBeNull()
    expect(getWorker(b.db, b.project.id, archived!)?.archived).toBe(true)
    expect(
      queryWorkers(b.db, { projectId: b.project.id, text: '0700 000 123' }).rows.map((r) => r.id)
    ).toEqual([changed])
  })

  it('keeps a worker un-archived in HQ between the active and the archived list, as active', async () => {
    const b = await start({ users: 800, seed: 13 })
    await sync(b)
    const returning = b.sim.archivedWorkers()[0]!.id
    const deleted = b.sim.activeWorkers()[3]!.id
    b.sim.removeWorkers([deleted])
    let unarchived = false
    const run = await sync(b, {
      onProgress: (event) => {
        // The active list has been read; the archived one is next.
        if (event.phase === 'archived' && !unarchived) {
          b.sim.unarchiveWorker(returning)
          unarchived = true
        }
      }
    })
    expect(unarchived).toBe(true)
    expect(run).toMatchObject({ outcome: 'ok', removed: 1, updated: 1 })
    expect(getWorker(b.db, b.project.id, returning)?.archived).toBe(false)
    expect(getWorker(b.db, b.project.id, deleted)).toBeNull()
    expectMirror(b.db, b.project, b.sim)
  })
})

describe('faults HQ can throw at a sync', () => {
  // maxLimit 250: the worker lists come in several pages, so faults land mid-list.
  it.each([
    ['rate limiting with Retry-After', '429:every=4;retry=1'],
    ['a server error', '500:nth=4'],
    ['gateway errors now and then', '502:p=0.2'],
    ['connections reset mid-answer', 'reset:every=3'],
    ['an answer cut short', 'truncate:nth=5'],
    ['slow answers', 'slow-body:ms=300;every=2'],
    ['workers added while paging', 'shift:add=3;after=2'],
    ['workers removed while paging', 'shift:remove=2;after=2']
  ])('survives %s (%s) and mirrors HQ', async (_name, faults) => {
    const b = await start({ users: 1400, seed: 5, maxLimit: 250 })
    await sync(b)
    b.sim.addWorkers(4)
    b.sim.setFaults(faults)
    const run = await sync(b)
    expect(run.error).toBeNull()
    expect(run.outcome).toBe('ok')
    expectMirror(b.db, b.project, b.sim)
  })

  async function failingSync(faults: string) {
    const b = await start({ users: 1400, seed: 9, maxLimit: 250 })
    const good = await sync(b)
    const before = storedWorkers(b.db, b.project)
    const gone = b.sim
      .activeWorkers()
      .slice(0, 20)
      .map((w) => w.id)
    b.sim.removeWorkers(gone)
    b.sim.addWorkers(3)
    b.sim.setFaults(faults)
    const run = await sync(b, {
      client: b.connect({ retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 } })
    })
    // Nothing was removed: every worker of the last good sync is still there and searchable.
    const after = storedWorkers(b.db, b.project)
    for (const id of before.active.keys())
      expect(after.active.has(id) || after.archived.has(id), id).toBe(true)
    expect(getWorker(b.db, b.project.id, gone[0]!)).not.toBeNull()
    expect(queryWorkers(b.db, { projectId: b.project.id }).total).toBeGreaterThanOrEqual(before.active.size)
    expect(lastGoodRun(b.db, b.project.id)?.id).toBe(good.id)
    expect(listRuns(b.db, b.project.id)[0]).toEqual(run)
    return { b, run }
  }

  it('fails on a lasting server error, says so, and keeps the previous roster', async () => {
    const { run } = await failingSync('500:after=5')
    expect(run.outcome).toBe('failed')
    expect(run.removed).toBe(0)
    expect(run.error).toMatch(/had a problem .*\(500\)/)
  })

  it('fails when the API key is revoked mid-sync and says to check the key', async () => {
    const { run } = await failingSync('auth-revoke:after=5')
    expect(run.outcome).toBe('failed')
    expect(run.error).toMatch(/did not accept the API key/)
    expect(run.error).not.toContain('sim-key-coordinator')
  })

  it('fails when answers keep arriving cut short', async () => {
    const { run } = await failingSync('truncate:after=4')
    expect(run.outcome).toBe('failed')
    expect(run.error).toMatch(/cut off|broke/)
  })

  it('finishes when the list never stops changing, removing only the workers HQ confirms gone, and says so', async () => {
    const b = await start({ users: 1400, seed: 9, maxLimit: 250 })
    await sync(b)
    const gone = b.sim
      .activeWorkers()
      .slice(0, 20)
      .map((w) => w.id)
    b.sim.removeWorkers(gone)
    b.sim.setFaults('shift:add=1;after=1;every=1')
    const run = await sync(b, {
      client: b.connect({ retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 } })
    })
    expect(run).toMatchObject({ outcome: 'ok', removed: 20 })
    expect(run.error).toMatch(/^Warning: HQ's list of active workers kept changing/)
    expect(run.archived).toBe(b.sim.archivedWorkers().length)
    for (const id of gone) expect(getWorker(b.db, b.project.id, id)).toBeNull()
    expectMirror(b.db, b.project, b.sim)
  })
})

describe('a list the key may not read', () => {
  it('keeps the last location names when HQ refuses the locations (403), warns, and still syncs the workers', async () => {
    const b = await start({ users: 600, seed: 13 })
    await sync(b)
    const before = listLocations(b.db, b.project.id)
    b.sim.data.locations[0]!.name = 'Renamed in HQ'
    b.sim.addWorkers(4)
    b.sim.setFaults('403:path=locations')

    const run = await sync(b)
    expect(run.outcome).toBe('ok')
    expect(run.error).toMatch(/^Warning: .*may not read the locations .*\(403\).*Edit Locations/)
    expect(run.error).toContain('kept the location names from the last sync')
    expect(run).toMatchObject({ added: 4, removed: 0, locations: before.length })
    expect(run.groups).toBe(b.sim.data.groups.length)
    expect(listLocations(b.db, b.project.id)).toEqual(before)
    expect(storedWorkers(b.db, b.project).active.size).toBe(b.sim.activeWorkers().length)
    expect(lastGoodRun(b.db, b.project.id)?.id).toBe(run.id)
  })

  it('warns about each list HQ does not have (404) and syncs the rest', async () => {
    const b = await start({ users: 300, seed: 14 })
    b.sim.setFaults('404:path=groups,404:path=applications')
    const run = await sync(b)
    expect(run.outcome).toBe('ok')
    expect(run.error).toMatch(/^Warning: /)
    expect(run.error).toContain('kept the group names from the last sync')
    expect(run.error).toContain('kept the application list from the last sync')
    expect(run.error).not.toContain('location')
    expect(run).toMatchObject({ groups: 0, locations: b.sim.data.locations.length, added: 300 })
    expect(listGroups(b.db, b.project.id)).toEqual([])
    expect(storedWorkers(b.db, b.project).active.size).toBe(b.sim.activeWorkers().length)
  })

  it('reads the names alongside the first worker pages, and a names list that keeps failing never stops the workers', async () => {
    const b = await start({ users: 600, seed: 16, latencyMs: 20 })
    await sync(b)
    b.sim.addWorkers(3)
    b.sim.setFaults('500:path=groups')
    const from = b.sim.requests.length
    const run = await sync(b, {
      client: b.connect({ retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 } })
    })
    expect(run.outcome).toBe('ok')
    expect(run.error).toMatch(/^Warning: .*\(500\).*kept the group names from the last sync/)
    expect(run.added).toBe(3)
    const paths = b.sim.requests.slice(from).map((r) => r.path)
    const firstWorkers = paths.findIndex((p) => p.includes('/user/'))
    const applications = paths.findIndex((p) => p.includes('/application/'))
    expect(firstWorkers).toBeGreaterThanOrEqual(0)
    expect(firstWorkers).toBeLessThan(applications)
    expectMirror(b.db, b.project, b.sim)
  })

  it('still fails when the worker list itself is refused, or the key is not accepted', async () => {
    const b = await start({ users: 200, seed: 15 })
    b.sim.setFaults('403:path=workers')
    const refused = await sync(b)
    expect(refused.outcome).toBe('failed')
    expect(refused.error).toMatch(/may not read the mobile worker list .*\(403\)/)

    b.sim.setFaults('')
    b.sim.revokeKey(b.sim.credentials.username)
    const revoked = await sync(b)
    expect(revoked.outcome).toBe('failed')
    expect(revoked.error).toMatch(/did not accept the API key/)
  })
})

describe('cancel and resume', () => {
  it('cancels on the signal, records it, and removes nobody', async () => {
    const b = await start({ users: 2000, seed: 2, maxLimit: 200, latencyMs: 20 })
    await sync(b)
    const before = storedWorkers(b.db, b.project)
    b.sim.removeWorkers(
      b.sim
        .activeWorkers()
        .slice(0, 5)
        .map((w) => w.id)
    )
    const controller = new AbortController()
    const run = await sync(b, {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.phase === 'active' && e.done > 0) controller.abort()
      }
    })
    expect(run.outcome).toBe('cancelled')
    expect(run.error).toMatch(/cancelled/i)
    expect(run.endedAt).not.toBeNull()
    expect(storedWorkers(b.db, b.project).active.size).toBe(before.active.size)
  })

  it('says when Roster closed during a sync, unlike a cancel, and the next sync resumes it', async () => {
    const b = await start({ users: 2000, seed: 2, maxLimit: 200, latencyMs: 20 })
    const cancel = new AbortController()
    const cancelled = await sync(b, {
      signal: cancel.signal,
      onProgress: (e) => {
        if (e.phase === 'active' && e.done > 0) cancel.abort()
      }
    })
    expect(getRunRecord(b.db, cancelled.id)).toMatchObject({ outcome: 'cancelled', closedByApp: false })

    const quit = new AbortController()
    const closed = await sync(b, {
      signal: quit.signal,
      onProgress: (e) => {
        if (e.phase === 'active' && e.done > 0) quit.abort(new AppClosing())
      }
    })
    expect(closed).toMatchObject({ outcome: 'cancelled', error: APP_CLOSED_ERROR })
    expect(getRunRecord(b.db, closed.id)).toMatchObject({ closedByApp: true, resumedFrom: cancelled.id })

    const run = await sync(b)
    expect(run.outcome).toBe('ok')
    expect(getRunRecord(b.db, run.id)).toMatchObject({ resumedFrom: closed.id, closedByApp: false })
    expectMirror(b.db, b.project, b.sim)
  })

  it('ends quietly when its project is removed while it syncs', async () => {
    const b = await start({ users: 1500, seed: 14, maxLimit: 250, latencyMs: 10 })
    const controller = new AbortController()
    const run = await sync(b, {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.phase !== 'active' || e.done === 0 || controller.signal.aborted) return
        controller.abort()
        removeProject(b.db, b.project.id)
      }
    })
    expect(run).toMatchObject({ projectId: b.project.id, outcome: 'cancelled' })
    expect((b.db.prepare('SELECT COUNT(*) AS n FROM workers').get() as { n: number }).n).toBe(0)
  })

  it('resumes an interrupted sync, skipping the pages it already stored', async () => {
    const b = await start({ users: 3000, seed: 4, maxLimit: 250 })
    b.sim.setFaults('500:after=8')
    const failed = await sync(b, {
      client: b.connect({ retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 } })
    })
    expect(failed.outcome).toBe('failed')
    const stored = pagesOf(b.db, failed.id, 'active').map((p) => p.offset)
    expect(stored.filter((o) => o > 0).length).toBeGreaterThan(0)

    b.sim.setFaults('')
    const from = b.sim.requests.length
    const run = await sync(b)
    expect(run.outcome).toBe('ok')
    expect(getRunRecord(b.db, run.id)?.resumedFrom).toBe(failed.id)
    const fetched = workerPageOffsets(b.sim, from, false)
    expect(fetched).toContain(0)
    for (const offset of stored.filter((o) => o > 0)) expect(fetched).not.toContain(offset)
    expect(fetched.length).toBeLessThan(Math.ceil(b.sim.activeWorkers().length / 250))
    expect(run.added).toBe(3000)
    expectMirror(b.db, b.project, b.sim)
  })

  it('reads everything again when HQ changed since the interrupted sync, and mirrors the new state', async () => {
    const b = await start({ users: 3000, seed: 6, maxLimit: 250 })
    await sync(b)
    b.sim.setFaults('500:after=8')
    const failed = await sync(b, {
      client: b.connect({ retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 } })
    })
    expect(failed.outcome).toBe('failed')
    // Workers the interrupted run saw are deleted in HQ before the resume.
    const seenThen = b.sim
      .activeWorkers()
      .slice(0, 6)
      .map((w) => w.id)
    b.sim.removeWorkers(seenThen)
    b.sim.addWorkers(2)
    b.sim.setFaults('')
    const run = await sync(b)
    expect(run).toMatchObject({ outcome: 'ok', removed: 6 })
    expectMirror(b.db, b.project, b.sim)
  })
  it('reads everything again when a deletion and a creation in HQ balance the counts', async () => {
    const b = await start({ users: 3000, seed: 13, maxLimit: 250 })
    await sync(b)
    b.sim.setFaults('500:after=8')
    const failed = await sync(b, {
      client: b.connect({ retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 } })
    })
    expect(failed.outcome).toBe('failed')
    // Same total as before, but every page after the deleted workers moved up by three.
    b.sim.removeWorkers(
      b.sim
        .activeWorkers()
        .slice(0, 3)
        .map((w) => w.id)
    )
    b.sim.addWorkers(3, 'end')
    b.sim.setFaults('')
    const run = await sync(b)
    expect(run).toMatchObject({ outcome: 'ok', removed: 3 })
    expectMirror(b.db, b.project, b.sim)
  })
})

describe('one sync at a time', () => {
  it('refuses a second sync of a project while one runs, in this process or another', async () => {
    const b = await start({ users: 600, seed: 1, latencyMs: 30 })
    const first = sync(b)
    await expect(sync(b)).rejects.toBeInstanceOf(SyncBusyError)
    expect((await first).outcome).toBe('ok')

    // Another process holding the database: its run is 'running' with a fresh heartbeat.
    const other = openDatabase(b.store.path)
    const foreign = startRun(other, {
      projectId: b.project.id,
      generations: { active: 98, archived: 99 },
      resumedFrom: null,
      now: new Date(),
      // A process that runs (our parent stands in for it).
      pid: process.ppid
    })
    await expect(sync(b)).rejects.toThrow(/already running/)
    // That process hangs (or its pid was reused): once its heartbeat is old, the next sync
    // closes its run and goes ahead.
    heartbeat(other, foreign, new Date(Date.now() - 5 * 60_000))
    other.close()
    const run = await sync(b)
    expect(run.outcome).toBe('ok')
    expect(getRunRecord(b.db, foreign)?.outcome).toBe('failed')
  })

  it('keeps the last good roster readable from another connection while a sync writes', async () => {
    const b = await start({ users: 1500, seed: 8, maxLimit: 250, latencyMs: 10 })
    await sync(b)
    const removed = b.sim.activeWorkers()[0]!.id
    b.sim.removeWorkers([removed])
    const reader = openDatabase(b.store.path)
    const totals: number[] = []
    const run = await sync(b, {
      onProgress: (e) => {
        if (e.phase !== 'active' && e.phase !== 'archived') return
        totals.push(queryWorkers(reader, { projectId: b.project.id, status: 'all' }).total)
        expect(getWorker(reader, b.project.id, removed)).not.toBeNull()
      }
    })
    expect(run.outcome).toBe('ok')
    expect(totals.length).toBeGreaterThan(0)
    expect(Math.min(...totals)).toBe(1500)
    expect(getWorker(reader, b.project.id, removed)).toBeNull()
    reader.close()
  })

  it('syncs two projects in one database side by side', async () => {
    const b = await start({ users: 500, seed: 12 })
    const second = createProject(b.db, {
      server: b.sim.url,
      domain: b.sim.domain,
      username: 'other-coordinator@example.org'
    })
    const [one, two] = await Promise.all([
      sync(b),
      syncProject({ db: b.db, project: second, client: b.connect() })
    ])
    expect(one.outcome).toBe('ok')
    expect(two.outcome).toBe('ok')
    expectMirror(b.db, second, b.sim)
    expectMirror(b.db, b.project, b.sim)
  })
})
