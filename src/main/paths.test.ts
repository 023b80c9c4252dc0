import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from './db/open'
import { ensurePrivateDir, isDefaultDataDir, makeFilesPrivate } from './paths'

const modeOf = (path: string): number => statSync(path).mode & 0o777
const posixOnly = process.platform === 'win32' ? it.skip : it

let root: string
afterEach(() => rmSync(root, { recursive: true, force: true }))
const fresh = (): string => (root = mkdtempSync(join(tmpdir(), 'roster-private-')))

describe('data private to the user', () => {
  posixOnly('creates the data folder 0700 and the database, its -wal and -shm 0600', () => {
    const dir = join(fresh(), 'Roster', 'nested')
    const path = join(dir, 'roster.db')
    const db = openDatabase(path)
    db.prepare('SELECT count(*) FROM projects').get()
    expect(modeOf(dir)).toBe(0o700)
    expect(modeOf(join(root, 'Roster'))).toBe(0o700)
    for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(modeOf(file), file).toBe(0o600)
    db.close()
  })

  posixOnly('tightens a database file left readable by others, and never loosens one', () => {
    const path = join(fresh(), 'roster.db')
    openDatabase(path).close()
    const loose = join(root, 'loose.db')
    writeFileSync(loose, '', { mode: 0o644 })
    openDatabase(loose).close()
    expect(modeOf(loose)).toBe(0o600)
    const strict = join(root, 'strict')
    writeFileSync(strict, 'x', { mode: 0o400 })
    makeFilesPrivate([strict, join(root, 'missing')])
    expect(modeOf(strict)).toBe(0o400)
  })

  posixOnly('tightens Roster’s own data folder but leaves a folder the user chose for --db alone', () => {
    const own = join(fresh(), 'own')
    mkdirSync(own, { mode: 0o755 })
    ensurePrivateDir(own, { tighten: true })
    expect(modeOf(own)).toBe(0o700)
    const chosen = join(root, 'shared')
    mkdirSync(chosen, { mode: 0o755 })
    openDatabase(join(chosen, 'roster.db')).close()
    expect(modeOf(chosen)).toBe(0o755)
    expect(modeOf(join(chosen, 'roster.db'))).toBe(0o600)
  })

  posixOnly('tightens the default data folder (ROSTER_DATA_DIR) when the database opens there', () => {
    const dir = join(fresh(), 'data')
    mkdirSync(dir, { mode: 0o755 })
    const before = process.env.ROSTER_DATA_DIR
    process.env.ROSTER_DATA_DIR = dir
    try {
      expect(isDefaultDataDir(`${dir}/`)).toBe(true)
      openDatabase(join(dir, 'roster.db')).close()
      expect(modeOf(dir)).toBe(0o700)
    } finally {
      if (before === undefined) delete process.env.ROSTER_DATA_DIR
      else process.env.ROSTER_DATA_DIR = before
    }
  })
})
