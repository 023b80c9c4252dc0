/**
 * Test support for the store: a real database file in a fresh temp folder, and a small roster
 * that exercises every search and filter. Not imported by the product.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { replaceGroups } from './groups'
import { replaceLocations } from './locations'
import { openDatabase, type Db } from './open'
import { createProject, type ProjectRecord } from './projects'
import type { WorkerInput } from './workerDerive'
import { writeWorkers } from './workers'

export interface TempDb {
  db: Db
  path: string
  dir: string
  cleanup(): void
}

export function tempDb(): TempDb {
  const dir = mkdtempSync(join(tmpdir(), 'roster-db-'))
  const path = join(dir, 'roster.db')
  const db = openDatabase(path)
  return {
    db,
    path,
    dir,
    cleanup() {
      if (db.open) db.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

export const DOMAIN = 'demo-project'
export const SERVER = 'https://www.commcarehq.org'

export function addProject(db: Db, domain = DOMAIN, country = 'KE'): ProjectRecord {
  return createProject(db, {
    server: SERVER,
    domain,
    username: 'coordinator@example.org',
    defaultCountry: country
  })
}

export const LOCATIONS = [
  { id: 'kenya', name: 'Kenya', siteCode: 'ke', type: 'country', parentId: null },
  { id: 'nairobi', name: 'Nairobi', siteCode: 'nbo', type: 'county', parentId: 'kenya' },
  { id: 'kibera', name: 'Kibera', siteCode: 'kib', type: 'ward', parentId: 'nairobi' },
  { id: 'mombasa', name: 'Mombasa', siteCode: 'mba', type: 'county', parentId: 'kenya' },
  { id: 'likoni', name: 'Likoni', siteCode: 'lik', type: 'ward', parentId: 'mombasa' }
]

export const GROUPS = [
  { id: 'g-chv', name: 'CHVs' },
  { id: 'g-sup', name: 'Supervisors' }
]

const user = (local: string) => `${local}@${DOMAIN}.commcarehq.org`

function worker(
  id: string,
  fields: Partial<WorkerInput> & { location?: string; data?: Record<string, string> }
): WorkerInput {
  const { location, data, ...rest } = fields
  return {
    type: 'user',
    id,
    username: user(id),
    first_name: null,
    last_name: null,
    default_phone_number: null,
    email: '',
    phone_numbers: [],
    groups: [],
    locations: location ? [location] : [],
    primary_location: location ?? null,
    user_data: {
      commcare_project: DOMAIN,
      ...(location
        ? {
            commcare_location_id: location,
            commcare_location_ids: location,
            commcare_primary_case_sharing_id: location
          }
        : {}),
      ...data
    },
    resource_uri: `/a/${DOMAIN}/api/v0.5/user/${id}/`,
    ...rest
  }
}

/** Active workers of the fixture, in HQ's order. */
export const ACTIVE: WorkerInput[] = [
  worker('w-aicha', {
    username: user('aicha.mwangi'),
    first_name: 'Aïcha',
    last_name: 'Mwangi',
    email: 'aicha@example.org',
    phone_numbers: ['254712345678'],
    default_phone_number: '254712345678',
    groups: ['g-chv'],
    location: 'kibera',
    data: { village: 'Kibera Soweto', cadre: 'CHV' }
  }),
  worker('w-oystein', {
    username: user('oystein'),
    first_name: 'Øystein',
    last_name: 'Ødegård',
    phone_numbers: ['+4791234567'],
    groups: ['g-sup'],
    location: 'nairobi',
    data: { village: 'Westlands', cadre: 'Supervisor' }
  }),
  worker('w-john', {
    username: user('john.otieno'),
    first_name: 'John',
    last_name: 'Otieno',
    email: 'john.otieno@example.org',
    // HQ kept this one in national form.
    phone_numbers: ['0712000111'],
    groups: ['g-chv', 'g-sup'],
    location: 'likoni',
    data: { village: 'Likoni', cadre: 'CHV' }
  }),
  worker('w-zawadi', { username: user('zawadi.k'), first_name: null, last_name: '' }),
  worker('w-baraka-2', {
    username: user('baraka.m2'),
    first_name: 'Baraka',
    last_name: 'Mwangi',
    phone_numbers: ['254700111222', '254711222333'],
    location: 'mombasa',
    data: { village: 'Nyali', cadre: 'CHA', formula: '=1+2' }
  }),
  worker('w-baraka-1', {
    username: user('baraka.m1'),
    first_name: 'Baraka',
    last_name: 'Mwangi',
    phone_numbers: ['254799000001'],
    groups: ['g-unknown'],
    data: { cadre: 'CHA' }
  })
]

export const ARCHIVED: WorkerInput[] = [
  worker('w-mary', {
    username: user('mary.achieng'),
    first_name: 'Mary',
    last_name: 'Achieng',
    phone_numbers: ['254733444555'],
    groups: ['g-chv'],
    location: 'kibera',
    data: { cadre: 'CHV' }
  })
]

/** A project holding the fixture roster, written as one sync would (generation 1). */
export function fixtureProject(db: Db, domain = DOMAIN): ProjectRecord {
  const project = addProject(db, domain)
  replaceGroups(db, project.id, GROUPS)
  replaceLocations(db, project.id, LOCATIONS)
  const write = { projectId: project.id, generation: 1, country: 'KE' }
  writeWorkers(db, { ...write, archived: false }, ACTIVE)
  writeWorkers(db, { ...write, archived: true }, ARCHIVED)
  return project
}
