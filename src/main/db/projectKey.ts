import { stmt, type Db } from './open'

/** The integer key the worker tables use for a project (its text id is the public one). */
export function projectKey(db: Db, projectId: string): number | undefined {
  return stmt<[string], { pk: number }>(db, `SELECT pk FROM projects WHERE id = ?`).get(projectId)?.pk
}

export function requireProjectKey(db: Db, projectId: string): number {
  const pk = projectKey(db, projectId)
  if (pk === undefined) throw new Error(`There is no saved project with id ${projectId}.`)
  return pk
}
