#!/usr/bin/env node
/**
 * `roster`: the core without Electron, for IT staff and scripts. Each command lives in src/main/cli/.
 * Exit codes: 0 ok, 1 failure (one line on stderr), 2 usage.
 */
import { dispatchCli } from './cli/dispatch'

dispatchCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`roster: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  }
)
