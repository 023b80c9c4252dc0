/**
 * `roster invite FILE`: checks a phone list exactly as `roster validate` does, writes the batch to
 * the outbox, asks before sending (on a terminal), sends it through the project's channel, and
 * reports per number. Exit codes: 0 sent (numbers in use and accounts still pending count as
 * sent), 1 failure, 2 usage, 3 a bug.
 */
import { createsAccounts, resolveChannel, type Channel, type ChannelChoice } from '../../shared/channels'
import { toCountryCode } from '../../shared/phone'
import { analyseMessage, exampleRegistrationUrl } from '../../shared/sms'
import type { Db } from '../db/open'
import type { ProjectRecord } from '../db/projects'
import { createHqClient, type HqClient } from '../hq/client'
import { createBatch, DATABASE_BUSY_MESSAGE, InviteError, isDatabaseBusy, recoverOutbox } from '../invite'
import { requireAllowedServer } from './connection'
import { explainEarlier } from './earlier'
import { reportError } from './errors'
import { EXIT, Failure, messageOf, UsageError, type CliIo } from './io'
import { channelName, chooseChannel, parseChannelChoice } from './inviteChannel'
import { rowsToInvite } from './inviteRows'
import type { OnInterrupt } from './interrupt'
import { askYesNo } from './prompt'
import { openRosterDb, resolveProject, serverUrl } from './project'
import { sendAndReport } from './sendRun'
import { parseFileArgs, type ValidateOptions } from './validate'

export const INVITE_USAGE =
  'usage: roster invite FILE [--channel auto|sms-registration|sms-confirmation|email-confirmation]\n' +
  '         [--app-id ID] [--android-only] [--require-email] [--message TEXT]\n' +
  '         [--username-column NAME] [--username-template T] [--wait SECONDS] [--country CC]\n' +
  '         [--server URL --domain D --username U] [--api-key K] [--skip-errors] [--reinvite] [--yes] [--json]\n' +
  '         [--db PATH] [--sheet NAME] [--column NAME]\n' +
  "       --channel auto (the default) uses the project's choice, else what the server offers (SMS\n" +
  '       self-registration where it still exists, else an account with a confirmation SMS).\n' +
  '       --app-id, --android-only, --require-email and --message are for sms-registration only.\n' +
  '       Channels that create accounts take usernames from a "Username" column, else from\n' +
  '       --username-template (default {first}.{last}), and wait up to --wait seconds (default 120)\n' +
  '       for HQ to create them. The API key can also come from ROSTER_API_KEY. Without --country,\n' +
  "       numbers written without a country code are read in the project's country. The file's other\n" +
  '       titled columns are sent as custom user data keyed by their titles as written (District stays\n' +
  "       District); a title that cannot be a key is turned into one (Numéro d'équipe -> numero_d_equipe)."

/** What `invite` needs beyond the common CLI io: a way to ask, replaceable in tests. */
export type InviteIo = CliIo & {
  confirm?: (question: string) => Promise<boolean>
  /** Ctrl-C; SIGINT unless a test says otherwise. */
  onInterrupt?: OnInterrupt
}

export type { InviteJson } from './batchReport'

/** How long a channel that creates accounts waits for them by default. */
const DEFAULT_WAIT_SECONDS = 120

/** validate's options and invite's own. */
interface InviteArgs extends ValidateOptions {
  channel?: ChannelChoice
  appId?: string
  androidOnly: boolean
  requireEmail: boolean
  message?: string
  usernameColumn?: string
  usernameTemplate?: string
  waitSeconds: number
  server?: string
  username?: string
  apiKey?: string
  skipErrors: boolean
  reinvite: boolean
  yes: boolean
}

/** invite's own options; FILE, --country, --domain, --json, --db, --sheet and --column are validate's. */
const INVITE_OPTIONS = {
  channel: { type: 'string' },
  'app-id': { type: 'string' },
  'android-only': { type: 'boolean', default: false },
  'require-email': { type: 'boolean', default: false },
  message: { type: 'string' },
  'username-column': { type: 'string' },
  'username-template': { type: 'string' },
  wait: { type: 'string' },
  server: { type: 'string' },
  username: { type: 'string' },
  'api-key': { type: 'string' },
  'skip-errors': { type: 'boolean', default: false },
  reinvite: { type: 'boolean', default: false },
  yes: { type: 'boolean', short: 'y', default: false }
} as const

function parse(args: string[]): InviteArgs {
  const { options, values: v } = parseFileArgs(args, INVITE_OPTIONS, 'name the file with the phone numbers')
  const channel = parseChannelChoice(v.channel)
  let waitSeconds = DEFAULT_WAIT_SECONDS
  if (v.wait !== undefined) {
    if (!/^\d+$/.test(v.wait.trim()))
      throw new UsageError(`--wait needs a whole number of seconds, not "${v.wait}"`)
    waitSeconds = Number(v.wait.trim())
  }
  if (v['username-template'] !== undefined && v['username-template'].trim() === '') {
    throw new UsageError('--username-template is empty; leave it out for {first}.{last}')
  }
  return {
    ...options,
    ...(channel !== undefined ? { channel } : {}),
    ...(v['app-id'] !== undefined ? { appId: v['app-id'] } : {}),
    androidOnly: v['android-only'] ?? false,
    requireEmail: v['require-email'] ?? false,
    ...(v.message !== undefined ? { message: v.message } : {}),
    ...(v['username-column'] !== undefined ? { usernameColumn: v['username-column'] } : {}),
    ...(v['username-template'] !== undefined ? { usernameTemplate: v['username-template'].trim() } : {}),
    waitSeconds,
    ...(v.server !== undefined ? { server: v.server } : {}),
    ...(v.username !== undefined ? { username: v.username } : {}),
    ...(v['api-key'] !== undefined ? { apiKey: v['api-key'] } : {}),
    skipErrors: v['skip-errors'] ?? false,
    reinvite: v.reinvite ?? false,
    yes: v.yes ?? false
  }
}

/** Channel 1's options given for a channel that has none of them: a usage error, not ignored. */
function refuseRegistrationOptions(options: InviteArgs, channel: Channel): void {
  if (!createsAccounts(channel)) {
    if (options.usernameColumn !== undefined || options.usernameTemplate !== undefined) {
      throw new UsageError(
        `--username-column and --username-template are for channels that create accounts; this invite uses ${channel}`
      )
    }
    return
  }
  const given = [
    options.appId !== undefined ? '--app-id' : '',
    options.androidOnly ? '--android-only' : '',
    options.requireEmail ? '--require-email' : '',
    options.message !== undefined ? '--message' : ''
  ].filter(Boolean)
  if (given.length > 0) {
    throw new UsageError(
      `${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} for sms-registration only; this invite uses ${channel} (${channelName(channel)})`
    )
  }
}

export async function runInvite(args: string[], io: InviteIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${INVITE_USAGE}\n`)
    return EXIT.ok
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
    // Refused before a project with that server is saved; a saved one is checked below.
    if (options.server?.trim()) requireAllowedServer(serverUrl(options.server), io)

    const opened = openRosterDb(options.db, io, { create: 'default' })
    db = opened.db
    recoverOutbox(db)
    let project = resolveProject(db, options, { dbPath: opened.path, create: true })
    requireAllowedServer(project.server, io)
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
    // Numbers written the national way are read in the project's country unless --country says otherwise.
    const fileCheck = { ...options, defaultCountry: toCountryCode(project.defaultCountry) }
    if (!resolveChannel(options.channel ?? project.channel, project.channelProbe?.offers ?? null)) {
      // The channel needs a probe of HQ first: a file that cannot be sent whatever the channel
      // (unreadable, bad numbers) is refused before HQ is asked anything.
      await rowsToInvite(db, project, fileCheck, options, { stderr: () => undefined })
    }
    const chosen = await chooseChannel(db, project, options.channel, client)
    project = chosen.project
    const channel = chosen.channel
    refuseRegistrationOptions(options, channel)
    const accounts = createsAccounts(channel)
    const appId = accounts ? '' : (options.appId ?? project.appId ?? '')
    if (!accounts && !appId) throw new UsageError('choose the app to invite people to with --app-id')

    const message = accounts ? null : checkMessage(options, project, io)
    const check = {
      ...fileCheck,
      ...(accounts
        ? {
            accounts: {
              domain: project.domain,
              channel: channel as 'sms-confirmation' | 'email-confirmation',
              template: options.usernameTemplate ?? project.usernameTemplate,
              usernameColumn: options.usernameColumn
            }
          }
        : {})
    }
    const { rows, skipped } = await rowsToInvite(db, project, check, options, io)
    const toSend = rows.filter((r) => !r.registeredTo).length

    if (!options.yes) {
      if (!(await ask(io, question(channel, toSend, project, appId)))) {
        io.stderr('Nothing was sent.\n')
        return EXIT.failure
      }
    }

    let batchId: number
    try {
      batchId = createBatch(db, {
        projectId: project.id,
        options: {
          channel,
          appId,
          androidOnly: options.androidOnly,
          requireEmail: options.requireEmail,
          message
        },
        rows,
        reinvite: options.reinvite
      })
    } catch (error) {
      if (error instanceof InviteError) {
        const why =
          error.code === 'already-invited' && error.numbers.length > 0
            ? explainEarlier(db, project.id, error.numbers)
            : null
        throw new Failure(why ?? error.message)
      }
      throw error
    }

    sending = true
    return await sendAndReport({
      command: 'invite',
      db,
      batchId,
      hq: client,
      project,
      channel,
      skipped,
      json: options.json,
      waitSeconds: options.waitSeconds,
      io
    })
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

function question(channel: Channel, n: number, project: ProjectRecord, appId: string): string {
  const where = `for project ${project.domain} on ${project.server}`
  const what =
    channel === 'sms-registration'
      ? `Send ${n} SMS invitation${n === 1 ? '' : 's'} ${where} (app ${appId})`
      : `Create ${n} account${n === 1 ? '' : 's'} ${where}; HQ will ${
          channel === 'sms-confirmation' ? 'text' : 'e-mail'
        } each worker a link to confirm`
  return `${what}? [y/N] `
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

async function ask(io: InviteIo, question: string): Promise<boolean> {
  if (io.confirm) return io.confirm(question)
  return askYesNo(question)
}
