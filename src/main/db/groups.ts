import { stmt, type Db } from './open'
import { requireProjectKey } from './projectKey'

export interface GroupInput {
  id: string
  name: string
}

/** Replaces the project's groups with HQ's current list (the list is small and fetched whole). */
export function replaceGroups(db: Db, projectId: string, groups: readonly GroupInput[]): number {
  const insert = stmt(db, `INSERT OR REPLACE INTO groups (project, id, name) VALUES (?, ?, ?)`)
  return db.transaction(() => {
    const project = requireProjectKey(db, projectId)
    stmt(db, `DELETE FROM groups WHERE project = ?`).run(project)
    for (const group of groups) insert.run(project, group.id, group.name)
    return stmt<[number], { n: number }>(db, `SELECT COUNT(*) AS n FROM groups WHERE project = ?`).get(
      project
    )!.n
  })()
}

export function listGroups(db: Db, projectId: string): GroupInput[] {
  return stmt<[number], GroupInput>(
    db,
    `SELECT id, name FROM groups WHERE project = ? ORDER BY name COLLATE NOCASE, id`
  ).all(requireProjectKey(db, projectId))
}
