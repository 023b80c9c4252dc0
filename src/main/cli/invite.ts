/**
 * `roster invite FILE --app-id ID`: checks a phone list exactly as `roster validate` does, writes
 * the batch to the outbox, asks before sending (on a terminal), sends, and reports per number.
 * Exit codes: 0 sent (numbers HQ says are in use still count as sent), 1 failure, 2 usage.
 */
import { createInterface } from 'node:readline/promises'
import { invitableRows, isNonMobile, type ValidatedRow } from '../../shared/import'
import { toCountryCode } from '../../shared/phone'
import { analyseMessage, exampleRegistrationUrl } from '../../shared/sms'
import type { Db } from '../db/open'
import type { ProjectRecord } from '../db/projects'
import { createHqClient, type HqClient } from '../hq/client'
import {
  cancelQueued,
  createBatch,
  DATABASE_BUSY_MESSAGE,
  getBatch,
  InviteError,
  isDatabaseBusy,
  recoverOutbox,
  sendBatch,
  validationLookup,
  writeWhenFree
} from '../invite'
import { reportError } from './errors'
import { EXIT, Failure, messageOf, UsageError, type CliIo } from './io'
import { openRosterDb, resolveProject } from './project'
import { checkFile, parseFileArgs, type ValidateOptions } from './validate'

export const INVITE_USAGE =
  'usage: roster invite FILE --app-id ID [--country CC] [--android-only] [--require-email] [--message TEXT]\n' +
  '         [--server URL --domain D --username U] [--api-key K] [--skip-errors] [--reinvite] [--yes] [--json]\n' +
  '         [--db PATH] [--sheet NAME] [--column NAME]\n' +
  '       The API key can also come from ROSTER_API_KEY. Without --country, numbers written without a\n' +
  "       country code are read in the project's country. The file's other titled columns are sent as\n" +
  '       custom user data keyed by their titles as written (District stays District); a title that\n' +
  "       cannot be a key is turned into one (Numéro d'équipe -> numero_d_equipe)."

/** What `invite` needs beyond the common CLI io: a way to ask, replaceable in tests. */
export type InviteIo = CliIo & { confirm?: (question: string) => Promise<boolean> }

/** The --json output: E.164 numbers by outcome. */
export interface InviteJson {
  batch_id: number
  success_numbers: string[]
  invalid_format_numbers: string[]
  numbers_in_use: string[]
  failed: string[]
  unknown: string[]
}

/** validate's options and invite's own. */
interface InviteArgs extends ValidateOptions {
  appId?: string
  androidOnly: boolean
  requireEmail: boolean
  message?: string
  server?: string
  username?: string
  apiKey?: string
  skipErrors: boolean
  reinvite: boolean
  yes: boolean
}

/** invite's own options; FILE, --country, --domain, --json, --db, --sheet and --column are validate's. */
const INVITE_OPTIONS = {
  'app-id': { type: 'string' },
  'android-only': { type: 'boolean', default: false },
  'require-email': { type: 'boolean', default: false },
  message: { type: 'string' },
  server: { type: 'string' },
  username: { type: 'string' },
  'api-key': { type: 'string' },
  'skip-errors': { type: 'boolean', default: false },
  reinvite: { type: 'boolean', default: false },
  yes: { type: 'boolean', short: 'y', default: false }
} as const

function parse(args: string[]): InviteArgs {
  const { options, values: v } = parseFileArgs(args, INVITE_OPTIONS, 'name the file with the phone numbers')
  return {
    ...options,
    ...(v['app-id'] !== undefined ? { appId: v['app-id'] } : {}),
    androidOnly: v['android-only'] ?? false,
    requireEmail: v['require-email'] ?? false,
    ...(v.message !== undefined ? { message: v.message } : {}),
    ...(v.server !== undefined ? { server: v.server } : {}),
    ...(v.username !== undefined ? { username: v.username } : {}),
    ...(v['api-key'] !== undefined ? { apiKey: v['api-key'] } : {}),
    skipErrors: v['skip-errors'] ?? false,
    reinvite: v.reinvite ?? false,
    yes: v.yes ?? false
  }
}

export async function runInvite(args: string[], io: InviteIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${INVITE_USAGE}\n`)
    return 0
  }
  let db: Db | undefined
  let client: HqClient | undefined
  let sending = false
  try {
    const options = parse(args)
    const apiKey = (options.apiKey ?? io.env.ROSTER_API_KEY ?? '').trim()
    if (!apiKey)
      throw new UsageError('give the API key with --api-key or the ROSTER_API_KEY environment variable')
    if (!options.yes && !io.isTTY) throw new UsageError('add --yes to send without asking')

    const opened = openRosterDb(options.db, io, { create: 'default' })
    db = opened.db
    recoverOutbox(db)
    const project = resolveProject(db, options, { dbPath: opened.path, create: true })
    const appId = options.appId ?? project.appId ?? undefined
    if (!appId) throw new UsageError('choose the app to invite people to with --app-id')

    const message = checkMessage(options, project, io)
    // Numbers written the national way are read in the project's country unless --country says otherwise.
    const check = { ...options, defaultCountry: toCountryCode(project.defaultCountry) }
    const rows = await rowsToInvite(db, project, check, io)
    try {
      client = createHqClient({
        server: project.server,
        domain: project.domain,
        username: project.username,
        apiKey
      })
    } catch (error) {
      throw new Failure(messageOf(error))
    }

    if (!options.yes) {
      const question =
        `Send ${rows.length} SMS invitation${rows.length === 1 ? '' : 's'} for project ${project.domain} ` +
        `on ${project.server} (app ${appId})? [y/N] `
      if (!(await ask(io, question))) {
        io.stderr('Nothing was sent.\n')
        return 1
      }
    }

    let batchId: number
    try {
      batchId = createBatch(db, {
        projectId: project.id,
        options: { appId, androidOnly: options.androidOnly, requireEmail: options.requireEmail, message },
        rows,
        reinvite: options.reinvite
      })
    } catch (error) {
      if (error instanceof InviteError) {
        const hint = error.code === 'already-invited' ? ' Add --reinvite to invite them again.' : ''
        throw new Failure(`${error.message}${hint}`)
      }
      throw error
    }

    const showProgress = io.isTTY && !options.json
    sending = true
    const result = await sendBatch({
      db,
      batchId,
      client,
      onProgress: showProgress
        ? (p) => io.stderr(`\rSending: ${p.total - p.counts.queued - p.counts.sending}/${p.total}`)
        : undefined,
      log: (line) => io.stderr(`roster invite: ${line}\n`)
    })
    if (showProgress) io.stderr('\n')
    // A command-line run ends here: numbers it did not send are failed, not left waiting (once
    // another program writing to the database lets this through).
    if (result.counts.queued > 0) {
      const opened = db
      await writeWhenFree(opened, () =>
        cancelQueued(opened, batchId, `Not sent: ${result.error ?? 'sending stopped.'}`)
      )
    }

    const report = outcome(db, batchId)
    if (options.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`)
    else io.stdout(describe(report, project))
    if (result.state === 'done' && report.failed.length === 0 && report.unknown.length === 0) return 0
    if (result.error) io.stderr(`roster invite: ${result.error}\n`)
    return 1
  } catch (error) {
    if (isDatabaseBusy(error)) {
      const then = sending
        ? 'see roster history for what was sent'
        : 'nothing was sent, try again in a moment'
      io.stderr(`roster invite: ${DATABASE_BUSY_MESSAGE}; ${then}\n`)
      return EXIT.failure
    }
    return reportError('invite', error, io, INVITE_USAGE)
  } finally {
    await client?.close()
    db?.close()
  }
}

/** HQ's message rules; a message HQ would fail on is a usage error, doubts are warnings. */
function checkMessage(options: InviteArgs, project: ProjectRecord, io: CliIo): string | null {
  if (options.message === undefined || options.message.trim() === '') return null
  const url = exampleRegistrationUrl(project.server, project.domain)
  const analysis = analyseMessage(options.message, {
    androidOnly: options.androidOnly,
    registrationUrlLength: url.length,
    registrationUrl: url
  })
  if (analysis.errors.length > 0)
    throw new UsageError(`--message: ${analysis.errors.map((e) => e.message).join(' ')}`)
  for (const w of analysis.warnings) io.stderr(`warning: ${w.message}\n`)
  if (!options.json && io.isTTY) {
    io.stderr(
      `Message: ${analysis.length} characters, ${analysis.segments} SMS per person (${
        analysis.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2'
      }).\n`
    )
  }
  return options.message
}

/**
 * Reads and checks the file exactly as `roster validate` does, and returns the rows to send with
 * their other columns as custom user data. With --reinvite, earlier invitations are not looked
 * up: inviting them again is the point.
 */
async function rowsToInvite(
  db: Db,
  project: ProjectRecord,
  options: InviteArgs,
  io: CliIo
): Promise<{ row: number; e164: string; customUserData: Record<string, string> }[]> {
  const lookup = validationLookup(db, project.id)
  const { rows: results } = await checkFile(options, {
    lookup: () =>
      options.reinvite
        ? { findWorkerByDigits: lookup.findWorkerByDigits, findInvitationByDigits: () => undefined }
        : lookup,
    warn: (line) => io.stderr(`${line}\n`)
  })

  const problems = results.filter((r) => r.status === 'error' || (r.e164 !== null && isNonMobile(r)))
  const describeRow = (r: ValidatedRow): string =>
    `row ${r.row}: ${r.input} — ${r.status === 'error' ? r.message : 'not a mobile number, so it cannot receive SMS'}`
  if (problems.length > 0 && !options.skipErrors) {
    const shown = problems.slice(0, 10).map(describeRow).join('\n')
    const more = problems.length > 10 ? `\n… and ${problems.length - 10} more (see roster validate)` : ''
    throw new Failure(
      `${shown}${more}\n${problems.length} row${problems.length === 1 ? ' has a problem' : 's have problems'}: ` +
        'fix the file, or add --skip-errors to invite only the other rows. Nothing was sent.'
    )
  }
  if (problems.length > 0 && !options.json) {
    io.stderr(`Skipping ${problems.length} row${problems.length === 1 ? '' : 's'} with problems.\n`)
  }
  const skip = new Set(problems.map((r) => r.row))
  // Numbers invited before stay in: createBatch refuses them and the error says to add --reinvite.
  const rows = invitableRows(
    results.filter((r) => !skip.has(r.row)),
    { nonMobile: true, reinvite: true }
  )
  if (rows.length === 0) throw new Failure('there is no number to invite in the file')
  return rows
}

async function ask(io: InviteIo, question: string): Promise<boolean> {
  if (io.confirm) return io.confirm(question)
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim())
  } finally {
    rl.close()
  }
}

function outcome(db: Db, batchId: number): InviteJson {
  const report: InviteJson = {
    batch_id: batchId,
    success_numbers: [],
    invalid_format_numbers: [],
    numbers_in_use: [],
    failed: [],
    unknown: []
  }
  for (const n of getBatch(db, batchId).numbers) {
    if (n.status === 'success') report.success_numbers.push(n.e164)
    else if (n.status === 'invalid_format') report.invalid_format_numbers.push(n.e164)
    else if (n.status === 'in_use') report.numbers_in_use.push(n.e164)
    else if (n.status === 'unknown' || n.status === 'sending') report.unknown.push(n.e164)
    else report.failed.push(n.e164)
  }
  return report
}

function describe(r: InviteJson, project: ProjectRecord): string {
  const lines = [
    `Batch ${r.batch_id} for ${project.domain}: ${r.success_numbers.length} invited, ` +
      `${r.numbers_in_use.length} already in use in HQ, ${r.invalid_format_numbers.length} not accepted by HQ, ` +
      `${r.failed.length} not sent, ${r.unknown.length} unknown.`
  ]
  const list = (label: string, numbers: string[]): void => {
    if (numbers.length === 0) return
    const more = numbers.length > 10 ? ` and ${numbers.length - 10} more` : ''
    lines.push(`${label}: ${numbers.slice(0, 10).join(', ')}${more}`)
  }
  list('In use', r.numbers_in_use)
  list('Not accepted', r.invalid_format_numbers)
  list('Not sent', r.failed)
  list('Unknown (check in HQ or in Roster’s History before inviting again)', r.unknown)
  return `${lines.join('\n')}\n`
}
