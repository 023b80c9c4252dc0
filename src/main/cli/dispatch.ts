import { defaultDbPath } from '../paths'
import { CHECK_USAGE, runCheck } from './check'
import { internalErrorLine } from './errors'
import { runHistory, HISTORY_USAGE } from './history'
import { runInvite, INVITE_USAGE } from './invite'
import { RESOLVE_USAGE, runResolve } from './resolve'
import { runSend, SEND_USAGE } from './send'
import { EXIT, processIo, type CliIo } from './io'
import { runSync, SYNC_USAGE } from './sync'
import { runValidate, VALIDATE_USAGE } from './validate'
import { openValidationLookup } from './validateLookup'
import { runWorkers, WORKERS_USAGE } from './workers'

export const USAGE = `roster: the Roster core from the command line

${SYNC_USAGE}
${CHECK_USAGE}
${WORKERS_USAGE}
${VALIDATE_USAGE}
${INVITE_USAGE}
${SEND_USAGE}
${RESOLVE_USAGE}
${HISTORY_USAGE}

Exit codes: 0 ok, 1 failure (one line on stderr), 2 usage, 3 internal error (a bug in Roster).
The default database is the desktop app's (${defaultDbPath()}).
`

export async function dispatchCli(args: string[], io: CliIo = processIo(defaultDbPath())): Promise<number> {
  try {
    return await dispatch(args, io)
  } catch (error) {
    // Every command reports its own failures; what escapes one is a bug, never exit 1.
    io.stderr(`roster${args[0] ? ` ${args[0]}` : ''}: ${internalErrorLine(error)}\n`)
    return EXIT.internal
  }
}

function dispatch(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args
  switch (command) {
    case 'sync':
      return runSync(rest, io)
    case 'check':
      return runCheck(rest, io)
    case 'workers':
      return runWorkers(rest, io)
    case 'validate':
      return runValidate(rest, { ...io, openLookup: (o) => openValidationLookup(o, io) })
    case 'invite':
      return runInvite(rest, io)
    case 'send':
      return runSend(rest, io)
    case 'resolve':
      return runResolve(rest, io)
    case 'history':
      return runHistory(rest, io)
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout(USAGE)
      return Promise.resolve(command === undefined ? EXIT.usage : EXIT.ok)
    default:
      io.stderr(`roster: unknown command '${command}'\n${USAGE}`)
      return Promise.resolve(EXIT.usage)
  }
}
