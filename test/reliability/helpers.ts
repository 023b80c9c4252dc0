/**
 * Shared by the crash matrix and the fault list: a real `roster` process (the built CLI, which
 * starts in a third of the time tsx takes: the matrix starts dozens), a seeded PRNG for kill
 * points, and the database checks every case ends with. Not imported by the product.
 */
import Database from 'better-sqlite3'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { expect } from 'vitest'
import { ensureBuiltCli, TEST_ENV } from '../../src/main/cli/testing'

export { mulberry32 } from '../hq-sim/prng'

export interface RosterChild {
  proc: ChildProcess
  /** Resolves when the process has ended, with everything it printed. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>
}

/**
 * `roster ARGS` in its own process, plain http:// (the simulator) allowed; ROSTER_DATA_DIR points
 * into `dir` so no real database is touched.
 */
export function spawnRoster(args: string[], opts: { dir: string; apiKey: string }): RosterChild {
  const proc = spawn(process.execPath, [ensureBuiltCli(), ...args], {
    cwd: opts.dir,
    env: {
      ...process.env,
      ...TEST_ENV,
      ROSTER_API_KEY: opts.apiKey,
      ROSTER_DATA_DIR: join(opts.dir, 'default')
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  proc.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s))
  proc.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s))
  const done = once(proc, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    stdout,
    stderr
  }))
  return { proc, done }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Waits until `ready()` holds (polled every few ms) or the child ends; false when it ended first. */
export async function until(ready: () => boolean, child: RosterChild): Promise<boolean> {
  let ended = false
  void child.done.then(() => (ended = true))
  while (!ready()) {
    if (ended) return false
    await sleep(3)
  }
  return true
}

/** SIGKILL, and the process gone. */
export async function kill(child: RosterChild): Promise<void> {
  child.proc.kill('SIGKILL')
  await child.done
}

/** SQLite's own check of the file: every page, index and constraint. */
export function expectIntact(path: string): void {
  const db = new Database(path, { readonly: true })
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(db.pragma('foreign_key_check')).toEqual([])
  } finally {
    db.close()
  }
}
