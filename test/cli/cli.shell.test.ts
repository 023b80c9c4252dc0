/**
 * The built `roster` command, run the way IT staff and scripts run it: `node out/main/cli.js`
 * in a child process, against the HQ simulator and a throwaway database.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ensureBuiltCli,
  firstSyncSummary,
  hqArgs,
  HISTORY_JSON_KEYS,
  INVITE_JSON_KEYS,
  KE_UTF8_REPEATED_ROW,
  SYNC_JSON_KEYS,
  TEST_ENV,
  useCliSandbox,
  WORKER_JSON_KEYS
} from '../../src/main/cli/testing'
import { kenyanNumbers } from '../../src/main/invite/testing'

const ROOT = resolve(import.meta.dirname, '../..')
const CLI = join(ROOT, 'out/main/cli.js')
const FIXTURES = join(ROOT, 'test/fixtures/import')

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

// era 2019: the seed's HQ, whose SMS registration API `invite` uses here (channel 1).
const sandbox = useCliSandbox({ sim: { users: 150, seed: 7, era: '2019' }, per: 'file' })
/** Started before the other tests: the client retries a refused connection for a few seconds. */
let unreachable: Promise<Run>

/** Runs `roster ARGS` with no API key in its environment unless one is given, plain http:// allowed. */
function roster(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const { ROSTER_API_KEY: _ignored, ...inherited } = process.env
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: sandbox.dir,
      // The default database must never be a real one.
      env: { ...inherited, ...TEST_ENV, ROSTER_DATA_DIR: join(sandbox.dir, 'default'), ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s))
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s))
    child.on('error', fail)
    child.on('close', (code) => done({ code, stdout, stderr }))
  })
}

/** The default database of every run: in a folder that is never created. */
const defaultDb = (): string => join(sandbox.dir, 'default', 'roster.db')

const withKey = (): Record<string, string> => ({ ROSTER_API_KEY: sandbox.sim.credentials.apiKey })

beforeAll(() => {
  ensureBuiltCli()
  unreachable = roster(
    [
      'sync',
      '--server',
      'http://127.0.0.1:9',
      '--domain',
      'demo',
      '--username',
      'u',
      '--db',
      join(sandbox.dir, 'x.db')
    ],
    { ROSTER_API_KEY: 'k' }
  )
})
// Runs before the sandbox is removed: vitest runs the last registered afterAll first.
afterAll(async () => {
  await unreachable
})

describe('roster from a shell', () => {
  it('syncs with the key from ROSTER_API_KEY and prints the JSON summary', async () => {
    const run = await roster(['sync', ...hqArgs(sandbox.sim, '--db', sandbox.dbPath, '--json')], withKey())
    expect(run.stderr).toBe(`roster sync: created a new roster database at ${sandbox.dbPath}\n`)
    expect(run.code).toBe(0)
    const summary = JSON.parse(run.stdout) as Record<string, number>
    expect(Object.keys(summary)).toEqual(SYNC_JSON_KEYS)
    expect(summary).toMatchObject(firstSyncSummary(sandbox.sim, 150))
    expect(run.stdout).not.toContain(sandbox.sim.credentials.apiKey)
  })

  it('finds a worker by name as JSON with HQ’s field names and the archived flag', async () => {
    const worker = sandbox.sim.archivedWorkers()[0]!
    const run = await roster(['workers', worker.username, '--all', '--json', '--db', sandbox.dbPath])
    expect(run.code).toBe(0)
    const rows = JSON.parse(run.stdout) as Record<string, unknown>[]
    const row = rows.find((r) => r.id === worker.id)!
    expect(Object.keys(row)).toEqual(WORKER_JSON_KEYS)
    const { type: _type, resource_uri: _uri, eulas: _eulas, ...fields } = worker
    expect(row).toEqual({ ...fields, archived: true })
  })

  it('finds a worker by a phone number typed the local way and prints a table', async () => {
    const worker = sandbox.sim.activeWorkers().find((w) => w.phone_numbers.some((p) => p.startsWith('254')))!
    const phone = worker.phone_numbers.find((p) => p.startsWith('254'))!
    const national = `0${phone.slice(3, 6)} ${phone.slice(6)}`
    const run = await roster(['workers', national, '--db', sandbox.dbPath])
    expect(run.code).toBe(0)
    expect(run.stdout.split('\n')[0]).toMatch(/^NAME\s+USERNAME\s+PHONE\s+LOCATION\s+GROUPS$/)
    expect(run.stdout).toContain(worker.username.replace(/@.*$/, ''))
    expect(run.stderr).toMatch(/^\d+ of \d+ active workers in demo-project\.\n$/)
  })

  it('validates a fixture file as JSON and exits 1 because some rows have errors', async () => {
    const run = await roster(['validate', join(FIXTURES, 'ke-utf8.csv'), '--country', 'KE', '--json'])
    // The default database (ROSTER_DATA_DIR) does not exist: the file is checked all the same.
    expect(run.stderr).toBe(
      `note: registered and invited numbers were not checked (there is no roster database at ${defaultDb()}; name one with --db)\n`
    )
    expect(run.code).toBe(1)
    const rows = JSON.parse(run.stdout) as Record<string, unknown>[]
    expect(Object.keys(rows[0]!)).toEqual(['row', 'input', 'status', 'e164', 'message'])
    expect(rows.map((r) => [r.row, r.status])).toEqual([
      [2, 'ready'],
      [3, 'ready'],
      [4, 'fixed'],
      [5, 'error'],
      [6, 'fixed'],
      [7, 'error'],
      [8, 'ready'],
      [9, 'ready'],
      [10, 'warning'],
      [12, 'error'],
      [13, 'fixed'],
      [14, 'fixed'],
      [15, 'error'],
      [16, 'ready']
    ])
    expect(rows[5]).toEqual(KE_UTF8_REPEATED_ROW)
  })

  it('invites from a file with the key from the environment and prints the JSON outcome', async () => {
    const numbers = kenyanNumbers(3, 83_000_000)
    const file = sandbox.write(
      'invite.csv',
      ['Name,Phone,District', ...numbers.map((n, i) => `Person ${i + 1},${n},Kisumu`)].join('\n') + '\n'
    )
    const appId = sandbox.sim.data.applications[0]!.id
    const run = await roster(
      ['invite', file, '--app-id', appId, '--yes', '--json', '--db', sandbox.dbPath],
      withKey()
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const out = JSON.parse(run.stdout) as Record<string, unknown>
    expect(Object.keys(out)).toEqual(INVITE_JSON_KEYS)
    expect(out).toMatchObject({ invalid_format_numbers: [], numbers_in_use: [], failed: [], unknown: [] })
    expect((out.success_numbers as string[]).sort()).toEqual(numbers)
    expect(sandbox.sim.invitations.get(numbers[0]!.slice(1))).toMatchObject({
      appId,
      // Titles that are valid keys are kept as written: HQ's field keys are case-sensitive.
      customUserData: { Name: 'Person 1', District: 'Kisumu' }
    })
  })

  it('lists the batch in the history as JSON', async () => {
    const run = await roster(['history', '--json', '--db', sandbox.dbPath])
    expect(run.code).toBe(0)
    const rows = JSON.parse(run.stdout) as Record<string, unknown>[]
    expect(rows).toHaveLength(1)
    expect(Object.keys(rows[0]!)).toEqual(HISTORY_JSON_KEYS)
    expect(rows[0]).toMatchObject({ state: 'done', total: 3, success: 3, failed: 0, unknown: 0 })
  })

  it('exits 2 with a one-line reason for mistakes on the command line', async () => {
    const db = sandbox.dbPath
    const cases: [string[], RegExp][] = [
      [['workers', '--limit', '0', '--db', db], /^roster workers: --limit needs a whole number/],
      [
        ['workers', '--domain', 'nope', '--db', db],
        /^roster workers: no project 'nope' in the database; it has: demo-project$/
      ],
      [
        ['validate', join(FIXTURES, 'ke-utf8.csv'), '--country', 'KE', '--domain', 'nope', '--db', db],
        /^roster validate: no project 'nope'/
      ],
      [
        ['history', '--domain', 'nope', '--db', db],
        /^roster history: no project 'nope' in the database; it has: demo-project$/
      ],
      [
        ['workers', '--db', join(sandbox.dir, 'none.db')],
        /^roster workers: --db .*none\.db: no such database; nothing was created \(check the path/
      ],
      [
        ['sync', '--server', sandbox.sim.url, '--domain', sandbox.sim.domain, '--username', 'u'],
        /^roster sync: no API key/
      ],
      [['frobnicate'], /^roster: unknown command 'frobnicate'$/]
    ]
    for (const [args, reason] of cases) {
      const run = await roster(args)
      expect(run.code, args.join(' ')).toBe(2)
      expect(run.stderr.split('\n')[0], args.join(' ')).toMatch(reason)
      expect(run.stdout).toBe('')
    }
    const help = await roster(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain(
      'Exit codes: 0 ok, 1 failure (one line on stderr), 2 usage, 3 internal error (a bug in Roster).'
    )
    expect(existsSync(join(sandbox.dir, 'none.db'))).toBe(false)
  })

  it('exits 1 with one line on stderr when HQ cannot be reached', async () => {
    const run = await unreachable
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    const [created, ...why] = run.stderr.split('\n').filter(Boolean)
    expect(created).toBe(`roster sync: created a new roster database at ${join(sandbox.dir, 'x.db')}`)
    expect(why).toHaveLength(1)
    expect(why[0]).toMatch(/^roster sync: Cannot reach HQ at http:\/\/127\.0\.0\.1:9\b/)
  })

  it('exits 1 when there is no roster to search yet, creating none', async () => {
    const run = await roster(['workers'])
    expect(run.code).toBe(1)
    expect(run.stderr).toBe(
      `roster workers: there is no roster at ${defaultDb()} yet (nothing was created); run roster sync first\n`
    )
    expect(existsSync(defaultDb())).toBe(false)
  })
})
