import { stmt, type Db } from './open'

export interface RegisteredMatch {
  digits: string
  workerId: string
  username: string
  name: string
}

/*
 * THE rule for "who holds this number". A number is known by its E.164 digits (no "+"). HQ may
 * keep it as digits with the country code ("254712345678"), with a "+", in national form
 * ("0712345678") or with the 00 prefix ("00254712345678"): the first two match by HQ's digits,
 * the others by the E.164 the store derived from them with the project's country (and derives
 * again when that country changes). Import validation (the app's invite.lookup and the CLI), the
 * outbox (which takes the validation's answer) and the follow-up after a sync all go through the
 * SQL below, so they cannot disagree about who holds a number.
 */

/** The two sides of the rule for a worker_phones row `phone`, each served by its own index. */
function sides(phone: string, digits: string): [byHqDigits: string, byE164: string] {
  return [`${phone}.digits = ${digits}`, `${phone}.e164 = '+' || ${digits}`]
}

/** SQL: the worker_phones row `phone` holds the number whose E.164 digits are `digits`. */
export function holdsNumber(phone: string, digits: string): string {
  return `(${sides(phone, digits).join(' OR ')})`
}

/**
 * SQL: the rid of the worker of project `project` who holds the number `digits` (both SQL
 * expressions, each used twice), or NULL. When several do: an active worker before an archived
 * one, then the one stored first. Each side of the rule is its own arm, so both use an index
 * (an OR across two columns in a correlated subquery makes SQLite scan the project's phones).
 */
export function holderOf(project: string, digits: string): string {
  const [byDigits, byE164] = sides('p', digits)
  return `(SELECT w.rid FROM workers w WHERE w.rid IN (
      SELECT p.worker_rid FROM worker_phones p WHERE p.project_id = ${project} AND ${byDigits}
      UNION ALL
      SELECT p.worker_rid FROM worker_phones p WHERE p.project_id = ${project} AND ${byE164})
    ORDER BY w.archived, w.rid LIMIT 1)`
}

/**
 * Which of these numbers (E.164 digits, no "+") already belong to a worker of the project,
 * active or archived (HQ refuses to invite a number in use): one match per number, sorted by
 * digits.
 */
export function findWorkersByDigits(db: Db, projectId: string, digits: readonly string[]): RegisteredMatch[] {
  if (digits.length === 0) return []
  // CROSS JOIN keeps the wanted numbers as the outer loop: SQLite has no statistics for
  // json_each and would otherwise walk every worker.
  return stmt<[{ digits: string; projectId: string }], RegisteredMatch>(
    db,
    `SELECT j.value AS digits, w.id AS workerId, w.username, w.name
       FROM (SELECT DISTINCT value FROM json_each(@digits)) j
       CROSS JOIN workers w ON w.rid = ${holderOf('@projectId', 'j.value')}
      ORDER BY j.value`
  ).all({ digits: JSON.stringify(digits), projectId })
}

/** The worker holding one number (E.164 digits), by the same rule as findWorkersByDigits. */
export function findWorkerByDigits(db: Db, projectId: string, digits: string): RegisteredMatch | undefined {
  // Its own statement: validating a 150,000-row file asks once per row.
  return stmt<[{ digits: string; projectId: string }], RegisteredMatch>(
    db,
    `SELECT @digits AS digits, w.id AS workerId, w.username, w.name
       FROM workers w WHERE w.rid = ${holderOf('@projectId', '@digits')}`
  ).get({ digits, projectId })
}
