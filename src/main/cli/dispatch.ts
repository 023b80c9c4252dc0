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

/** Registered and invited numbers of the project --domain names (or the only one saved). */
function openValidationLookup(options: { db?: string; domain?: string }, io: CliIo): ValidateLookup {
  const { db, path } = openRosterDb(options.db, io, { mustExist: true })
  try {
    const project = resolveProject(db, { domain: options.domain }, { dbPath: path })
    return { ...validationLookup(db, project.id), close: () => db.close() }
  } catch (error) {
    db.close()
    throw error
  }
}
