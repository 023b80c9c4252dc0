/**
 * `roster check`: what the API key can do and which invitation channels the server offers, the
 * same side-effect-free probe as Test connection. Exit codes: 0 the worker list can be read,
 * 1 it cannot (or HQ cannot be reached), 2 usage, 3 a bug.
 */
import { existsSync } from 'node:fs'
import { CHANNEL_NAMES, CHANNELS, type ChannelOffers, type ChannelProbe } from '../../shared/channels'
import { listProjects, saveChannelProbe } from '../db/projects'
import type { AccessReport } from '../hq/access'
import { createHqClient, type HqClient } from '../hq/client'
import { CONNECTION_OPTIONS, readConnection, type Connection } from './connection'
import { reportError } from './errors'
import { EXIT, parseCommandLine, parseOrExit, type CliIo } from './io'
import { matchProjects, openRosterDb } from './project'

export const CHECK_USAGE =
  'usage: roster check --server URL --domain D --username U [--api-key K] [--json] [--db PATH]'

const HELP = `${CHECK_USAGE}

Checks, without changing anything in HQ, whether the key can read the mobile worker list and
which ways of inviting workers the server offers: SMS self-registration (servers from before
late 2020), an account with a confirmation SMS, an account with a confirmation e-mail. When the
project is saved in the database, what the server offers is stored with it (roster invite's
--channel auto uses it).

  --server URL     HQ server: https://..., or www, india, eu
  --domain D       project space name
  --username U     your HQ username (the API key's owner)
  --api-key K      API key; better: set ROSTER_API_KEY
  --db PATH        database where the project is saved (default: the app's own, when it exists)
  --json           print {workers: {ok, message}, channels: {sms-registration, sms-confirmation,
                   email-confirmation}, channel, message}
`

/** The --json output (issue 9: exactly these fields). */
export interface CheckJson {
  workers: { ok: boolean; message: string }
  channels: ChannelOffers
  /** What `--channel auto` would use; null when the server offers none. */
  channel: string | null
  message: string
}

interface CheckArgs extends Connection {
  db: string | undefined
  json: boolean
}

function parseCheckArgs(args: string[], io: CliIo): CheckArgs | 'help' {
  const { values } = parseCommandLine({
    args,
    options: {
      ...CONNECTION_OPTIONS,
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    },
    allowPositionals: false,
    strict: true
  })
  if (values.help) return 'help'
  return { ...readConnection(values, io), db: values.db, json: values.json }
}

export async function runCheck(args: string[], io: CliIo): Promise<number> {
  const options = parseOrExit('check', CHECK_USAGE, HELP, io, () => parseCheckArgs(args, io))
  if ('exit' in options) return options.exit
  let client: HqClient | undefined
  try {
    // A --db that does not exist is a typo, found before HQ is asked anything.
    if (options.db !== undefined) openRosterDb(options.db, io).db.close()
    client = createHqClient({
      server: options.server,
      domain: options.domain,
      username: options.username,
      apiKey: options.apiKey
    })
    const report = await client.checkAccess()
    storeProbe(options, report, io)
    io.stdout(options.json ? `${JSON.stringify(checkJson(report), null, 2)}\n` : describeReport(report))
    return report.workers.ok ? EXIT.ok : EXIT.failure
  } catch (error) {
    return reportError('check', error, io, CHECK_USAGE)
  } finally {
    await client?.close()
  }
}

export function checkJson(report: AccessReport): CheckJson {
  return {
    workers: { ok: report.workers.ok, message: report.workers.message },
    channels: {
      'sms-registration': report.offers['sms-registration'],
      'sms-confirmation': report.offers['sms-confirmation'],
      'email-confirmation': report.offers['email-confirmation']
    },
    channel: report.channel,
    message: report.message
  }
}

/** The probe as a project keeps it. */
export function probeOf(report: AccessReport, now = new Date()): ChannelProbe {
  return { offers: report.offers, message: report.message, probedAt: now.toISOString() }
}

/**
 * Keeps the answer on the saved project, if there is one. A check that could not reach the
 * server's channels (a refused key, no network: nothing offered, worker list unreadable) says
 * nothing about the server, so it does not overwrite what an earlier check found.
 */
function storeProbe(options: CheckArgs, report: AccessReport, io: CliIo): void {
  const told = report.workers.ok || Object.values(report.offers).some((offered) => offered === true)
  if (!told) return
  if (options.db === undefined && !existsSync(io.defaultDbPath)) return
  const { db } = openRosterDb(options.db, io)
  try {
    const [project, ...others] = matchProjects(listProjects(db), options)
    if (project && others.length === 0) saveChannelProbe(db, project.id, probeOf(report))
  } finally {
    db.close()
  }
}

const mark = (ok: boolean | null): string => (ok === null ? '?' : ok ? 'yes' : 'no ')

/** One line per check, then what Roster will do. */
function describeReport(report: AccessReport): string {
  const lines = [`Worker list: ${mark(report.workers.ok)}  ${report.workers.message}`]
  for (const channel of CHANNELS) {
    const offered = report.offers[channel]
    lines.push(`${CHANNEL_NAMES[channel]}: ${mark(offered)}  ${report.channels[channel].message}`)
  }
  lines.push('', report.message)
  if (report.workers.ok) {
    lines.push(
      report.channel
        ? `roster invite --channel auto will use: ${CHANNEL_NAMES[report.channel]} (${report.channel}).`
        : 'This server offers no way for Roster to invite workers.'
    )
  }
  return `${lines.join('\n')}\n`
}
