import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { WorkerQuery } from '../../shared/domain'
import { workersCsv } from './exportCsv'
import { findWorkersByDigits } from './inviteLookups'
import type { ProjectRecord } from './projects'
import { updateProject } from './projects'
import { replaceGroups } from './groups'
import { reindexWorkersInChunks, writeWorkers } from './workers'
import { ACTIVE, ARCHIVED, fixtureProject, tempDb, type TempDb } from './testing'
import { getWorker, iterateWorkers, queryWorkers, workerFacets } from './workerQueries'

let t: TempDb
let project: ProjectRecord

beforeEach(() => {
  t = tempDb()
  project = fixtureProject(t.db)
})
afterEach(() => t.cleanup())

function ids(query: Omit<WorkerQuery, 'projectId'> = {}): string[] {
  return queryWorkers(t.db, { projectId: project.id, limit: 1000, ...query }).rows.map((r) => r.id)
}

const search = (text: string, status: WorkerQuery['status'] = 'active') => ids({ text, status }).sort()

describe('search', () => {
  it('finds a name with or without its diacritics', () => {
    expect(search('aicha')).toEqual(['w-aicha'])
    expect(search('Aïcha')).toEqual(['w-aicha'])
    expect(search('AICHA')).toEqual(['w-aicha'])
  })

  it('finds letters Unicode does not decompose by their plain spelling', () => {
    expect(search('odegard')).toEqual(['w-oystein'])
    expect(search('Ødegård')).toEqual(['w-oystein'])
    expect(search('oyst')).toEqual(['w-oystein'])
  })

  it('matches every word as a prefix while typing', () => {
    expect(search('mwa')).toEqual(['w-aicha', 'w-baraka-1', 'w-baraka-2'])
    expect(search('ai mwa')).toEqual(['w-aicha'])
    expect(search('bar mwangi')).toEqual(['w-baraka-1', 'w-baraka-2'])
  })

  it('finds a username by its local part or in full, but not by the suffix every worker shares', () => {
    expect(search('john.ot')).toEqual(['w-john'])
    expect(search('aicha.mwangi@demo-project.commcarehq.org')).toEqual(['w-aicha'])
    expect(search('commcarehq')).toEqual([])
    expect(search('demo-project')).toEqual([])
  })

  it('finds an email address', () => {
    expect(search('aicha@example')).toEqual(['w-aicha'])
    expect(search('john.otieno@example.org')).toEqual(['w-john'])
  })

  it('finds a phone number typed in E.164, as digits or in the national way', () => {
    expect(search('+254712345678')).toEqual(['w-aicha'])
    expect(search('+254 712 345')).toEqual(['w-aicha'])
    expect(search('2547123')).toEqual(['w-aicha'])
    expect(search('254712')).toEqual(['w-aicha', 'w-john'])
    expect(search('0712 345')).toEqual(['w-aicha'])
    expect(search('712-345')).toEqual(['w-aicha'])
    expect(search('(0712) 345 678')).toEqual(['w-aicha'])
  })

  it('finds a number HQ holds in national form by its international spelling', () => {
    expect(search('+254712000111')).toEqual(['w-john'])
    expect(search('0712 000')).toEqual(['w-john'])
  })

  it('finds any of a worker’s phones and foreign numbers', () => {
    expect(search('0711 222')).toEqual(['w-baraka-2'])
    expect(search('+47 912')).toEqual(['w-oystein'])
  })

  it('finds a custom user data value', () => {
    expect(search('soweto')).toEqual(['w-aicha'])
    expect(search('Westlands')).toEqual(['w-oystein'])
  })

  it('searches within the chosen status', () => {
    expect(search('achieng')).toEqual([])
    expect(search('achieng', 'archived')).toEqual(['w-mary'])
    expect(search('kibera', 'all')).toEqual(['w-aicha'])
    expect(search('0733', 'all')).toEqual(['w-mary'])
  })

  it('never lets what the coordinator types break the search syntax', () => {
    for (const text of [
      '"',
      '""',
      "o'brien",
      'AND',
      'a OR',
      'NOT',
      '*',
      'NEAR(a b)',
      '(',
      ')',
      '-',
      '^',
      ':',
      'a:b',
      '{x}',
      '+',
      '\\'
    ]) {
      expect(() => queryWorkers(t.db, { projectId: project.id, text })).not.toThrow()
    }
    expect(search('and')).toEqual([])
  })

  it('treats a search of punctuation only as no search', () => {
    expect(search('  -- ')).toEqual(ids().sort())
  })
})

describe('filters', () => {
  it('filters by group', () => {
    expect(ids({ groupId: 'g-chv' }).sort()).toEqual(['w-aicha', 'w-john'])
    expect(ids({ groupId: 'g-chv', status: 'all' }).sort()).toEqual(['w-aicha', 'w-john', 'w-mary'])
    expect(ids({ groupId: 'g-sup' }).sort()).toEqual(['w-john', 'w-oystein'])
    expect(ids({ groupId: 'nope' })).toEqual([])
  })

  it('filters by location including every location below it', () => {
    expect(ids({ locationId: 'kibera' })).toEqual(['w-aicha'])
    expect(ids({ locationId: 'nairobi' }).sort()).toEqual(['w-aicha', 'w-oystein'])
    expect(ids({ locationId: 'mombasa' }).sort()).toEqual(['w-baraka-2', 'w-john'])
    expect(ids({ locationId: 'kenya' }).sort()).toEqual(['w-aicha', 'w-baraka-2', 'w-john', 'w-oystein'])
    expect(ids({ locationId: 'kenya', status: 'archived' })).toEqual(['w-mary'])
  })

  it('filters by status', () => {
    expect(ids().sort()).toEqual(ACTIVE.map((w) => w.id).sort())
    expect(ids({ status: 'archived' })).toEqual(['w-mary'])
    expect(ids({ status: 'all' })).toHaveLength(ACTIVE.length + ARCHIVED.length)
  })

  it('filters by having a phone number', () => {
    expect(ids({ hasPhone: false })).toEqual(['w-zawadi'])
    expect(ids({ hasPhone: true })).not.toContain('w-zawadi')
    expect(ids({ hasPhone: true })).toHaveLength(ACTIVE.length - 1)
  })

  it('filters by a custom field value', () => {
    expect(ids({ field: { key: 'cadre', value: 'CHV' } }).sort()).toEqual(['w-aicha', 'w-john'])
    expect(ids({ field: { key: 'cadre', value: 'CHV' }, status: 'all' }).sort()).toEqual([
      'w-aicha',
      'w-john',
      'w-mary'
    ])
    expect(ids({ field: { key: 'cadre', value: 'chv' } })).toEqual([])
  })

  it('combines filters', () => {
    expect(ids({ groupId: 'g-chv', locationId: 'nairobi', text: 'mwangi', hasPhone: true })).toEqual([
      'w-aicha'
    ])
    expect(ids({ groupId: 'g-sup', field: { key: 'cadre', value: 'CHV' } })).toEqual(['w-john'])
  })
})

describe('sorting', () => {
  it('sorts by name, folding accents, with the id breaking ties', () => {
    expect(ids()).toEqual(['w-aicha', 'w-baraka-1', 'w-baraka-2', 'w-john', 'w-oystein', 'w-zawadi'])
  })

  it('reverses every sort exactly with desc', () => {
    for (const sort of ['name', 'username', 'phone', 'location', 'status', 'groups', 'data:village']) {
      const asc = ids({ sort, status: 'all' })
      expect(ids({ sort, dir: 'desc', status: 'all' })).toEqual([...asc].reverse())
    }
  })

  it('sorts by username', () => {
    expect(ids({ sort: 'username' })).toEqual([
      'w-aicha',
      'w-baraka-1',
      'w-baraka-2',
      'w-john',
      'w-oystein',
      'w-zawadi'
    ])
  })

  it('sorts by the first phone number, workers without one first', () => {
    expect(ids({ sort: 'phone' })).toEqual([
      'w-zawadi',
      'w-baraka-2', // 254700...
      'w-john', // 254712000111
      'w-aicha', // 254712345678
      'w-baraka-1', // 254799...
      'w-oystein' // 4791...
    ])
  })

  it('sorts by the primary location’s name', () => {
    expect(ids({ sort: 'location' })).toEqual([
      'w-baraka-1', // none
      'w-zawadi', // none
      'w-aicha', // Kibera
      'w-john', // Likoni
      'w-baraka-2', // Mombasa
      'w-oystein' // Nairobi
    ])
  })

  it('sorts by the first group’s name, any case and accents, workers without a group last', () => {
    // Renamed in HQ: the sort follows the new names. Byte order would put "Äbc" after "zebra".
    replaceGroups(t.db, project.id, [
      { id: 'g-chv', name: 'zebra team' },
      { id: 'g-sup', name: 'Äbc Supervisors' }
    ])
    expect(ids({ sort: 'groups' })).toEqual([
      'w-oystein', // Äbc Supervisors
      'w-baraka-1', // g-unknown: a group HQ did not list shows (and sorts) by its id
      'w-aicha', // zebra team
      'w-john', // zebra team (first of two), id breaks the tie
      'w-baraka-2', // none
      'w-zawadi' // none
    ])
    expect(ids({ sort: 'groups', dir: 'desc' })).toEqual([...ids({ sort: 'groups' })].reverse())
  })

  it('sorts by a custom field’s value, any case and accents, workers without one last', () => {
    writeWorkers(t.db, { projectId: project.id, generation: 1, archived: false, country: 'KE' }, [
      { id: 'w-embu', username: 'embu@x', user_data: { village: 'Émbu' } },
      { id: 'w-kisumu', username: 'kisumu@x', user_data: { village: 'kisumu' } },
      { id: 'w-blank', username: 'blank@x', user_data: { village: '' } }
    ])
    expect(ids({ sort: 'data:village' })).toEqual([
      'w-embu', // Émbu
      'w-aicha', // Kibera Soweto
      'w-kisumu', // kisumu
      'w-john', // Likoni
      'w-baraka-2', // Nyali
      'w-oystein', // Westlands
      'w-baraka-1', // no village
      'w-blank', // empty village
      'w-zawadi' // no village
    ])
    const page = queryWorkers(t.db, {
      projectId: project.id,
      sort: 'data:village',
      offset: 2,
      limit: 3
    })
    expect(page.rows.map((r) => r.id)).toEqual(['w-kisumu', 'w-john', 'w-baraka-2'])
    expect(page.total).toBe(ACTIVE.length + 3)
  })

  it('iterates in the same order as the pages for groups and custom fields', () => {
    for (const sort of ['groups', 'data:cadre', 'data:no-such-field'] as const) {
      for (const dir of ['asc', 'desc'] as const) {
        const iterated = [...iterateWorkers(t.db, { projectId: project.id, status: 'all', sort, dir })]
        expect(iterated.map((r) => r.id)).toEqual(ids({ sort, dir, status: 'all' }))
      }
    }
  })

  it('pages a custom field sort alike from either end, with ties and empty values, both ways', () => {
    const write = { projectId: project.id, generation: 1, country: 'KE' }
    writeWorkers(t.db, { ...write, archived: false }, [
      { id: 'w-t1', username: 't1@x', user_data: { village: 'Nyali' } },
      { id: 'w-a-nyali', username: 'a@x', user_data: { village: 'NYALI' } },
      { id: 'w-empty', username: 'empty@x', user_data: { village: '' } }
    ])
    writeWorkers(t.db, { ...write, archived: true }, [
      { id: 'w-arch', username: 'arch@x', phone_numbers: ['254700999888'], user_data: { village: 'nyali' } }
    ])
    // Equal folded values in id order, then the workers without a value (none or empty) in id order.
    const ascending = [
      'w-aicha', // Kibera Soweto
      'w-john', // Likoni
      'w-a-nyali', // NYALI
      'w-arch', // nyali (archived)
      'w-baraka-2', // Nyali
      'w-t1', // Nyali
      'w-oystein', // Westlands
      'w-baraka-1', // no village
      'w-empty', // empty village
      'w-mary', // no village (archived)
      'w-zawadi' // no village
    ]
    expect(ids({ sort: 'data:village', status: 'all' })).toEqual(ascending)
    for (const status of ['all', 'active', 'archived'] as const) {
      for (const filter of [{}, { hasPhone: true }, { text: 'mwangi' }, { locationId: 'kenya' }]) {
        // Which workers match comes from the name sort; their order from the list above.
        const matching = new Set(ids({ ...filter, status }))
        for (const dir of ['asc', 'desc'] as const) {
          const whole = ascending.filter((id) => matching.has(id))
          if (dir === 'desc') whole.reverse()
          for (const limit of [1, 2, 3]) {
            for (let offset = 0; offset <= whole.length; offset++) {
              const query = { ...filter, status, sort: 'data:village', dir, offset, limit }
              const page = queryWorkers(t.db, { projectId: project.id, ...query })
              expect({ query, ids: page.rows.map((r) => r.id), total: page.total }).toEqual({
                query,
                ids: whole.slice(offset, offset + limit),
                total: whole.length
              })
            }
          }
        }
      }
    }
  })

  it('moves a worker archived in HQ to the archived list of a custom field sort', () => {
    const john = ACTIVE.find((w) => w.id === 'w-john')!
    writeWorkers(t.db, { projectId: project.id, generation: 2, country: 'KE', archived: true }, [john])
    expect(ids({ sort: 'data:village' })).not.toContain('w-john')
    expect(ids({ sort: 'data:village', status: 'archived' })).toEqual(['w-john', 'w-mary'])
    expect(ids({ sort: 'data:cadre', status: 'archived', dir: 'desc' })).toEqual(['w-mary', 'w-john'])
  })

  it('sorts by status, active first', () => {
    const all = ids({ sort: 'status', status: 'all' })
    expect(all[all.length - 1]).toBe('w-mary')
    expect(all.slice(0, -1)).toEqual(ids())
  })
})

describe('paging', () => {
  it('returns windows that add up to the whole list with a constant total', () => {
    const whole = ids({ status: 'all' })
    const windows: string[] = []
    for (let offset = 0; offset < whole.length; offset += 2) {
      const page = queryWorkers(t.db, { projectId: project.id, status: 'all', offset, limit: 2 })
      expect(page.total).toBe(whole.length)
      expect(page.offset).toBe(offset)
      windows.push(...page.rows.map((r) => r.id))
    }
    expect(windows).toEqual(whole)
  })

  it('returns no rows past the end but still the total', () => {
    const page = queryWorkers(t.db, { projectId: project.id, offset: 50, limit: 10 })
    expect(page).toEqual({ total: ACTIVE.length, offset: 50, rows: [] })
  })

  it('counts a broad group or location filter the same as a narrow one', () => {
    for (const filter of [
      { locationId: 'kenya' },
      { groupId: 'g-chv' },
      { locationId: 'kenya', status: 'all' as const }
    ]) {
      const page = queryWorkers(t.db, { projectId: project.id, ...filter, limit: 1 })
      expect(page.total).toBe(ids(filter).length)
      expect(page.rows.map((r) => r.id)).toEqual(ids(filter).slice(0, 1))
    }
  })
})

describe('rows and details', () => {
  it('shapes a row as the worker list shows it', () => {
    const [row] = queryWorkers(t.db, { projectId: project.id, text: 'aicha' }).rows
    expect(row).toEqual({
      id: 'w-aicha',
      username: 'aicha.mwangi@demo-project.commcarehq.org',
      firstName: 'Aïcha',
      lastName: 'Mwangi',
      name: 'Aïcha Mwangi',
      email: 'aicha@example.org',
      defaultPhone: '+254712345678',
      phones: ['+254712345678'],
      groupNames: ['CHVs'],
      locationName: 'Kibera',
      archived: false,
      pendingConfirmation: false,
      userData: { village: 'Kibera Soweto', cadre: 'CHV' }
    })
  })

  it('names a worker without names by the username and keeps unknown group ids', () => {
    const rows = queryWorkers(t.db, { projectId: project.id, limit: 100 }).rows
    expect(rows.find((r) => r.id === 'w-zawadi')?.name).toBe('zawadi.k')
    expect(rows.find((r) => r.id === 'w-baraka-1')?.groupNames).toEqual(['g-unknown'])
    expect(rows.find((r) => r.id === 'w-john')?.phones).toEqual(['+254712000111'])
  })

  it('gives a worker’s detail with names, location paths, system data, raw JSON and HQ links', () => {
    const detail = getWorker(t.db, project.id, 'w-aicha')!
    expect(detail.groups).toEqual([{ id: 'g-chv', name: 'CHVs' }])
    expect(detail.locations).toEqual([{ id: 'kibera', name: 'Kibera', path: ['Kenya', 'Nairobi', 'Kibera'] }])
    expect(detail.primaryLocationId).toBe('kibera')
    expect(detail.systemData).toEqual({
      commcare_project: 'demo-project',
      commcare_location_id: 'kibera',
      commcare_location_ids: 'kibera',
      commcare_primary_case_sharing_id: 'kibera'
    })
    expect(detail.userData).toEqual({ village: 'Kibera Soweto', cadre: 'CHV' })
    expect(detail.raw).toEqual(ACTIVE[0])
    expect(detail.hqUrl).toBe(
      'https://www.commcarehq.org/a/demo-project/settings/users/commcare/account/w-aicha/'
    )
    expect(detail.caseListUrl).toBe(
      'https://www.commcarehq.org/a/demo-project/reports/case_list/?emw=u__w-aicha'
    )
  })

  it('answers null for a worker or project it does not hold', () => {
    expect(getWorker(t.db, project.id, 'nobody')).toBeNull()
    expect(getWorker(t.db, 'no-project', 'w-aicha')).toBeNull()
  })

  it('iterates every matching worker in order with HQ’s raw object', () => {
    const all = [...iterateWorkers(t.db, { projectId: project.id, status: 'all' })]
    expect(all.map((r) => r.id)).toEqual(ids({ status: 'all' }))
    expect(all.find((r) => r.id === 'w-mary')?.raw).toEqual(ARCHIVED[0])
  })
})

describe('facets', () => {
  it('counts workers per group and per location including sub-locations, and lists custom fields', () => {
    const facets = workerFacets(t.db, project.id)
    expect(facets.counts).toEqual({ active: ACTIVE.length, archived: 1, invited: 0 })
    expect(facets.groups).toEqual([
      { id: 'g-chv', name: 'CHVs', count: 2 },
      { id: 'g-sup', name: 'Supervisors', count: 2 }
    ])
    const count = (id: string) => facets.locations.find((l) => l.id === id)?.count
    expect(count('kibera')).toBe(1)
    expect(count('nairobi')).toBe(2)
    expect(count('mombasa')).toBe(2)
    expect(count('kenya')).toBe(4)
    expect(facets.locations.find((l) => l.id === 'likoni')).toEqual({
      id: 'likoni',
      name: 'Likoni',
      parentId: 'mombasa',
      type: 'ward',
      count: 1
    })
    expect(facets.customFieldKeys).toEqual(['cadre', 'formula', 'village'])
  })

  it('counts archived or all workers when asked', () => {
    expect(workerFacets(t.db, project.id, 'archived').groups.find((g) => g.id === 'g-chv')?.count).toBe(1)
    expect(workerFacets(t.db, project.id, 'all').locations.find((l) => l.id === 'kenya')?.count).toBe(5)
  })
})

describe('export and lookups', () => {
  it('exports the filtered roster as CSV with custom fields and no live formulas, marked as UTF-8 for Excel', () => {
    const out = workersCsv(
      t.db,
      { projectId: project.id, groupId: 'g-chv' },
      undefined,
      new Date('2025-03-04T10:00:00Z')
    )
    expect(out.filename).toBe('demo-project-workers-2025-03-04.csv')
    expect(out.rows).toBe(2)
    // Excel on Windows reads a CSV as UTF-8 only after the byte order mark EF BB BF.
    expect([...Buffer.from(out.csv, 'utf8').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = out.csv.split('\r\n')
    expect(lines[0]).toBe(
      '\uFEFFName,First name,Last name,Username,Email,Default phone,Phone numbers,Groups,Location,Status,HQ id,cadre,formula,village'
    )
    expect(lines[1]).toContain('Aïcha Mwangi')
    expect(lines[1]).toContain('+254712345678')
    const chosen = workersCsv(t.db, { projectId: project.id, text: 'nyali' }, ['name', 'data:formula'])
    expect(chosen.csv).toBe("\uFEFFName,formula\r\nBaraka Mwangi,'=1+2")
  })

  it('finds the workers who hold given numbers, by HQ’s digits or by their E.164 reading', () => {
    const found = findWorkersByDigits(t.db, project.id, [
      '254712345678',
      '254712000111',
      '254733444555',
      '254799999999'
    ])
    expect(found).toEqual([
      {
        digits: '254712000111',
        workerId: 'w-john',
        username: 'john.otieno@demo-project.commcarehq.org',
        name: 'John Otieno'
      },
      {
        digits: '254712345678',
        workerId: 'w-aicha',
        username: 'aicha.mwangi@demo-project.commcarehq.org',
        name: 'Aïcha Mwangi'
      },
      {
        digits: '254733444555',
        workerId: 'w-mary',
        username: 'mary.achieng@demo-project.commcarehq.org',
        name: 'Mary Achieng'
      }
    ])
    expect(findWorkersByDigits(t.db, project.id, [])).toEqual([])
  })

  it('reads national numbers again when the project’s country changes', () => {
    updateProject(t.db, project.id, { defaultCountry: 'UG' })
    expect(findWorkersByDigits(t.db, project.id, ['256712000111']).map((m) => m.workerId)).toEqual(['w-john'])
    expect(search('+256 712 000')).toEqual(['w-john'])
    expect(search('+254712000111')).toEqual([])
    // Numbers HQ holds with their country code do not move.
    expect(search('+254712345678')).toEqual(['w-aicha'])
  })

  it('re-reads national numbers in chunks, one short transaction each, with the same result', async () => {
    const chunks: number[] = []
    let otherWriterGotIn = false
    const pending = reindexWorkersInChunks(t.db, project.id, 'UG', {
      chunk: 2,
      onChunk: (n) => chunks.push(n)
    })
    // Between chunks the write lock is free: another writer gets in before the re-index ends.
    setImmediate(() => {
      t.db.prepare(`UPDATE projects SET label = label WHERE id = ?`).run(project.id)
      otherWriterGotIn = chunks.length < Math.ceil((ACTIVE.length + 1) / 2)
    })
    const done = await pending
    expect(done).toBe(ACTIVE.length + 1)
    expect(chunks.length).toBeGreaterThan(2)
    expect(otherWriterGotIn).toBe(true)
    expect(findWorkersByDigits(t.db, project.id, ['256712000111']).map((m) => m.workerId)).toEqual(['w-john'])
    expect(search('+254712345678')).toEqual(['w-aicha'])
  })

  it('keeps each project’s roster apart', () => {
    const other = fixtureProject(t.db, 'other-project')
    expect(queryWorkers(t.db, { projectId: other.id }).total).toBe(ACTIVE.length)
    expect(queryWorkers(t.db, { projectId: project.id, text: 'aicha' }).total).toBe(1)
    expect(workerFacets(t.db, project.id).counts.active).toBe(ACTIVE.length)
  })
})
