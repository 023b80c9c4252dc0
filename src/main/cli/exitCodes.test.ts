/**
 * The exit codes every command shares (README, "Exit codes"): a --db that names no file and an
 * unknown project are usage errors (2) everywhere, a bug is 3 and never 1.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../db/open'
import { createProject } from '../db/projects'
import { dispatchCli } from './dispatch'
import { EXIT, type CliIo } from './io'
import { hqArgs, useCliSandbox } from './testing'

const sandbox = useCliSandbox({ sim: { users: 20, seed: 5 } })

const phones = (): string => sandbox.write('phones.csv', 'name,phone\nAmina,+254712000001\n')

/** Every command but sync, with what it needs besides --db and --domain. */
function readers(): Record<string, string[]> {
  return {
    workers: ['workers'],
    validate: ['validate', phones(), '--country', 'KE'],
    invite: ['invite', phones(), '--app-id', 'app', '--api-key', 'k', '--yes'],
    history: ['history']
  }
}

const run = (args: string[], io: Partial<CliIo> = {}) => sandbox.run(dispatchCli, args, io)

function saveProject(domain = sandbox.sim.domain): void {
  const db = openDatabase(sandbox.dbPath)
  createProject(db, { server: sandbox.sim.url, domain, username: sandbox.sim.credentials.username })
  db.close()
}

/** An io whose stdout fails the way a bug would. */
const buggyStdout = (): Partial<CliIo> => ({
  stdout: () => {
    throw new TypeError("Cannot read properties of undefined (reading 'length')")
  }
})

describe('a --db that names no file', () => {
  it('is a usage error that names the path and creates nothing, for every command but sync', async () => {
    const typo = join(sandbox.dir, 'typo.db')
    for (const [name, args] of Object.entries(readers())) {
      const { code, stdout, stderr } = await run([...args, '--db', typo])
      expect(code, name).toBe(EXIT.usage)
      expect(stdout, name).toBe('')
      expect(stderr.split('\n')[0], name).toBe(
        `roster ${name}: --db ${typo}: no such database; nothing was created (check the path, or run roster sync --db ${typo} to start a roster there)`
      )
      expect(existsSync(typo), name).toBe(false)
    }
  })

  it('is created by sync, which says so on stderr', async () => {
    const fresh = join(sandbox.dir, 'new', 'roster.db')
    const key = { ROSTER_API_KEY: sandbox.sim.credentials.apiKey }
    const first = await run(['sync', ...hqArgs(sandbox.sim, '--db', fresh, '--json')], { env: key })
    expect(first.code).toBe(EXIT.ok)
    expect(first.stderr).toBe(`roster sync: created a new roster database at ${fresh}\n`)
    expect(existsSync(fresh)).toBe(true)

    const second = await run(['sync', ...hqArgs(sandbox.sim, '--db', fresh, '--json')], { env: key })
    expect(second.code).toBe(EXIT.ok)
    expect(second.stderr).toBe('')
  })
})

describe('an unknown project', () => {
  it('is a usage error naming the saved ones, for every command that reads a project', async () => {
    saveProject()
    for (const [name, args] of Object.entries(readers())) {
      const { code, stderr } = await run([...args, '--domain', 'nope'])
      expect(code, name).toBe(EXIT.usage)
      expect(stderr.split('\n')[0], name).toBe(
        `roster ${name}: no project 'nope' in the database; it has: ${sandbox.sim.domain}`
      )
    }
  })
})

describe('a bug in Roster', () => {
  it('exits 3, never 1, with one line that says it is a bug, in every command', async () => {
    saveProject()
    const key = { ROSTER_API_KEY: sandbox.sim.credentials.apiKey }
    const commands: Record<string, { args: string[]; io: Partial<CliIo> }> = {
      sync: { args: ['sync', ...hqArgs(sandbox.sim)], io: { ...buggyStdout(), env: key } },
      workers: { args: ['workers'], io: buggyStdout() },
      validate: { args: ['validate', phones(), '--country', 'KE'], io: buggyStdout() },
      history: { args: ['history'], io: buggyStdout() },
      // Asking on a terminal is the last step before anything is written or sent.
      invite: {
        args: ['invite', phones(), ...hqArgs(sandbox.sim)],
        io: {
          env: key,
          isTTY: true,
          confirm: () => {
            throw new TypeError("Cannot read properties of undefined (reading 'length')")
          }
        } as Partial<CliIo>
      }
    }
    for (const [name, { args, io }] of Object.entries(commands)) {
      const { code, stderr } = await run(args, io)
      expect(code, name).toBe(EXIT.internal)
      expect(stderr, name).toBe(
        `roster ${name}: internal error (a bug in Roster, exit code 3): TypeError: ` +
          "Cannot read properties of undefined (reading 'length'); please report it with the command you ran\n"
      )
    }
  })

  it('that escapes a command is still exit 3 from the dispatcher', async () => {
    const err: string[] = []
    const io: CliIo = {
      stdout: () => undefined,
      stderr: (s) => void err.push(s),
      isTTY: false,
      defaultDbPath: sandbox.dbPath,
      // Read while the arguments are parsed, before the command's own error handling starts.
      get env(): NodeJS.ProcessEnv {
        throw new RangeError('Maximum call stack size exceeded')
      }
    }
    expect(await dispatchCli(['sync', ...hqArgs(sandbox.sim)], io)).toBe(EXIT.internal)
    expect(err.join('')).toBe(
      'roster sync: internal error (a bug in Roster, exit code 3): RangeError: Maximum call stack size exceeded; ' +
        'please report it with the command you ran\n'
    )
  })
})
