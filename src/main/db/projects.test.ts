import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrate } from './migrate'
import { migrations } from './migrations'
import { openDatabase } from './open'
import { createProject, getProject, listProjects, projectView, updateProject } from './projects'
import { addProject, SERVER, tempDb, type TempDb } from './testing'

let t: TempDb
beforeEach(() => {
  t = tempDb()
})
afterEach(() => t.cleanup())

describe('the automatic sync setting', () => {
  it('gives projects saved before the setting existed a sync every 12 hours', () => {
    const path = join(t.dir, 'old.db')
    const step = migrations.findIndex((m) => m.name === 'projects: automatic sync interval')
    expect(step).toBeGreaterThan(0)
    // The database as the release before this step left it, with a project in it.
    const old = new Database(path)
    migrate(old, migrations.slice(0, step))
    old
      .prepare(
        `INSERT INTO projects (id, server, domain, username, label, default_country, app_id, created_at)
         VALUES ('old', ?, 'old-project', 'me@example.org', 'Old project', 'KE', NULL, '2024-01-01T00:00:00.000Z')`
      )
      .run(SERVER)
    old.close()

    const db = openDatabase(path)
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length)
      expect(getProject(db, 'old')).toMatchObject({ label: 'Old project', autoSyncHours: 12 })
    } finally {
      db.close()
    }
  })

  it('gives a new project a sync every 12 hours unless told otherwise', () => {
    expect(addProject(t.db).autoSyncHours).toBe(12)
    const off = createProject(t.db, {
      server: SERVER,
      domain: 'quiet',
      username: 'me@example.org',
      autoSyncHours: null
    })
    expect(off.autoSyncHours).toBeNull()
    expect(listProjects(t.db).map((p) => [p.domain, p.autoSyncHours])).toEqual([
      ['demo-project', 12],
      ['quiet', null]
    ])
  })

  it('changes the interval, turns it off and keeps it when other settings change', () => {
    const project = addProject(t.db)
    expect(updateProject(t.db, project.id, { autoSyncHours: 1 }).autoSyncHours).toBe(1)
    expect(updateProject(t.db, project.id, { label: 'Nairobi' })).toMatchObject({
      label: 'Nairobi',
      autoSyncHours: 1
    })
    expect(updateProject(t.db, project.id, { autoSyncHours: null }).autoSyncHours).toBeNull()
    expect(getProject(t.db, project.id)?.autoSyncHours).toBeNull()
    expect(projectView(t.db, getProject(t.db, project.id)!, true).autoSyncHours).toBeNull()
  })

  it('refuses an interval Roster does not offer, even written around the API', () => {
    const project = addProject(t.db)
    expect(() =>
      t.db.prepare(`UPDATE projects SET auto_sync_hours = 5 WHERE id = ?`).run(project.id)
    ).toThrow(/CHECK constraint/)
    expect(getProject(t.db, project.id)?.autoSyncHours).toBe(12)
  })
})
