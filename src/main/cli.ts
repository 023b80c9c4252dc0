#!/usr/bin/env node
/**
 * `roster`: the core without Electron, for IT staff and scripts. Each command lives in src/main/cli/.
 * Exit codes: 0 ok, 1 failure (one line on stderr), 2 usage, 3 internal error (a bug in Roster).
 */
import { dispatchCli } from './cli/dispatch'
import { EXIT } from './cli/io'

dispatchCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    // dispatchCli answers every failure it knows with a code; anything reaching here is a bug.
    process.stderr.write(
      `roster: internal error (a bug in Roster, exit code 3): ${error instanceof Error ? error.message : String(error)}\n`
    )
    process.exitCode = EXIT.internal
  }
)
