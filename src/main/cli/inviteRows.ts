/**
 * The rows `roster invite` sends: the file checked exactly as `roster validate` checks it (with
 * usernames for the channels that create accounts). With --skip-errors the refused rows are
 * reported, not dropped: a number the roster shows as a worker's is recorded as in use without
 * asking HQ, every other refused row is listed as skipped with its reason.
 */
import { invitableRows, isNonMobile, type ValidatedRow } from '../../shared/import'
import type { InviteRow } from '../../shared/invite'
import type { Db } from '../db/open'
import type { ProjectRecord } from '../db/projects'
import { takenUsernames, validationLookup } from '../invite'
import { Failure, type CliIo } from './io'
import { checkFile, type FileCheck } from './validate'

/** A row --skip-errors left out, in the --json output. */
export interface SkippedRow {
  row: number
  input: string
  reason: string
}

export interface RowsToInvite {
  /** Ready rows, and rows the roster shows as registered (with `registeredTo`: never sent). */
  rows: InviteRow[]
  skipped: SkippedRow[]
}

export interface RowChoices {
  skipErrors: boolean
  reinvite: boolean
  json: boolean
}

const reasonOf = (r: ValidatedRow): string =>
  r.status === 'error' ? r.message : 'not a mobile number, so it cannot receive SMS'

/**
 * Reads and checks the file. Without --skip-errors, any problem row refuses the whole file
 * (Failure, nothing written). With --reinvite, earlier invitations are not looked up: inviting
 * them again is the point.
 */
export async function rowsToInvite(
  db: Db,
  project: ProjectRecord,
  check: FileCheck,
  choices: RowChoices,
  io: Pick<CliIo, 'stderr'>
): Promise<RowsToInvite> {
  const lookup = validationLookup(db, project.id)
  const { rows: results } = await checkFile(check, {
    lookup: () => ({
      findWorkerByDigits: lookup.findWorkerByDigits,
      findInvitationByDigits: choices.reinvite ? () => undefined : lookup.findInvitationByDigits,
      isUsernameTaken: (username) => takenUsernames(db, project.id, [username]).includes(username)
    }),
    warn: (line) => io.stderr(`${line}\n`)
  })

  const problems = results.filter((r) => r.status === 'error' || (r.e164 !== null && isNonMobile(r)))
  if (problems.length > 0 && !choices.skipErrors) {
    const shown = problems
      .slice(0, 10)
      .map((r) => `row ${r.row}: ${r.input} — ${reasonOf(r)}`)
      .join('\n')
    const more = problems.length > 10 ? `\n… and ${problems.length - 10} more (see roster validate)` : ''
    throw new Failure(
      `${shown}${more}\n${problems.length} row${problems.length === 1 ? ' has a problem' : 's have problems'}: ` +
        'fix the file, or add --skip-errors to invite only the other rows. Nothing was sent.'
    )
  }
  if (problems.length > 0 && !choices.json) {
    io.stderr(`Skipping ${problems.length} row${problems.length === 1 ? '' : 's'} with problems.\n`)
  }

  const skip = new Set(problems.map((r) => r.row))
  // Numbers invited before stay in: createBatch refuses them and the error says to add --reinvite.
  const rows: InviteRow[] = invitableRows(
    results.filter((r) => !skip.has(r.row)),
    { nonMobile: true, reinvite: true }
  )
  const skipped: SkippedRow[] = []
  for (const r of problems) {
    if (r.clash?.kind === 'registered' && r.e164 !== null) {
      const { id, username } = r.clash.worker
      rows.push({
        row: r.row,
        e164: r.e164,
        customUserData: r.fields,
        registeredTo: { workerId: id, username }
      })
    } else {
      skipped.push({ row: r.row, input: r.input, reason: reasonOf(r) })
    }
  }
  rows.sort((a, b) => a.row - b.row)
  if (rows.every((r) => r.registeredTo)) throw new Failure('there is no number to invite in the file')
  return { rows, skipped }
}
