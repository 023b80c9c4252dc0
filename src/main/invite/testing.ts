/**
 * Helpers for the outbox tests: a real database file in a fresh temp folder and a saved project.
 * Not imported by the product.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase, type Db } from '../db/open'
import { createProject, type ProjectRecord } from '../db/projects'

export interface TempDb {
  db: Db
  path: string
  dir: string
  project: ProjectRecord
  cleanup(): void
}

export function tempDb(project: { server?: string; domain?: string; username?: string } = {}): TempDb {
  const dir = mkdtempSync(join(tmpdir(), 'roster-invite-'))
  const path = join(dir, 'roster.db')
  const db = openDatabase(path)
  const record = createProject(db, {
    server: project.server ?? 'http://127.0.0.1:1',
    domain: project.domain ?? 'demo-project',
    username: project.username ?? 'coordinator@example.org',
    defaultCountry: 'KE'
  })
  return {
    db,
    path,
    dir,
    project: record,
    cleanup() {
      if (db.open) db.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** n distinct valid Kenyan mobile numbers in E.164, starting at +254700000000 + start. */
export function kenyanNumbers(n: number, start = 0): string[] {
  return Array.from({ length: n }, (_, i) => `+2547${String(start + i).padStart(8, '0')}`)
}

export function rowsOf(numbers: readonly string[], data?: (i: number) => Record<string, string>) {
  return numbers.map((e164, i) => ({ row: i + 2, e164, customUserData: data ? data(i) : {} }))
}
