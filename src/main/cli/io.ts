import { parseArgs, type ParseArgsConfig } from 'node:util'

/** What a CLI command may touch: its output streams, the environment and where the database lives. */
export interface CliIo {
  stdout(s: string): void
  stderr(s: string): void
  /** stderr is a terminal: progress may redraw a line. */
  isTTY: boolean
  env: NodeJS.ProcessEnv
  defaultDbPath: string
}

/** The real process, for the dispatcher. */
export function processIo(defaultDbPath: string): CliIo {
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: process.stderr.isTTY === true,
    env: process.env,
    defaultDbPath
  }
}

/**
 * Exit codes shared by every command. `internal` is a bug in Roster (an exception nobody
 * expected): never 1, which scripts read as "the command did its job and found problems".
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, internal: 3 } as const

/** Thrown by argument checks; the command prints it with its usage line and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Thrown when the command cannot do its job (no roster, unreadable file...); it exits 1 with this line. */
export class Failure extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'Failure'
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** node:util's parseArgs, with its complaint (unknown option, missing value) as a UsageError. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config)
  } catch (error) {
    throw new UsageError(messageOf(error))
  }
}

/**
 * The start every command shares: parse the arguments, print the usage line on a usage error
 * (exit 2) or the help text on --help (exit 0). Returns the options, or the exit code to stop with.
 */
export function parseOrExit<T>(
  command: string,
  usage: string,
  help: string,
  io: CliIo,
  parse: () => T | 'help'
): T | { exit: number } {
  let options: T | 'help'
  try {
    options = parse()
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr(`roster ${command}: ${error.message}\n${usage}\n`)
    return { exit: EXIT.usage }
  }
  if (options === 'help') {
    io.stdout(help)
    return { exit: EXIT.ok }
  }
  return options
}
