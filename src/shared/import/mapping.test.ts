import { describe, expect, it } from 'vitest'
import {
  defaultMapping,
  guessAccountRoles,
  guessPhoneColumn,
  importRows,
  isValidUserDataKey,
  slugifyKey,
  userDataKeyProblem
} from './mapping'

const rows = [
  ['Amina', '12345678', '0712 345 678', 'Kisumu'],
  ['Brian', '23456789', '254722345678', 'Siaya'],
  ['Chebet', '34567890', '2.54712E+11', 'Kericho']
]

describe('guessPhoneColumn', () => {
  it('finds the phone column by its title in several languages', () => {
    for (const title of [
      'Phone',
      'Mobile number',
      'MSISDN',
      'Téléphone',
      'Numéro de téléphone',
      'Namba ya simu',
      'Tel.',
      'Celular'
    ]) {
      expect(guessPhoneColumn(['Name', 'National ID', title, 'Village'], rows)).toBe(2)
    }
  })

  it('finds it by content when the titles say nothing', () => {
    const content = [
      ['Amina', 'Kisumu', '0712 345 678'],
      ['Brian', 'Siaya', '+254 722 345 678'],
      ['Chebet', 'Kericho', '']
    ]
    expect(guessPhoneColumn(['Column A', 'Column B', 'Column C'], content)).toBe(2)
  })

  it('prefers a clear title over another column of long numbers', () => {
    // The ID column looks like phone numbers too; the title decides.
    expect(guessPhoneColumn(['Name', 'ID number', 'Phone', 'Village'], rows)).toBe(2)
  })

  it('prefers content over a vague title', () => {
    const vague = [
      ['1', 'Amina', '0712 345 678'],
      ['2', 'Brian', '0722 345 678']
    ]
    expect(guessPhoneColumn(['No', 'Number of visits', 'Contact'], vague)).toBe(2)
  })

  it('answers -1 when no column holds phone numbers', () => {
    expect(guessPhoneColumn(['Name', 'Village'], [['Amina', 'Kisumu']])).toBe(-1)
  })
})

describe('custom data keys', () => {
  it('keeps a title that already is a valid key exactly, case included', () => {
    for (const title of ['District', 'village', '2nd_language', 'CHV-code', 'Sub_County']) {
      expect(slugifyKey(title)).toBe(title)
    }
    expect(slugifyKey('  District ')).toBe('District')
  })

  it('slugifies other titles into keys HQ accepts', () => {
    expect(slugifyKey("Numéro d'équipe")).toBe('numero_d_equipe')
    expect(slugifyKey('  Health Facility (CHV) ')).toBe('health_facility_chv')
    expect(slugifyKey('2nd village')).toBe('2nd_village')
    expect(slugifyKey('Région')).toBe('region')
    expect(slugifyKey('2024')).toBe('field_2024')
    expect(slugifyKey('XML version')).toBe('field_xml_version')
    expect(slugifyKey('', 2)).toBe('column_c')
    expect(slugifyKey('!!!', 27)).toBe('column_ab')
    expect(slugifyKey(`Name ${'x'.repeat(200)}`)).toHaveLength(64)
    expect(slugifyKey('name')).toBe('worker_name')
    expect(slugifyKey(' type ')).toBe('worker_type')
    expect(slugifyKey('Owner ID')).toBe('worker_owner_id')
    expect(slugifyKey('User type:')).toBe('worker_user_type')
    expect(slugifyKey('commtrack-supply-point')).toBe('worker_commtrack-supply-point')
    for (const key of [
      'numero_d_equipe',
      'health_facility_chv',
      '2nd_village',
      'region',
      'field_2024',
      'worker_owner_id',
      'worker_commtrack-supply-point'
    ]) {
      expect(isValidUserDataKey(key)).toBe(true)
    }
  })

  it('accepts the keys HQ accepts', () => {
    for (const key of ['District', 'village', '2nd_language', '1st', 'chv-code', 'x', 'a'.repeat(127)]) {
      expect(isValidUserDataKey(key), key).toBe(true)
    }
  })

  it('rejects keys HQ reserves or cannot store, saying why', () => {
    expect(userDataKeyProblem('commcare_location_id')).toBe(
      'names starting with commcare_ are reserved by CommCare HQ'
    )
    expect(userDataKeyProblem('xml_thing')).toBe('names cannot start with "xml"')
    expect(userDataKeyProblem('XMLthing')).toBe('names cannot start with "xml"')
    expect(userDataKeyProblem('has space')).toBe('use only plain letters (no accents), digits, _ and -')
    expect(userDataKeyProblem('Région')).toBe('use only plain letters (no accents), digits, _ and -')
    expect(userDataKeyProblem('2024')).toBe('a name cannot be only digits')
    expect(userDataKeyProblem('')).toBe('give the field a name')
    expect(userDataKeyProblem('a'.repeat(128))).toBe('use at most 127 characters')
    expect(userDataKeyProblem('District')).toBeUndefined()
  })

  it('rejects the names HQ keeps for itself as written, and suggests another', () => {
    for (const key of [
      'name',
      'type',
      'owner_id',
      'external_id',
      'hq_user_id',
      'user_type',
      'commtrack-supply-point'
    ]) {
      expect(userDataKeyProblem(key)).toBe(
        `CommCare HQ uses "${key}" for its own data; choose another name, such as "worker_${key}"`
      )
      expect(userDataKeyProblem(`worker_${key}`)).toBeUndefined()
    }
    // HQ compares field names exactly.
    for (const key of ['Name', 'TYPE', 'Owner_ID', 'name_1', 'username']) {
      expect(userDataKeyProblem(key), key).toBeUndefined()
    }
  })
})

describe('defaultMapping', () => {
  it('maps the phone column and sends every other titled column as custom data', () => {
    const mapping = defaultMapping(['Name', 'National ID', 'Téléphone', 'Village'], rows)
    expect(mapping).toEqual({
      phone: 2,
      fields: [
        { index: 0, header: 'Name', key: 'Name', skip: false },
        { index: 1, header: 'National ID', key: 'national_id', skip: false },
        { index: 3, header: 'Village', key: 'Village', skip: false }
      ]
    })
  })

  it('skips empty columns, reserved names and untitled columns, saying why', () => {
    const table = [
      ['Amina', '0712345678', '', 'x', 'y'],
      ['Brian', '0722345678', '', 'x', 'y']
    ]
    const mapping = defaultMapping(['Name', 'Phone', 'Notes', 'commcare_project', 'Village'], table)
    expect(mapping.fields).toEqual([
      { index: 0, header: 'Name', key: 'Name', skip: false },
      { index: 2, header: 'Notes', key: 'Notes', skip: true, reason: 'the column is empty' },
      {
        index: 3,
        header: 'commcare_project',
        key: 'commcare_project',
        skip: true,
        reason: 'names starting with commcare_ are reserved by CommCare HQ'
      },
      { index: 4, header: 'Village', key: 'Village', skip: false }
    ])
    const untitled = defaultMapping(
      ['Column A', 'Column B'],
      table.map((r) => r.slice(0, 2)),
      { hasHeader: false }
    )
    expect(untitled).toEqual({
      phone: 1,
      fields: [
        {
          index: 0,
          header: 'Column A',
          key: 'column_a',
          skip: true,
          reason: 'the column has no title; name it to send it'
        }
      ]
    })
  })

  it('sends a title that is a valid key as it is, and slugifies the others', () => {
    const mapping = defaultMapping(
      ['District', 'Phone', 'village', '2nd_language', 'Health facility', 'Région'],
      [['Kisumu', '0712345678', 'Ojola', 'Dholuo', 'Ojola HC', 'Nyanza']]
    )
    expect(mapping.fields.map((f) => f.key)).toEqual([
      'District',
      'village',
      '2nd_language',
      'health_facility',
      'region'
    ])
  })

  it('keeps keys unique when titles repeat, ignoring case as HQ does', () => {
    const mapping = defaultMapping(
      ['Name', 'Phone', 'Name', 'NAME', 'Name_2'],
      [['a', '0712345678', 'b', 'c', 'd']]
    )
    expect(mapping.fields.map((f) => f.key)).toEqual(['Name', 'Name_2', 'NAME_3', 'Name_2_2'])
  })

  it('sends a column titled with a name HQ keeps for itself under a key it accepts', () => {
    const mapping = defaultMapping(
      ['name', 'Phone', 'type', 'External ID', 'Name', 'worker_name'],
      [['Amina', '0712345678', 'CHV', 'KE-1', 'Amina M.', 'x']]
    )
    expect(mapping.fields).toEqual([
      { index: 0, header: 'name', key: 'worker_name', skip: false },
      { index: 2, header: 'type', key: 'worker_type', skip: false },
      { index: 3, header: 'External ID', key: 'worker_external_id', skip: false },
      { index: 4, header: 'Name', key: 'Name', skip: false },
      { index: 5, header: 'worker_name', key: 'worker_name_2', skip: false }
    ])
    for (const field of mapping.fields) expect(userDataKeyProblem(field.key), field.key).toBeUndefined()
  })
})

describe('importRows', () => {
  it('takes the phone cell and the mapped fields, with the file row numbers', () => {
    const table = {
      rows: [
        ['Amina ', '0712 345 678', 'Kisumu', 'secret'],
        ['Brian', '254722345678', '', 'secret']
      ],
      rowNumbers: [2, 4]
    }
    const mapping = {
      phone: 1,
      fields: [
        { index: 0, header: 'Name', key: 'name', skip: false },
        { index: 2, header: 'Village', key: 'village', skip: false },
        { index: 3, header: 'PIN', key: 'pin', skip: true }
      ]
    }
    expect(importRows(table, mapping)).toEqual([
      { row: 2, phone: '0712 345 678', fields: { name: 'Amina', village: 'Kisumu' } },
      { row: 4, phone: '254722345678', fields: { name: 'Brian' } }
    ])
  })

  it('asks for a phone column when none is mapped', () => {
    expect(() => importRows({ rows: [['a']], rowNumbers: [1] }, { phone: -1, fields: [] })).toThrow(
      'choose the column that holds the phone numbers'
    )
  })
})

describe('account columns', () => {
  it('finds username, name and e-mail columns by their titles in several languages', () => {
    const cases: [string[], Record<string, number>][] = [
      [
        ['Username', 'First name', 'Last name', 'Phone', 'Email'],
        { username: 0, first_name: 1, last_name: 2, email: 4 }
      ],
      [['Prénom', 'Nom', 'Téléphone', 'Courriel'], { first_name: 0, last_name: 1, email: 3 }],
      [['Nombre', 'Apellido', 'Celular', 'Correo electrónico'], { first_name: 0, last_name: 1, email: 3 }],
      [['Full name', 'Phone', 'E-mail'], { name: 0, email: 2 }],
      [['Name', 'Phone', 'Name of village'], { name: 0 }]
    ]
    for (const [headers, roles] of cases) expect(guessAccountRoles(headers, headers.length)).toEqual(roles)
  })

  it('never gives the phone column a role', () => {
    expect(guessAccountRoles(['Name', 'Mail'], 1)).toEqual({ name: 0 })
  })

  it('skips account columns as custom data only when accounts are asked for', () => {
    const headers = ['First name', 'Phone', 'Village']
    const cells = [['Amina', '+254712345678', 'Kisumu']]
    const plain = defaultMapping(headers, cells)
    expect(plain.roles).toBeUndefined()
    expect(plain.fields[0]).toEqual({ index: 0, header: 'First name', key: 'first_name', skip: false })
    const accounts = defaultMapping(headers, cells, { accounts: true })
    expect(accounts.roles).toEqual({ first_name: 0 })
    expect(accounts.fields[0]).toEqual({
      index: 0,
      header: 'First name',
      key: 'first_name',
      skip: true,
      reason: "the column holds the workers' first names"
    })
    expect(importRows({ rows: cells, rowNumbers: [2] }, accounts)).toEqual([
      { row: 2, phone: '+254712345678', fields: { Village: 'Kisumu' }, firstName: 'Amina' }
    ])
  })

  it('never sends a column with a role as custom data, even when the coordinator un-skips it', () => {
    const mapping = {
      phone: 1,
      fields: [
        { index: 0, header: 'Login', key: 'Login', skip: false },
        { index: 2, header: 'Village', key: 'Village', skip: false }
      ],
      roles: { username: 0 }
    }
    expect(importRows({ rows: [['amina', '+254712345678', 'Kisumu']], rowNumbers: [2] }, mapping)).toEqual([
      { row: 2, phone: '+254712345678', fields: { Village: 'Kisumu' }, username: 'amina' }
    ])
  })
})
