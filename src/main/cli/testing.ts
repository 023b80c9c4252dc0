/**
 * Helpers for the CLI tests: the HQ simulator and a throwaway folder per test or per file,
 * commands run in-process with what they print captured, and the JSON shapes every CLI test
 * pins. Not imported by the product.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { startSim, type Sim, type SimOptions } from '../../../test/hq-sim'
import { ALLOW_HTTP_LOOPBACK_ENV } from '../core/serverPolicy'
import type { CliIo } from './io'

/** What a command printed and how it ended. */
export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** What every command's io has: somewhere to print. */
interface Printing {
  stdout(s: string): void
  stderr(s: string): void
}

/** What the test gives: a command that opens a database needs its default path. */
type IoOverrides<I> = I extends CliIo ? Partial<I> & Pick<CliIo, 'defaultDbPath'> : Partial<I>

/** An io whose output is kept: `out()` and `err()` are everything printed so far. */
export interface CapturedIo<I> {
  cli: I
  out(): string
  err(): string
}

/**
 * The environment of a test run: only the setting that lets the CLI talk to the simulator over
 * plain http:// on this machine. A test of the refusal sets it to undefined in `io.env`.
 */
export const TEST_ENV: NodeJS.ProcessEnv = { [ALLOW_HTTP_LOOPBACK_ENV]: '1' }

/**
 * The io of a script run: no terminal and TEST_ENV, unless `io` says otherwise (its `env` is
 * added to TEST_ENV).
 */
export function captureIo<I extends Printing = CliIo>(io: NoInfer<IoOverrides<I>>): CapturedIo<I> {
  const out: string[] = []
  const err: string[] = []
  const given = io as { env?: NodeJS.ProcessEnv }
  const cli = {
    stdout: (s: string) => void out.push(s),
    stderr: (s: string) => void err.push(s),
    isTTY: false,
    ...io,
    env: { ...TEST_ENV, ...given.env }
  } as unknown as I
  return { cli, out: () => out.join(''), err: () => err.join('') }
}

/** Runs one command in-process with captureIo. */
export async function runCli<I extends Printing>(
  command: (args: string[], io: I) => Promise<number>,
  args: string[],
  io: NoInfer<IoOverrides<I>>
): Promise<CliRun> {
  const t = captureIo<I>(io)
  const code = await command(args, t.cli)
  return { code, stdout: t.out(), stderr: t.err() }
}

/** --server, --domain and --username of the simulator's project, then `extra`. */
export function hqArgs(sim: Sim, ...extra: string[]): string[] {
  return ['--server', sim.url, '--domain', sim.domain, '--username', sim.credentials.username, ...extra]
}

export interface CliSandbox {
  /** The simulator; only when the sandbox was asked for one. */
  readonly sim: Sim
  /** A fresh folder, removed afterwards. */
  readonly dir: string
  /** roster.db in `dir`: not created, and the default database of `run`. */
  readonly dbPath: string
  /** Runs a command in-process as a script would, with `dbPath` as the default database. */
  run<I extends CliIo>(
    command: (args: string[], io: I) => Promise<number>,
    args: string[],
    io?: Partial<I>
  ): Promise<CliRun>
  /** Writes `content` to `name` in `dir` and returns its path. */
  write(name: string, content: string): string
}

/**
 * A throwaway folder and, given `sim` options, a running simulator: fresh for every test, or
 * with `per: 'file'` one for the whole file (its tests then share the database). Call it at the
 * top of the file; read the fields in tests and hooks registered after it.
 */
export function useCliSandbox(options: { sim?: SimOptions; per?: 'test' | 'file' } = {}): CliSandbox {
  let sim: Sim | undefined
  let dir: string | undefined
  const [before, after] = options.per === 'file' ? [beforeAll, afterAll] : [beforeEach, afterEach]
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roster-cli-'))
    if (options.sim) sim = await startSim(options.sim)
  })
  after(async () => {
    await sim?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
    sim = undefined
    dir = undefined
  })
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the CLI sandbox has no ${what} outside its tests and hooks`)
    return value
  }
  const folder = (): string => ready(dir, 'folder')
  const dbPath = (): string => join(folder(), 'roster.db')
  return {
    get sim() {
      if (!options.sim) throw new Error('this CLI sandbox has no simulator: give useCliSandbox sim options')
      return ready(sim, 'simulator')
    },
    get dir() {
      return folder()
    },
    get dbPath() {
      return dbPath()
    },
    run<I extends CliIo>(
      command: (args: string[], io: I) => Promise<number>,
      args: string[],
      io: Partial<I> = {}
    ): Promise<CliRun> {
      return runCli(command, args, { defaultDbPath: dbPath(), ...io } as IoOverrides<I>)
    },
    write: (name, content) => {
      const path = join(folder(), name)
      writeFileSync(path, content)
      return path
    }
  }
}

/** The first sync's --json summary: the simulator's counts, `added` new workers, none updated or removed. */
export function firstSyncSummary(sim: Sim, added: number): Record<string, number> {
  return {
    workers: sim.activeWorkers().length,
    archived: sim.archivedWorkers().length,
    groups: sim.data.groups.length,
    locations: sim.data.locations.length,
    added,
    updated: 0,
    removed: 0
  }
}

/** `roster sync --json`, in order. */
export const SYNC_JSON_KEYS = [
  'workers',
  'archived',
  'groups',
  'locations',
  'added',
  'updated',
  'removed',
  'duration_ms'
]

/** `roster workers --json`, one object per worker, in order: HQ's field names plus archived. */
export const WORKER_JSON_KEYS = [
  'id',
  'username',
  'first_name',
  'last_name',
  'default_phone_number',
  'email',
  'phone_numbers',
  'groups',
  'locations',
  'primary_location',
  'user_data',
  'archived'
]

/** `roster invite --json`, in order. */
export const INVITE_JSON_KEYS = [
  'batch_id',
  'success_numbers',
  'invalid_format_numbers',
  'numbers_in_use',
  'failed',
  'unknown',
  'channel',
  'pending',
  'usernames',
  'skipped',
  'queued'
]

/** `roster history --json`, one object per batch, in order. */
export const HISTORY_JSON_KEYS = [
  'batch_id',
  'created_at',
  'app_id',
  'android_only',
  'require_email',
  'state',
  'total',
  'success',
  'invalid_format',
  'in_use',
  'failed',
  'unknown',
  'registered'
]

/** Row 7 of test/fixtures/import/ke-utf8.csv in `roster validate --json`: row 2's number again. */
export const KE_UTF8_REPEATED_ROW = {
  row: 7,
  input: '+254 712 345 678',
  status: 'error',
  e164: '+254712345678',
  message: 'same number as row 2'
}

const ROOT = resolve(import.meta.dirname, '../../..')

/** Checked once per test process: the sources do not change during a run. */
let checked = false

/** The built `roster` command (`npm run build`), as IT staff and scripts run it. */
export const BUILT_CLI = join(ROOT, 'out/main/cli.js')

/** Newest modification time of the product's sources (tests and their helpers excluded). */
function newestSource(folder: string): number {
  let newest = 0
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path))
    else if (/\.tsx?$/.test(entry.name) && !/(\.test\.tsx?|^testing\.ts)$/.test(entry.name)) {
      newest = Math.max(newest, statSync(path).mtimeMs)
    }
  }
  return newest
}

/**
 * Builds the CLI when it is missing or older than its sources, so a test runs today's code
 * (in `npm test` the build has just run, and this does nothing).
 */
export function ensureBuiltCli(): string {
  if (checked) return BUILT_CLI
  const sources = Math.max(newestSource(join(ROOT, 'src/main')), newestSource(join(ROOT, 'src/shared')))
  checked = existsSync(BUILT_CLI) && statSync(BUILT_CLI).mtimeMs >= sources
  if (checked) return BUILT_CLI
  execFileSync(join(ROOT, 'node_modules/.bin/electron-vite'), ['build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'pipe',
    timeout: 120_000
  })
  checked = true
  return BUILT_CLI
}
