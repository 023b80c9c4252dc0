import { appendFileSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'

const MAX_BYTES = 2 * 1024 * 1024

/**
 * A packaged Windows app has no console: what the core reports goes to roster.log in the data
 * folder (rolled over at 2 MB). Callers never pass secrets; HQ errors are redacted before they
 * get here.
 */
export function fileLogger(dataDir: string): (message: string) => void {
  const file = join(dataDir, 'roster.log')
  return (message) => {
    const line = `${new Date().toISOString()} ${message}\n`
    try {
      if ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) > MAX_BYTES) renameSync(file, `${file}.1`)
      appendFileSync(file, line)
    } catch {
      // Logging must never take the app down.
    }
    if (!process.env.ROSTER_QUIET) process.stdout.write(`[roster] ${line}`)
  }
}
