import type Database from 'better-sqlite3'
import { describeZodError } from '../../shared/api'
import { BatchInputSchema, type BatchInput, type NumberStatus } from '../../shared/invite'
import { createsAccounts } from '../../shared/channels'
import { analyseMessage } from '../../shared/sms'
import { InviteError, listSome, plural } from './errors'
import { settleBatch } from './summary'

/**
 * Statuses that mean HQ has (or may have, or is about to get) an invitation for the number; for
 * channel 2, `pending` too: HQ has the upload and is creating the account.
 */
export const INVITED_STATUSES: readonly NumberStatus[] = [
  'queued',
  'sending',
  'success',
  'unknown',
  'pending'
]

/** Statuses that mean the outbox still owes HQ the number, or does not know whether HQ has it. */
const OWED: readonly NumberStatus[] = ['queued', 'sending', 'unknown']

/** How HQ lists an account Roster created: HQ appends the project's domain and lowercases. */
export function hqUsername(username: string, domain: string): string {
  return `${username}@${domain}.commcarehq.org`.toLowerCase()
}

export function digitsOf(e164: string): string {
  return e164.replace(/\D/g, '')
}

/** Runs `fn` over `values` in slices small enough for SQLite's bound-parameter limit. */
export function inSlices<T, R>(values: readonly T[], size: number, fn: (slice: T[]) => R[]): R[] {
  const out: R[] = []
  for (let i = 0; i < values.length; i += size) out.push(...fn(values.slice(i, i + size)))
  return out
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ')
}

interface EarlierInvitation {
  digits: string
  e164: string
  batch_id: number
  created_at: string
  status: NumberStatus
}

/**
 * Writes a batch and every one of its numbers, queued, in one transaction, before anything is
 * sent: from here on the outbox, not memory, says what is owed to HQ. Needs no network.
 *
 * Refuses a number that appears twice (HQ rejects a whole request over one repeat) and, unless
 * `reinvite` is set, numbers an earlier batch already invited or is about to (a second SMS would
 * cost money and expire the first link).
 */
export function createBatch(
  db: Database.Database,
  input: BatchInput,
  now = new Date().toISOString()
): number {
  const parsed = BatchInputSchema.safeParse(input)
  if (!parsed.success) throw new InviteError('invalid-input', describeZodError(parsed.error))
  const { projectId, options, rows, reinvite } = parsed.data

  const project = db.prepare('SELECT id, domain FROM projects WHERE id = ?').get(projectId) as
    { id: string; domain: string } | undefined
  if (!project) throw new InviteError('unknown-project', `There is no saved project "${projectId}".`)
  const accounts = createsAccounts(options.channel)

  // The message and the app belong to SMS self-registration alone.
  const message = !accounts && options.message && options.message.trim() !== '' ? options.message : null
  const analysis = analyseMessage(message, { androidOnly: options.androidOnly, registrationUrlLength: 0 })
  if (analysis.errors.length > 0) {
    throw new InviteError('invalid-message', analysis.errors.map((e) => e.message).join(' '))
  }
  if (accounts) refuseRepeatedUsernames(rows)

  const seen = new Map<string, number[]>()
  for (const row of rows) {
    const digits = digitsOf(row.e164)
    const list = seen.get(digits)
    if (list) list.push(row.row)
    else seen.set(digits, [row.row])
  }
  const repeated = [...seen].filter(([, list]) => list.length > 1)
  if (repeated.length > 0) {
    throw new InviteError(
      'duplicate-numbers',
      `${plural(repeated.length, 'number appears', 'numbers appear')} more than once: ${listSome(
        repeated.map(([digits, list]) => `+${digits} (rows ${list.join(', ')})`)
      )}. HQ refuses a whole request when one number repeats, so keep one row for each.`,
      repeated.map(([digits]) => `+${digits}`)
    )
  }

  const create = db.transaction(() => {
    if (accounts) refuseTakenUsernames(db, projectId, project.domain, rows)
    const wanted = rows.filter((r) => !r.registeredTo).map((r) => digitsOf(r.e164))
    // Inviting again is for numbers HQ already invited. One still waiting in another batch, or
    // whose outcome is unknown there, would get two SMS once that batch is sent or resolved.
    const unsettled = findEarlier(db, projectId, wanted).filter((e) => OWED.includes(e.status))
    if (reinvite && unsettled.length > 0) {
      throw new InviteError(
        'already-invited',
        `${plural(unsettled.length, 'number is', 'numbers are')} still waiting in an earlier batch: ${listSome(
          unsettled.map((e) => `${e.e164} (batch ${e.batch_id}, ${describeStatus(e.status)})`)
        )}. Send or settle that batch first (History, or roster send / roster resolve), so no one gets two SMS.`,
        unsettled.map((e) => e.e164)
      )
    }
    if (!reinvite) {
      const earlier = findEarlier(db, projectId, wanted)
      if (earlier.length > 0) {
        throw new InviteError(
          'already-invited',
          `${plural(earlier.length, 'number was', 'numbers were')} already invited: ${listSome(
            earlier.map(
              (e) =>
                `${e.e164} (batch ${e.batch_id}, ${e.created_at.slice(0, 10)}, ${describeStatus(e.status)})`
            )
          )}. Choose "Invite again" to send them a new link (their earlier link stops working), or remove them.`,
          earlier.map((e) => e.e164)
        )
      }
    }
    const batch = db
      .prepare(
        `INSERT INTO invite_batches (project_id, created_at, updated_at, channel, app_id, android_only, require_email,
           message, location_id, group_id, reinvite, state)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued')`
      )
      .run(
        projectId,
        now,
        now,
        options.channel,
        accounts ? '' : options.appId,
        !accounts && options.androidOnly ? 1 : 0,
        !accounts && options.requireEmail ? 1 : 0,
        message,
        accounts ? options.locationId : null,
        accounts ? options.groupId : null,
        reinvite ? 1 : 0
      )
    const batchId = Number(batch.lastInsertRowid)
    const insert = db.prepare(
      `INSERT INTO invite_numbers (batch_id, project_id, row, e164, digits, custom_user_data, status, reason,
         username, hq_username, email, first_name, last_name, updated_at)
       VALUES (@batchId, @projectId, @row, @e164, @digits, @data, @status, @reason,
         @username, @hqUsername, @email, @firstName, @lastName, @now)`
    )
    for (const row of rows) {
      const username = accounts && row.username ? row.username.toLowerCase() : null
      insert.run({
        batchId,
        projectId,
        row: row.row,
        e164: row.e164,
        digits: digitsOf(row.e164),
        data: JSON.stringify(row.customUserData),
        // Roster's own roster shows the number as a worker's: recorded as HQ would answer, unasked.
        status: row.registeredTo ? 'in_use' : 'queued',
        reason: row.registeredTo
          ? `Already registered to ${row.registeredTo.username} in the roster, so Roster did not send it to HQ.`
          : null,
        username,
        hqUsername: username ? hqUsername(username, project.domain) : null,
        email: row.email?.trim() || null,
        firstName: row.firstName?.trim() || null,
        lastName: row.lastName?.trim() || null,
        now
      })
    }
    settleBatch(db, batchId, { now })
    return batchId
  })
  return create.immediate()
}

/** HQ makes every username unique: one batch cannot create two accounts with the same one. */
function refuseRepeatedUsernames(
  rows: readonly { row: number; username?: string | undefined; registeredTo?: unknown }[]
): void {
  const seen = new Map<string, number[]>()
  for (const row of rows) {
    if (row.registeredTo || !row.username) continue
    const key = row.username.toLowerCase()
    seen.set(key, [...(seen.get(key) ?? []), row.row])
  }
  const repeated = [...seen].filter(([, list]) => list.length > 1)
  if (repeated.length > 0) {
    throw new InviteError(
      'duplicate-usernames',
      `${plural(repeated.length, 'username appears', 'usernames appear')} more than once: ${listSome(
        repeated.map(([name, list]) => `${name} (rows ${list.join(', ')})`)
      )}. Every account needs its own username.`
    )
  }
}

/**
 * A username a live invitation of this project already takes (queued, being created, created, or
 * unknown): HQ would refuse the second account, or it is the same person invited twice.
 */
function refuseTakenUsernames(
  db: Database.Database,
  projectId: string,
  domain: string,
  rows: readonly { username?: string | undefined; registeredTo?: unknown }[]
): void {
  const wanted = rows.filter((r) => !r.registeredTo && r.username).map((r) => hqUsername(r.username!, domain))
  const statuses = INVITED_STATUSES.map((s) => `'${s}'`).join(', ')
  const taken = inSlices(
    wanted,
    500,
    (slice) =>
      db
        .prepare(
          `SELECT n.username, n.batch_id FROM invite_numbers n
           WHERE n.project_id = ? AND n.hq_username IN (${placeholders(slice.length)}) AND n.status IN (${statuses})`
        )
        .all(projectId, ...slice) as { username: string; batch_id: number }[]
  )
  if (taken.length > 0) {
    throw new InviteError(
      'already-invited',
      `${plural(taken.length, 'username is', 'usernames are')} already used by an earlier invitation: ${listSome(
        taken.map((t) => `${t.username} (batch ${t.batch_id})`)
      )}. Choose other usernames, or follow up the earlier batch in History.`
    )
  }
}

function describeStatus(status: NumberStatus): string {
  switch (status) {
    case 'success':
      return 'sent'
    case 'queued':
      return 'waiting to be sent'
    case 'sending':
    case 'unknown':
      return 'outcome unknown'
    default:
      return status
  }
}

/** The latest earlier invitation of each of these numbers that is live (or may be). */
function findEarlier(db: Database.Database, projectId: string, digits: string[]): EarlierInvitation[] {
  const statuses = INVITED_STATUSES.map((s) => `'${s}'`).join(', ')
  const found = inSlices(
    digits,
    500,
    (slice) =>
      db
        .prepare(
          `SELECT n.digits, n.e164, n.batch_id, b.created_at, n.status
         FROM invite_numbers n JOIN invite_batches b ON b.id = n.batch_id
         WHERE n.project_id = ? AND n.digits IN (${placeholders(slice.length)}) AND n.status IN (${statuses})
         ORDER BY n.id DESC`
        )
        .all(projectId, ...slice) as EarlierInvitation[]
  )
  const latest = new Map<string, EarlierInvitation>()
  for (const e of found) if (!latest.has(e.digits)) latest.set(e.digits, e)
  return [...latest.values()]
}

/**
 * A new batch (same project, app and message) for chosen numbers of an earlier one, marked as a
 * deliberate re-invitation. Returns the new batch id; nothing is sent yet.
 */
export function reinvite(
  db: Database.Database,
  batchId: number,
  numberIds: readonly number[],
  now = new Date().toISOString()
): number {
  const batch = db
    .prepare(
      'SELECT project_id, app_id, android_only, require_email, message FROM invite_batches WHERE id = ?'
    )
    .get(batchId) as
    | {
        project_id: string
        app_id: string
        android_only: number
        require_email: number
        message: string | null
      }
    | undefined
  if (!batch) throw new InviteError('unknown-batch', `There is no invitation batch number ${batchId}.`)
  const rows = inSlices(
    [...new Set(numberIds)],
    500,
    (slice) =>
      db
        .prepare(
          `SELECT row, e164, custom_user_data FROM invite_numbers WHERE batch_id = ? AND id IN (${placeholders(slice.length)})`
        )
        .all(batchId, ...slice) as { row: number; e164: string; custom_user_data: string }[]
  )
  if (rows.length !== new Set(numberIds).size) {
    throw new InviteError(
      'invalid-input',
      `${plural(new Set(numberIds).size - rows.length, 'chosen number is', 'chosen numbers are')} not in batch ${batchId}.`
    )
  }
  rows.sort((a, b) => a.row - b.row)
  return createBatch(
    db,
    {
      projectId: batch.project_id,
      options: {
        appId: batch.app_id,
        androidOnly: batch.android_only === 1,
        requireEmail: batch.require_email === 1,
        message: batch.message
      },
      rows: rows.map((r) => ({
        row: r.row,
        e164: r.e164,
        customUserData: JSON.parse(r.custom_user_data) as Record<string, string>
      })),
      reinvite: true
    },
    now
  )
}

/**
 * Gives up on the numbers of a batch that were never sent (queued): they become failed with the
 * reason. Numbers already sent or with an unknown outcome are left as they are.
 */
export function cancelQueued(
  db: Database.Database,
  batchId: number,
  reason = 'Not sent: cancelled before sending.',
  now = new Date().toISOString()
): number {
  return db
    .transaction(() => {
      const changed = db
        .prepare(
          `UPDATE invite_numbers SET status = 'failed', reason = ?, updated_at = ? WHERE batch_id = ? AND status = 'queued'`
        )
        .run(reason, now, batchId).changes
      settleBatch(db, batchId, { now })
      return changed
    })
    .immediate()
}
