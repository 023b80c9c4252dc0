/**
 * A database file that is damaged or not Roster's at start: moved aside untouched with a message,
 * a new roster started (rebuilt by the next sync), and the invitation history kept when it can
 * still be read. Through `roster sync` and `roster history`, as a coordinator meets it.
 */
import Database from 'better-sqlite3'
import { closeSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runHistory, type HistoryJsonRow } from '../cli/history'
import { runSync } from '../cli/sync'
import { hqArgs, useCliSandbox } from '../cli/testing'
import { createBatch } from '../invite'
import { kenyanNumbers, rowsOf } from '../invite/testing'
import { expectMirror } from '../sync/testing'
import { openDatabase } from './open'
import { listProjects } from './projects'

const sandbox = useCliSandbox({ sim: { users: 600, seed: 3 } })
const key = { env: { ROSTER_API_KEY: 'sim-key-coordinator' } }
const sync = () => sandbox.run(runSync, hqArgs(sandbox.sim, '--db', sandbox.dbPath, '--json'), key)

const asideFiles = (): string[] =>
  readdirSync(sandbox.dir).filter((f) => /^roster\.db\.(corrupt|foreign)-/.test(f) && !f.endsWith('-wal'))

function expectRebuilt(): void {
  const db = openDatabase(sandbox.dbPath)
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expectMirror(db, listProjects(db)[0]!, sandbox.sim)
  } finally {
    db.close()
  }
}

describe('a database file Roster cannot use at start', () => {
  it('moves a file that is not a database aside, untouched, says so, and the sync rebuilds the roster', async () => {
    writeFileSync(
      sandbox.dbPath,
      'this is not a database, just text that a copy tool left behind\n'.repeat(100)
    )
    const original = readFileSync(sandbox.dbPath)
    const { code, stderr } = await sync()
    expect(code).toBe(0)
    const [aside] = asideFiles()
    expect(aside).toBeDefined()
    expect(stderr).toContain(
      `The database ${sandbox.dbPath} was damaged and could not be read: it was moved aside to `
    )
    expect(stderr).toContain('The invitation history could not be read from it.')
    expect(readFileSync(`${sandbox.dir}/${aside}`)).toEqual(original)
    expectRebuilt()
  })

  it('moves another program’s SQLite database aside without adding Roster’s tables to it', async () => {
    const foreign = new Database(sandbox.dbPath)
    foreign.exec(
      `CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('keep me')`
    )
    foreign.close()
    const { code, stderr } = await sync()
    expect(code).toBe(0)
    expect(stderr).toContain('is not a Roster database')
    const [aside] = asideFiles()
    const moved = new Database(`${sandbox.dir}/${aside}`, { readonly: true })
    expect(moved.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all()).toEqual([
      'notes'
    ])
    expect(moved.prepare('SELECT text FROM notes').pluck().get()).toBe('keep me')
    moved.close()
    expectRebuilt()
  })

  it('keeps the invitation history of a damaged roster when it can be read, and rebuilds the workers', async () => {
    expect((await sync()).code).toBe(0)
    const db = openDatabase(sandbox.dbPath)
    const project = listProjects(db)[0]!
    createBatch(db, { projectId: project.id, options: { appId: 'app-1' }, rows: rowsOf(kenyanNumbers(30)) })
    // Damage the workers' pages only, as a bad sector would.
    const pages = db
      .prepare(`SELECT pageno FROM dbstat WHERE name = 'workers' ORDER BY pageno`)
      .pluck()
      .all() as number[]
    const pageSize = db.pragma('page_size', { simple: true }) as number
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    expect(pages.length).toBeGreaterThan(2)
    const fd = openSync(sandbox.dbPath, 'r+')
    for (const page of pages.slice(1))
      writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (page - 1) * pageSize)
    closeSync(fd)

    const { code, stderr } = await sync()
    expect(code, stderr).toBe(0)
    expect(stderr).toContain('was damaged and could not be read')
    expect(stderr).toContain('The saved projects and the invitation history were copied from it.')
    expectRebuilt()
    const history = await sandbox.run(runHistory, ['--db', sandbox.dbPath, '--json'])
    expect(history.code).toBe(0)
    expect(JSON.parse(history.stdout) as HistoryJsonRow[]).toMatchObject([{ total: 30, state: 'queued' }])
  })

  it('keeps a file from a newer Roster where it is, with its own message', async () => {
    const newer = new Database(sandbox.dbPath)
    newer.exec('CREATE TABLE projects (id TEXT)')
    newer.pragma('user_version = 999')
    newer.close()
    const { code, stderr } = await sync()
    expect(code).toBe(1)
    expect(stderr).toContain('written by a newer Roster')
    expect(asideFiles()).toEqual([])
  })
})
