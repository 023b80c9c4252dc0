import { stmt, type Db } from './open'
import { requireProjectKey } from './projectKey'
import { refreshWorkerGroups } from './workers'

export interface GroupInput {
  id: string
  name: string
}

/**
 * Replaces the project's groups with HQ's current list (the list is small and fetched whole),
 * then re-sorts the workers whose first group was renamed, added or removed.
 */
export function replaceGroups(db: Db, projectId: string, groups: readonly GroupInput[]): number {
  const insert = stmt(db, `INSERT OR REPLACE INTO groups (project, id, name) VALUES (?, ?, ?)`)
  return db.transaction(() => {
    const project = requireProjectKey(db, projectId)
    const before = new Map(
      stmt<[number], GroupInput>(db, `SELECT id, name FROM groups WHERE project = ?`)
        .all(project)
        .map((g) => [g.id, g.name])
    )
    stmt(db, `DELETE FROM groups WHERE project = ?`).run(project)
    const after = new Map<string, string>()
    for (const group of groups) {
      insert.run(project, group.id, group.name)
      after.set(group.id, group.name)
    }
    const changed = new Set<string>()
    for (const [id, name] of after) if (before.get(id) !== name) changed.add(id)
    for (const id of before.keys()) if (!after.has(id)) changed.add(id)
    refreshWorkerGroups(db, project, changed)
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
