import { existsSync } from 'node:fs'
import type { Db } from '../db/open'
import { listProjects } from '../db/projects'
import { defaultDbPath } from '../paths'
import { validationLookup } from '../invite'
import { runHistory, HISTORY_USAGE } from './history'
import { runInvite, INVITE_USAGE } from './invite'
import { EXIT, processIo, type CliIo } from './io'
import { openRosterDb, resolveProject } from './project'
import { runSync, SYNC_USAGE } from './sync'
import { runValidate, VALIDATE_USAGE, type ValidateLookup } from './validate'
import { runWorkers, WORKERS_USAGE } from './workers'

export const USAGE = `roster: the Roster core from the command line

${SYNC_USAGE}
${WORKERS_USAGE}
${VALIDATE_USAGE}
${INVITE_USAGE}
${HISTORY_USAGE}

Exit codes: 0 ok, 1 failure (one line on stderr), 2 usage.
The default database is the desktop app's (${defaultDbPath()}).
`

export async function dispatchCli(args: string[], io: CliIo = processIo(defaultDbPath())): Promise<number> {
  const [command, ...rest] = args
  switch (command) {
    case 'sync':
      return runSync(rest, io)
    case 'workers':
      return runWorkers(rest, io)
    case 'validate':
      return runValidate(rest, { ...io, openLookup: (o) => openValidationLookup(o, io) })
    case 'invite':
      return runInvite(rest, io)
    case 'history':
      return runHistory(rest, io)
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout(USAGE)
      return command === undefined ? EXIT.usage : EXIT.ok
    default:
      io.stderr(`roster: unknown command '${command}'\n${USAGE}`)
      return EXIT.usage
  }
}

/**
 * Registered and invited numbers, and the country, of the project --domain names (or the only
 * one saved). With neither --db nor --domain, the app's database is used when it exists and
 * holds one project; otherwise nothing is looked up (and nothing is created).
 */
function openValidationLookup(options: { db?: string; domain?: string }, io: CliIo): Partial<ValidateLookup> {
  const implicit = options.db === undefined && options.domain === undefined
  if (implicit && !existsSync(io.defaultDbPath)) return {}
  let opened: { db: Db; path: string }
  try {
    opened = openRosterDb(options.db, io, { mustExist: true })
  } catch (error) {
    if (implicit) return {}
    throw error
  }
  const { db, path } = opened
  try {
    const projects = implicit
      ? listProjects(db)
      : [resolveProject(db, { domain: options.domain }, { dbPath: path })]
    const project = projects.length === 1 ? projects[0]! : undefined
    if (!project) {
      db.close()
      return {}
    }
    return {
      ...validationLookup(db, project.id),
      defaultCountry: project.defaultCountry,
      close: () => db.close()
    }
  } catch (error) {
    db.close()
    throw error
  }
}
