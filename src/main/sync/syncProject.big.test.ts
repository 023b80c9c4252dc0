import { afterAll, expect, it } from 'vitest'
import { queryWorkers } from '../db/workerQueries'
import { syncProject } from './syncProject'
import { expectMirror, syncBed, type SyncBed } from './testing'

let bed: SyncBed | undefined
afterAll(async () => {
  await bed?.close()
})

// One test on purpose: generating, serving and storing 100,000 workers takes about a minute.
it('mirrors a project of 100,000 workers row for row', async () => {
  bed = await syncBed({ users: 100_000, seed: 100 })
  const run = await syncProject({ db: bed.db, project: bed.project, client: bed.client })
  expect(run.error).toBeNull()
  expect(run).toMatchObject({ outcome: 'ok', added: 100_000, removed: 0 })
  expect(run.workers + run.archived).toBe(100_000)
  expectMirror(bed.db, bed.project, bed.sim)
  expect(
    queryWorkers(bed.db, { projectId: bed.project.id, status: 'all', offset: 99_950, limit: 100 }).rows
  ).toHaveLength(50)
}, 300_000)
