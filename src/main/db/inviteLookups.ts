import { stmt, type Db } from './open'

export interface RegisteredMatch {
  digits: string
  workerId: string
  username: string
  name: string
}

/**
 * Which of these numbers (E.164 digits, no "+") already belong to a worker of the project,
 * active or archived: HQ refuses to invite a number in use. A number matches by the digits HQ
 * stored or by its E.164 reading (HQ may hold a number in national form).
 */
export function findWorkersByDigits(db: Db, projectId: string, digits: readonly string[]): RegisteredMatch[] {
  if (digits.length === 0) return []
  const wanted = JSON.stringify([...new Set(digits)])
  return stmt<[string, string, string, string], RegisteredMatch>(
    db,
    `SELECT j.value AS digits, w.id AS workerId, w.username, w.name
       FROM json_each(?) j
       JOIN worker_phones p ON p.project_id = ? AND p.digits = j.value
       JOIN workers w ON w.rid = p.worker_rid
     UNION
     SELECT j.value, w.id, w.username, w.name
       FROM json_each(?) j
       JOIN worker_phones p ON p.project_id = ? AND p.e164 = '+' || j.value
       JOIN workers w ON w.rid = p.worker_rid
     ORDER BY 1, 2`
  ).all(wanted, projectId, wanted, projectId)
}
