import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrations } from './migrations'
import { replaceLocations } from './locations'
import { openDatabase } from './open'
import {
  createProject,
  ensureProject,
  findProject,
  listProjects,
  normaliseServer,
  projectView,
  removeProject
} from './projects'
import {
  closeAbandonedRuns,
  finishRun,
  getRunRecord,
  lastGoodRun,
  lastRun,
  listRuns,
  recordPage,
  pagesOf,
  startRun
} from './syncRuns'
import { ACTIVE, addProject, fixtureProject, LOCATIONS, tempDb, type TempDb } from './testing'
import { getWorker, queryWorkers } from './workerQueries'
import { removeWorkers, storedIds, writeWorkers } from './workers'

let t: TempDb
beforeEach(() => {
  t = tempDb()
})
afterEach(() => t.cleanup())

describe('opening the database', () => {
  it('applies every migration once and records the schema version', () => {
    expect(t.db.pragma('user_version', { simple: true })).toBe(migrations.length)
    const tables = t.db
      .prepare(`SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name`)
      .all()
      .map((r) => (r as { name: string }).name)
    for (const name of [
      'projects',
      'workers',
      'worker_docs',
      'worker_phones',
      'worker_groups',
      'worker_locations',
      'worker_fields',
      'worker_fts',
      'groups',
      'locations',
      'applications',
      'sync_runs',
      'sync_pages'
    ]) {
      expect(tables).toContain(name)
    }
    fixtureProject(t.db)
    t.db.close()
    const again = openDatabase(t.path)
    expect(again.pragma('user_version', { simple: true })).toBe(migrations.length)
    expect(listProjects(again)).toHaveLength(1)
    again.close()
  })

  it('fills the group and custom field sort keys of a roster written before they existed', () => {
    const project = fixtureProject(t.db)
    let db = t.db
    const before = (sort: string, status: 'active' | 'archived' | 'all' = 'active') =>
      queryWorkers(db, { projectId: project.id, sort, status, limit: 100 }).rows.map((r) => r.id)
    const expected = {
      groups: before('groups'),
      village: before('data:village'),
      cadre: before('data:cadre', 'all'),
      archivedCadre: before('data:cadre', 'archived')
    }
    // The database as the release before these steps left it (schema version 2), with the
    // statistics a sync leaves.
    db.exec(`
      DROP INDEX workers_groups_s; DROP INDEX workers_groups;
      DROP INDEX worker_fields_sort; DROP INDEX workers_id_s;
      ALTER TABLE workers DROP COLUMN sort_groups;
      ALTER TABLE worker_fields DROP COLUMN sort_value;
      ALTER TABLE worker_fields DROP COLUMN worker_id;
      ALTER TABLE worker_fields DROP COLUMN archived;
      ALTER TABLE invite_requests DROP COLUMN sender_started_at;
      ALTER TABLE invite_requests DROP COLUMN heartbeat_at;
      ALTER TABLE projects DROP COLUMN auto_sync_hours;
      ALTER TABLE sync_runs DROP COLUMN closed_by_app;
      ALTER TABLE projects DROP COLUMN channel;
      ALTER TABLE projects DROP COLUMN channel_probe;
      ALTER TABLE projects DROP COLUMN username_template;
      ALTER TABLE invite_batches DROP COLUMN channel;
      ALTER TABLE invite_batches DROP COLUMN location_id;
      ALTER TABLE invite_batches DROP COLUMN group_id;
      DROP INDEX workers_username_exact;
      ALTER TABLE sync_runs DROP COLUMN pid;
      ALTER TABLE sync_runs DROP COLUMN host;
      ALTER TABLE sync_pages DROP COLUMN ids;
      ALTER TABLE sync_pages DROP COLUMN seq;
      ANALYZE;
    `)
    db.pragma('user_version = 2')
    db.close()
    db = openDatabase(t.path)
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length)
      expect(before('groups')).toEqual(expected.groups)
      expect(before('data:village')).toEqual(expected.village)
      expect(before('data:cadre', 'all')).toEqual(expected.cadre)
      expect(before('data:cadre', 'archived')).toEqual(expected.archivedCadre)
      expect(expected.groups.slice(-2)).toEqual(['w-baraka-2', 'w-zawadi'])
      expect(expected.archivedCadre).toEqual(['w-mary'])
      // An index without statistics next to ones with them misleads the query planner.
      const analysed = db
        .prepare(
          `SELECT idx FROM sqlite_stat1 WHERE idx IN ('worker_fields_sort', 'workers_id_s') ORDER BY idx`
        )
        .all()
      expect(analysed).toEqual([{ idx: 'worker_fields_sort' }, { idx: 'workers_id_s' }])
    } finally {
      db.close()
    }
  })

  it('turns on WAL, foreign keys and a busy timeout', () => {
    expect(t.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(t.db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(t.db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0)
  })

  it('refuses a database written by a newer Roster', () => {
    t.db.close()
    const raw = new Database(t.path)
    raw.pragma(`user_version = ${migrations.length + 1}`)
    raw.close()
    expect(() => openDatabase(t.path)).toThrow(/newer Roster/)
  })

  it('opens an in-memory database', () => {
    const db = openDatabase(':memory:')
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length)
    db.close()
  })
})

describe('projects', () => {
  it('creates a project once per server, domain and username and keeps no secret', () => {
    const first = ensureProject(t.db, {
      server: 'www.commcarehq.org/',
      domain: 'demo',
      username: 'me@example.org'
    })
    const second = ensureProject(t.db, {
      server: 'https://www.commcarehq.org',
      domain: 'demo',
      username: 'me@example.org'
    })
    expect(first.created).toBe(true)
    expect(second).toEqual({ project: first.project, created: false })
    expect(first.project).toMatchObject({
      server: 'https://www.commcarehq.org',
      label: 'demo',
      defaultCountry: 'KE'
    })
    const columns = t.db.prepare(`SELECT * FROM projects`).get() as Record<string, unknown>
    expect(Object.keys(columns).some((c) => /key|secret|password/i.test(c))).toBe(false)
  })

  it('normalises server addresses to one spelling', () => {
    expect(normaliseServer(' https://India.CommCareHQ.org/ ')).toBe('https://india.commcarehq.org')
    expect(normaliseServer('http://127.0.0.1:8000//')).toBe('http://127.0.0.1:8000')
    expect(findProject(t.db, { server: 'x', domain: 'd', username: 'u' })).toBeUndefined()
  })

  it('shows the last good and the last sync of a project', () => {
    const project = addProject(t.db)
    const ok = startRun(t.db, {
      projectId: project.id,
      generations: { active: 1, archived: 2 },
      resumedFrom: null,
      now: new Date('2025-01-01T10:00:00Z')
    })
    finishRun(t.db, ok, { outcome: 'ok', error: null, now: new Date('2025-01-01T10:00:05Z') })
    const bad = startRun(t.db, {
      projectId: project.id,
      generations: { active: 3, archived: 4 },
      resumedFrom: null,
      now: new Date('2025-01-02T10:00:00Z')
    })
    finishRun(t.db, bad, { outcome: 'failed', error: 'HQ was down', now: new Date('2025-01-02T10:00:01Z') })
    const view = projectView(t.db, project, true)
    expect(view.hasKey).toBe(true)
    expect(view.lastGoodSync).toMatchObject({ id: ok, outcome: 'ok', durationMs: 5000 })
    expect(view.lastSync).toMatchObject({ id: bad, outcome: 'failed', error: 'HQ was down' })
    expect(listRuns(t.db, project.id).map((r) => r.id)).toEqual([bad, ok])
  })

  it('removes a project with everything stored for it', () => {
    const project = fixtureProject(t.db)
    const other = fixtureProject(t.db, 'other')
    expect(removeProject(t.db, project.id)).toBe(true)
    for (const table of [
      'workers',
      'worker_docs',
      'worker_phones',
      'worker_groups',
      'worker_locations',
      'worker_fields',
      'groups',
      'locations'
    ]) {
      const n = (t.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n
      expect(n, table).toBeGreaterThan(0)
    }
    expect(queryWorkers(t.db, { projectId: other.id, text: 'aicha' }).total).toBe(1)
    expect((t.db.prepare(`SELECT COUNT(*) AS n FROM workers`).get() as { n: number }).n).toBe(7)
  })
})

describe('writing workers', () => {
  it('counts added, updated and unchanged workers, and a repeated page changes nothing', () => {
    const project = addProject(t.db)
    const write = { projectId: project.id, generation: 1, archived: false, country: 'KE' }
    expect(writeWorkers(t.db, write, ACTIVE)).toEqual({ added: ACTIVE.length, updated: 0, unchanged: 0 })
    expect(writeWorkers(t.db, write, ACTIVE)).toEqual({ added: 0, updated: 0, unchanged: ACTIVE.length })
    const changed = { ...ACTIVE[0]!, last_name: 'Wanjiru', email: 'aw@example.net', groups: ['g-sup'] }
    expect(writeWorkers(t.db, { ...write, generation: 2 }, [changed, ACTIVE[1]!, ACTIVE[1]!])).toEqual({
      added: 0,
      updated: 1,
      unchanged: 2
    })
    const detail = getWorker(t.db, project.id, 'w-aicha')!
    expect(detail.name).toBe('Aïcha Wanjiru')
    expect(detail.groups.map((g) => g.id)).toEqual(['g-sup'])
    expect(queryWorkers(t.db, { projectId: project.id, text: 'aicha@example' }).total).toBe(0)
    expect(queryWorkers(t.db, { projectId: project.id, text: 'wanjiru' }).total).toBe(1)
  })

  it('counts a move between the active and archived lists as an update', () => {
    const project = addProject(t.db)
    const write = { projectId: project.id, generation: 1, archived: false, country: 'KE' }
    writeWorkers(t.db, write, ACTIVE)
    expect(writeWorkers(t.db, { ...write, archived: true }, [ACTIVE[2]!])).toMatchObject({ updated: 1 })
    expect(queryWorkers(t.db, { projectId: project.id, status: 'archived' }).rows.map((r) => r.id)).toEqual([
      'w-john'
    ])
    expect(queryWorkers(t.db, { projectId: project.id, groupId: 'g-sup' }).rows.map((r) => r.id)).toEqual([
      'w-oystein'
    ])
  })

  it('removes exactly the workers named, with their children and search entries', () => {
    const project = addProject(t.db)
    const write = { projectId: project.id, generation: 1, archived: false, country: 'KE' }
    writeWorkers(t.db, write, ACTIVE)
    const kept = new Set(ACTIVE.slice(0, 4).map((w) => w.id))
    const gone = storedIds(t.db, project.id).filter((id) => !kept.has(id))
    expect(gone).toHaveLength(ACTIVE.length - 4)
    expect(removeWorkers(t.db, project.id, gone)).toBe(ACTIVE.length - 4)
    expect(queryWorkers(t.db, { projectId: project.id }).total).toBe(4)
    expect(queryWorkers(t.db, { projectId: project.id, text: 'baraka' }).total).toBe(0)
    const orphans = t.db
      .prepare(`SELECT COUNT(*) AS n FROM worker_phones WHERE worker_rid NOT IN (SELECT rid FROM workers)`)
      .get() as { n: number }
    expect(orphans.n).toBe(0)
  })

  it('follows renamed and moved locations', () => {
    const project = fixtureProject(t.db)
    const renamed = LOCATIONS.map((l) =>
      l.id === 'kibera' ? { ...l, name: 'Zzz Kibera', parentId: 'mombasa' } : l
    )
    replaceLocations(t.db, project.id, renamed)
    expect(
      queryWorkers(t.db, { projectId: project.id, locationId: 'nairobi' }).rows.map((r) => r.id)
    ).toEqual(['w-oystein'])
    expect(queryWorkers(t.db, { projectId: project.id, locationId: 'mombasa' }).total).toBe(3)
    const bySort = queryWorkers(t.db, { projectId: project.id, sort: 'location' }).rows.map((r) => r.id)
    expect(bySort[bySort.length - 1]).toBe('w-aicha')
    expect(getWorker(t.db, project.id, 'w-aicha')!.locations[0]!.path).toEqual([
      'Kenya',
      'Mombasa',
      'Zzz Kibera'
    ])
    replaceLocations(
      t.db,
      project.id,
      renamed.filter((l) => l.id !== 'kibera')
    )
    expect(queryWorkers(t.db, { projectId: project.id, text: 'aicha' }).rows[0]!.locationName).toBeNull()
  })

  it('survives a loop in the location tree', () => {
    const project = fixtureProject(t.db)
    replaceLocations(t.db, project.id, [
      { id: 'a', name: 'A', parentId: 'b' },
      { id: 'b', name: 'B', parentId: 'a' },
      { id: 'kibera', name: 'Kibera', parentId: 'a' }
    ])
    expect(queryWorkers(t.db, { projectId: project.id, locationId: 'b' }).rows.map((r) => r.id)).toEqual([
      'w-aicha'
    ])
    expect(getWorker(t.db, project.id, 'w-aicha')!.locations[0]!.path.length).toBeGreaterThan(0)
  })
})

describe('sync journal', () => {
  it('records pages for a resume and closes runs whose process died', () => {
    const project = addProject(t.db)
    const at = new Date('2025-01-01T10:00:00Z')
    const run = startRun(t.db, {
      projectId: project.id,
      generations: { active: 1, archived: 2 },
      resumedFrom: null,
      now: at
    })
    recordPage(t.db, run, 'active', { offset: 0, limit: 1000, totalCount: 2500, rows: 1000 })
    recordPage(t.db, run, 'active', { offset: 1000, limit: 1000, totalCount: 2500, rows: 1000 })
    recordPage(t.db, run, 'active', { offset: 1000, limit: 1000, totalCount: 2500, rows: 1000 })
    expect(pagesOf(t.db, run, 'active').map((p) => p.offset)).toEqual([0, 1000])
    const alive = () => true
    expect(
      closeAbandonedRuns(t.db, project.id, {
        staleBefore: new Date(at.getTime() - 1),
        now: at,
        isRunning: alive
      })
    ).toBe(0)
    expect(
      closeAbandonedRuns(t.db, project.id, {
        staleBefore: new Date(at.getTime() + 1),
        now: at,
        isRunning: alive
      })
    ).toBe(1)
    expect(getRunRecord(t.db, run)).toMatchObject({ outcome: 'failed', resumable: true })
    expect(getRunRecord(t.db, run)!.error).toMatch(/stopped before this sync finished/)
    expect(lastRun(t.db, project.id)?.id).toBe(run)
    expect(lastGoodRun(t.db, project.id)).toBeUndefined()
  })

  it('closes at once a run whose process on this computer is gone, and keeps the ids of its pages', () => {
    const project = addProject(t.db)
    const at = new Date()
    const run = startRun(t.db, {
      projectId: project.id,
      generations: { active: 1, archived: 2 },
      resumedFrom: null,
      now: at
    })
    expect(getRunRecord(t.db, run)).toMatchObject({ pid: process.pid })
    recordPage(t.db, run, 'active', {
      offset: 0,
      limit: 3,
      totalCount: 3,
      rows: 3,
      ids: ['a', 'b', 'c'],
      seq: 4
    })
    expect(pagesOf(t.db, run, 'active')[0]).toMatchObject({ ids: ['a', 'b', 'c'], seq: 4 })
    const check = { staleBefore: new Date(at.getTime() - 60_000), now: at }
    // Heartbeat fresh, pid running: left alone.
    expect(closeAbandonedRuns(t.db, project.id, { ...check, isRunning: () => true })).toBe(0)
    // Heartbeat fresh, pid gone: closed without waiting for the heartbeat to go stale.
    expect(closeAbandonedRuns(t.db, project.id, { ...check, isRunning: () => false })).toBe(1)
    expect(getRunRecord(t.db, run)!.error).toMatch(/its process ended/)
    // A run recorded on another computer is judged by its heartbeat alone.
    const elsewhere = startRun(t.db, {
      projectId: project.id,
      generations: { active: 3, archived: 4 },
      resumedFrom: null,
      now: at,
      host: 'another-laptop'
    })
    expect(closeAbandonedRuns(t.db, project.id, { ...check, isRunning: () => false })).toBe(0)
    expect(getRunRecord(t.db, elsewhere)?.outcome).toBe('running')
  })

  it('creates projects with distinct short ids', () => {
    const a = createProject(t.db, { server: 'https://a.org', domain: 'a', username: 'u' })
    const b = createProject(t.db, { server: 'https://a.org', domain: 'b', username: 'u' })
    expect(a.id).not.toBe(b.id)
    expect(a.id.length).toBeLessThanOrEqual(16)
  })
})
