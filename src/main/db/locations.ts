import { stmt, type Db } from './open'
import { requireProjectKey } from './projectKey'
import { refreshWorkerLocations } from './workers'

export interface LocationInput {
  id: string
  name: string
  siteCode?: string | null
  type?: string | null
  parentId?: string | null
}

export interface LocationRecord {
  id: string
  name: string
  siteCode: string | null
  type: string | null
  parentId: string | null
}

function locationRows(db: Db, project: number): LocationRecord[] {
  return stmt<[number], LocationRecord>(
    db,
    `SELECT id, name, site_code AS siteCode, type, parent_id AS parentId FROM locations
     WHERE project = ? ORDER BY name COLLATE NOCASE, id`
  ).all(project)
}

/**
 * Replaces the project's locations with HQ's current list (it is fetched whole), then brings
 * the workers' location sort keys and ancestor rows in line with renamed or moved locations.
 */
export function replaceLocations(db: Db, projectId: string, locations: readonly LocationInput[]): number {
  const insert = stmt(
    db,
    `INSERT OR REPLACE INTO locations (project, id, name, site_code, type, parent_id) VALUES (?, ?, ?, ?, ?, ?)`
  )
  return db.transaction(() => {
    const project = requireProjectKey(db, projectId)
    const before = new Map(locationRows(db, project).map((l) => [l.id, l]))
    stmt(db, `DELETE FROM locations WHERE project = ?`).run(project)
    const renamed = new Set<string>()
    let reshaped = false
    const written = new Set<string>()
    for (const location of locations) {
      if (written.has(location.id)) continue
      written.add(location.id)
      // Some HQ versions send a root's parent as ""; a self-parent would loop the tree walks.
      const parent = location.parentId && location.parentId !== location.id ? location.parentId : null
      insert.run(
        project,
        location.id,
        location.name,
        location.siteCode ?? null,
        location.type ?? null,
        parent
      )
      const old = before.get(location.id)
      if (old?.name !== location.name) renamed.add(location.id)
      if (!old || old.parentId !== parent) reshaped = true
      before.delete(location.id)
    }
    for (const gone of before.keys()) renamed.add(gone)
    if (before.size > 0) reshaped = true
    refreshWorkerLocations(db, project, { renamed, reshaped })
    return written.size
  })()
}

export function listLocations(db: Db, projectId: string): LocationRecord[] {
  return locationRows(db, requireProjectKey(db, projectId))
}
