import { existsSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from '../db/open'
import { createProject, listProjects } from '../db/projects'
import { createBatch } from '../invite'
import { dispatchCli } from './dispatch'
import { Failure, UsageError } from './io'
import { openRosterDb, resolveProject } from './project'
import { useCliSandbox } from './testing'

const sandbox = useCliSandbox()
let db: Db

beforeEach(() => {
  db = openDatabase(':memory:')
})
afterEach(() => {
  db.close()
})

function errorOf(fn: () => unknown): Error {
  try {
    fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

const nairobi = { server: 'https://www.commcarehq.org', domain: 'nairobi-chw', username: 'amina@example.org' }

describe('resolveProject', () => {
  it('takes the only saved project when nothing is named', () => {
    const saved = createProject(db, nairobi)
    expect(resolveProject(db, {}, { dbPath: 'x.db' }).id).toBe(saved.id)
  })

  it('matches the domain in any case and the server by preset, host or address', () => {
    const saved = createProject(db, nairobi)
    createProject(db, { ...nairobi, server: 'https://india.commcarehq.org' })
    for (const server of ['www', 'www.commcarehq.org', 'https://www.commcarehq.org/']) {
      expect(resolveProject(db, { domain: 'Nairobi-CHW', server }, { dbPath: 'x.db' }).id).toBe(saved.id)
    }
  })

  it('says to sync first when nothing is saved, and never creates without being allowed to', () => {
    const error = errorOf(() => resolveProject(db, nairobi, { dbPath: '/data/roster.db' }))
    expect(error).toBeInstanceOf(Failure)
    expect(error.message).toBe('no project has been synced into /data/roster.db yet; run roster sync first')
    expect(listProjects(db)).toEqual([])
  })

  it('creates the project on first use only when allowed and given a domain and username', () => {
    const noName = errorOf(() => resolveProject(db, { domain: 'x' }, { dbPath: 'x.db', create: true }))
    expect(noName).toBeInstanceOf(UsageError)
    expect(noName.message).toBe('no project is saved yet: name it with --server, --domain and --username')

    const created = resolveProject(
      db,
      { domain: 'nairobi-chw', username: 'amina@example.org' },
      { dbPath: 'x.db', create: true }
    )
    expect(created).toMatchObject(nairobi)
    expect(resolveProject(db, { ...nairobi, server: 'india' }, { dbPath: 'x.db', create: true }).server).toBe(
      'https://india.commcarehq.org'
    )
    expect(listProjects(db)).toHaveLength(2)
  })

  it('names the saved projects when the choice fits none or several', () => {
    createProject(db, nairobi)
    createProject(db, { ...nairobi, server: 'https://india.commcarehq.org' })
    createProject(db, { ...nairobi, domain: 'kisumu' })

    const several = errorOf(() => resolveProject(db, {}, { dbPath: 'x.db' }))
    expect(several).toBeInstanceOf(UsageError)
    expect(several.message).toBe(
      'the database holds several projects; choose one with --domain: kisumu, nairobi-chw'
    )

    const twice = errorOf(() => resolveProject(db, { domain: 'nairobi-chw' }, { dbPath: 'x.db' }))
    expect(twice.message).toBe(
      "'nairobi-chw' is saved more than once; add --server or --username: " +
        'nairobi-chw (amina@example.org on https://india.commcarehq.org); ' +
        'nairobi-chw (amina@example.org on https://www.commcarehq.org)'
    )

    const none = errorOf(() => resolveProject(db, { domain: 'nope' }, { dbPath: 'x.db' }))
    expect(none.message).toBe("no project 'nope' in the database; it has: kisumu, nairobi-chw")

    const wrongUser = errorOf(() =>
      resolveProject(db, { domain: 'kisumu', username: 'b@x.org' }, { dbPath: 'x.db' })
    )
    expect(wrongUser).toBeInstanceOf(UsageError)
    expect(wrongUser.message).toMatch(
      /^no project 'kisumu' for b@x\.org in the database; it has: kisumu \(amina/
    )
  })
})

describe('openRosterDb', () => {
  it('never creates a --db that does not exist unless it may create any file, and says nothing was made', () => {
    const io = { defaultDbPath: join(sandbox.dir, 'default.db') }
    const typo = join(sandbox.dir, 'typo.db')
    for (const create of [undefined, 'never', 'default'] as const) {
      const missing = errorOf(() => openRosterDb(typo, io, create ? { create } : {}))
      expect(missing, String(create)).toBeInstanceOf(UsageError)
      expect(missing.message).toBe(
        `--db ${typo}: no such database; nothing was created (check the path, or run roster sync --db ${typo} to start a roster there)`
      )
    }
    expect(existsSync(typo)).toBe(false)

    const made = openRosterDb(typo, io, { create: 'any' })
    made.db.close()
    expect(made).toMatchObject({ path: typo, created: true })
    const again = openRosterDb(typo, io)
    again.db.close()
    expect(again.created).toBe(false)
  })

  it('creates the default database only when allowed, and otherwise says to sync first', () => {
    const io = { defaultDbPath: join(sandbox.dir, 'default.db') }
    const missing = errorOf(() => openRosterDb(undefined, io))
    expect(missing).toBeInstanceOf(Failure)
    expect(missing.message).toBe(
      `there is no roster at ${io.defaultDbPath} yet (nothing was created); run roster sync first`
    )
    expect(existsSync(io.defaultDbPath)).toBe(false)

    const opened = openRosterDb(undefined, io, { create: 'default' })
    opened.db.close()
    expect(opened).toMatchObject({ path: io.defaultDbPath, created: true })
    expect(existsSync(io.defaultDbPath)).toBe(true)
  })

  it('moves a file that is not a database aside, says so on stderr, and starts a new roster there', () => {
    const notDb = join(sandbox.dir, 'notes.db')
    writeFileSync(notDb, 'this is not a database, just some text that is long enough to have a header')
    const said: string[] = []
    const { db } = openRosterDb(notDb, { defaultDbPath: 'x', stderr: (s) => void said.push(s) })
    db.close()
    expect(said.join('')).toMatch(
      new RegExp(
        `^roster: The database ${notDb} was damaged and could not be read: it was moved aside to ${notDb}\\.corrupt-`
      )
    )
  })

  it('says which file it could not open', () => {
    const newer = join(sandbox.dir, 'newer.db')
    const db = openDatabase(newer)
    db.pragma('user_version = 999')
    db.close()
    const error = errorOf(() => openRosterDb(newer, { defaultDbPath: 'x' }))
    expect(error).toBeInstanceOf(Failure)
    expect(error.message).toMatch(
      new RegExp(`^cannot open the database ${newer}: This database was written by a newer Roster`)
    )
  })
})

describe('roster validate --db/--domain through the dispatcher', () => {
  const fixture = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/import/ke-utf8.csv')

  const run = (args: string[]) => sandbox.run(dispatchCli, args)

  it('checks numbers against the invitations of the project --domain names', async () => {
    const path = sandbox.dbPath
    const store = openDatabase(path)
    const project = createProject(store, { ...nairobi, domain: 'demo' })
    createProject(store, { ...nairobi, domain: 'other' })
    createBatch(store, {
      projectId: project.id,
      options: { appId: 'app-1' },
      rows: [{ row: 2, e164: '+254799888777', customUserData: {} }]
    })
    store.close()

    const { code, stdout } = await run(['validate', fixture, '--country', 'KE', '--json', '--domain', 'demo'])
    expect(code).toBe(1)
    const last = (JSON.parse(stdout) as { row: number; status: string; message: string }[]).at(-1)!
    expect(last).toMatchObject({ row: 16, status: 'warning' })
    expect(last.message).toMatch(/^already invited on/)

    const several = await run(['validate', fixture, '--country', 'KE', '--db', path])
    expect(several.code).toBe(2)
    expect(several.stderr).toBe(
      'roster validate: the database holds several projects; choose one with --domain: demo, other\n'
    )
  })

  it('reads national numbers in the saved project’s country when --country is not given', async () => {
    const senegal = sandbox.write('senegal.csv', 'Phone\n77 123 45 67\n+254712345678\n')
    // Without a saved project nothing says which country "77 123 45 67" is from.
    const unknown = await run(['validate', senegal, '--json'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/row 2 is not in international form .*--country/)
    expect(existsSync(sandbox.dbPath)).toBe(false)

    const path = sandbox.dbPath
    const store = openDatabase(path)
    createProject(store, { ...nairobi, domain: 'dakar', defaultCountry: 'SN' })
    store.close()
    const e164s = (stdout: string) => (JSON.parse(stdout) as { e164: string | null }[]).map((r) => r.e164)
    const note =
      "note: senegal.csv: numbers without a country code are read as SN numbers (the project's country); use --country to change\n"

    // The app's database with its only project, --db, or --domain: each names the project.
    for (const args of [[], ['--db', path], ['--domain', 'dakar']]) {
      const { code, stdout, stderr } = await run(['validate', senegal, '--json', ...args])
      expect(code, args.join(' ')).toBe(0)
      expect(e164s(stdout)).toEqual(['+221771234567', '+254712345678'])
      expect(stderr).toBe(note)
    }
    // --country wins over the project's country.
    const chosen = await run(['validate', senegal, '--json', '--country', 'KE'])
    expect(e164s(chosen.stdout)[0]).toMatch(/^\+254/)
    expect(chosen.stderr).toBe('')

    // With several projects the one --domain names counts; without it no project is known.
    const again = openDatabase(path)
    createProject(again, { ...nairobi, defaultCountry: 'KE' })
    again.close()
    expect((await run(['validate', senegal, '--json'])).code).toBe(2)
    const dakar = await run(['validate', senegal, '--json', '--domain', 'dakar'])
    expect(e164s(dakar.stdout)[0]).toBe('+221771234567')
  })

  it('is a usage error, creating nothing, when --db names no file', async () => {
    const typo = join(sandbox.dir, 'typo.db')
    const { code, stderr } = await run(['validate', fixture, '--country', 'KE', '--db', typo])
    expect(code).toBe(2)
    expect(stderr).toBe(
      `roster validate: --db ${typo}: no such database; nothing was created (check the path, or run roster sync --db ${typo} to start a roster there)\n`
    )
    expect(existsSync(typo)).toBe(false)
  })

  it('still checks the file without any database, and says registered and invited numbers were not', async () => {
    const { code, stdout, stderr } = await run(['validate', fixture, '--country', 'KE', '--json'])
    expect(code).toBe(1)
    expect((JSON.parse(stdout) as { row: number }[]).at(-1)).toMatchObject({ row: 16 })
    expect(stderr).toBe(
      `note: registered and invited numbers were not checked (there is no roster database at ${sandbox.dbPath}; name one with --db)\n`
    )
    expect(existsSync(sandbox.dbPath)).toBe(false)
  })

  it('says registered and invited numbers were not checked when the database does not say which project', async () => {
    const store = openDatabase(sandbox.dbPath)
    createProject(store, { ...nairobi, domain: 'demo' })
    createProject(store, { ...nairobi, domain: 'other' })
    store.close()
    const { code, stderr } = await run(['validate', fixture, '--country', 'KE', '--json'])
    expect(code).toBe(1)
    expect(stderr).toBe(
      'note: registered and invited numbers were not checked (the database holds several projects (demo, other); choose one with --domain)\n'
    )
  })
})
