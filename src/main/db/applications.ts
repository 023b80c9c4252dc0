import type { Application } from '../../shared/domain'
import { stmt, type Db } from './open'
import { requireProjectKey } from './projectKey'

/** Replaces the project's applications with HQ's current list. */
export function replaceApplications(db: Db, projectId: string, apps: readonly Application[]): number {
  const insert = stmt(db, `INSERT OR REPLACE INTO applications (project, id, name) VALUES (?, ?, ?)`)
  return db.transaction(() => {
    const project = requireProjectKey(db, projectId)
    stmt(db, `DELETE FROM applications WHERE project = ?`).run(project)
    for (const app of apps) insert.run(project, app.id, app.name)
    return stmt<[number], { n: number }>(db, `SELECT COUNT(*) AS n FROM applications WHERE project = ?`).get(
      project
    )!.n
  })()
}

export function listApplications(db: Db, projectId: string): Application[] {
  return stmt<[number], Application>(
    db,
    `SELECT id, name FROM applications WHERE project = ? ORDER BY name COLLATE NOCASE, id`
  ).all(requireProjectKey(db, projectId))
}
