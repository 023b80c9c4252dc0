import { describe, expect, it } from 'vitest'
import { defaultMapping, importRows } from './mapping'
import {
  invitableRows,
  lookupsFromLists,
  validateRows,
  ValidatedRowSchema,
  ValidationIndex,
  type ImportRow,
  type ValidatedRow
} from './validate'
import type { AccountsContext } from './accounts'

const sms: AccountsContext = { domain: 'demo-project', channel: 'sms-confirmation' }
const email: AccountsContext = { domain: 'demo-project', channel: 'email-confirmation' }

const person = (row: number, phone: string, more: Partial<ImportRow> = {}): ImportRow => ({
  row,
  phone,
  ...more
})
const names = (results: ValidatedRow[]) => results.map((r) => r.username)

describe('validation with accounts', () => {
  it('makes first.last usernames, folded from any script, with names and status', () => {
    const results = validateRows(
      [
        person(2, '+254712000001', { firstName: 'Amina', lastName: 'Diallo' }),
        person(3, '+254712000002', { firstName: 'François', lastName: 'Lefèvre' }),
        person(4, '+254712000003', { firstName: 'José', lastName: 'Ñúñez' }),
        person(5, '+254712000004', { firstName: 'አበበ', lastName: 'ቢቂላ' }),
        person(6, '+254712000005', { firstName: 'محمد', lastName: 'علي' }),
        person(7, '+254712000006', { name: '张伟' })
      ],
      { accounts: sms }
    )
    expect(names(results)).toEqual([
      'amina.diallo',
      'francois.lefevre',
      'jose.nunez',
      'abebe.bikila',
      'mhmd.ly',
      'zhangwei'
    ])
    expect(results[0]).toEqual({
      row: 2,
      input: '+254712000001',
      status: 'ready',
      e164: '+254712000001',
      digits: '254712000001',
      phoneType: 'MOBILE',
      message: '',
      repairs: [],
      fields: {},
      username: 'amina.diallo',
      usernameSource: 'template',
      firstName: 'Amina',
      lastName: 'Diallo',
      email: null
    })
    for (const r of results) expect(ValidatedRowSchema.parse(r)).toEqual(r)
  })

  it('falls back to the phone digits for a row without a name', () => {
    const [row] = validateRows([person(2, '+254712000001')], { accounts: sms })
    expect(row).toMatchObject({ status: 'ready', username: '254712000001', usernameSource: 'template' })
  })

  it('numbers repeated names against the file and the roster, in one round of lookups', () => {
    const rows = [
      person(2, '+254712000001', { firstName: 'Amina', lastName: 'Diallo' }),
      person(3, '+254712000002', { firstName: 'Amina', lastName: 'Diallo' }),
      person(4, '+254712000003', { firstName: 'Amina', lastName: 'Diallo' }),
      person(5, '+254712000004', { username: 'amina.diallo4' })
    ]
    const index = new ValidationIndex({ accounts: sms })
    index.load(rows)
    // "amina.diallo4." asks for the numbered forms of amina.diallo4 (amina.diallo4.2 …).
    expect(index.usernameQueries().sort()).toEqual(['amina.diallo', 'amina.diallo4', 'amina.diallo4.'])
    // The core's answer: the queries taken and every taken "<query><digits>".
    const roster = ['amina.diallo', 'amina.diallo2', 'amina.diallo4', 'amina.diallo4.2', 'brian.otieno']
    const answers = (u: string, q: string) => u.startsWith(q) && /^\d*$/.test(u.slice(q.length))
    const taken = roster.filter((u) => index.usernameQueries().some((q) => answers(u, q)))
    expect(taken).toEqual(['amina.diallo', 'amina.diallo2', 'amina.diallo4', 'amina.diallo4.2'])
    const changed = index.setTakenUsernames(lookupsFromLists({ takenUsernames: taken }).isUsernameTaken)
    expect(index.all().map((r) => r.username)).toEqual([
      'amina.diallo3',
      'amina.diallo5',
      'amina.diallo6',
      null
    ])
    expect(changed.map((r) => r.row)).toEqual([2, 3, 4, 5])
    expect(index.get(5)).toMatchObject({
      status: 'error',
      usernameSource: 'file',
      usernameProblem: 'taken',
      usernameSuggestion: 'amina.diallo4.3',
      message:
        'username "amina.diallo4" is already taken in the project (by a worker or an invitation); use "amina.diallo4.3"'
    })
  })

  it('cuts usernames to the limit of a long project name, keeping room for the number', () => {
    const domain = 'a-very-long-project-name-for-the-ministry-of-health-2026'
    const last = 'Wanjiru-Muthoni-Kamau-Odhiambo-Achieng'
    const results = validateRows(
      [
        person(2, '+254712000001', { firstName: 'Grace', lastName: last }),
        person(3, '+254712000002', { firstName: 'Grace', lastName: last })
      ],
      { accounts: { domain, channel: 'sms-confirmation' } }
    )
    // 127 - len("<domain>.commcarehq.org") = 127 - 71 = 56.
    expect(results[0]?.username).toBe('grace.wanjiru-muthoni-kamau-odhiambo-achieng'.slice(0, 56))
    expect(results[0]?.username).toHaveLength(44)
    const long = `${'x'.repeat(60)}`
    const cut = validateRows(
      [person(2, '+254712000001', { name: long }), person(3, '+254712000002', { name: long })],
      { accounts: { domain, channel: 'sms-confirmation' } }
    )
    expect(names(cut)).toEqual(['x'.repeat(56), `${'x'.repeat(55)}2`])
  })

  it('checks a Username column: host dropped, lower case, illegal, too long and repeated names as errors', () => {
    const results = validateRows(
      [
        person(2, '+254712000001', { username: 'Amina.Diallo@demo-project.commcarehq.org' }),
        person(3, '+254712000002', { username: 'Amélie Dupont' }),
        person(4, '+254712000003', { username: 'amina.diallo' }),
        person(5, '+254712000004', { username: 'n'.repeat(90) }),
        person(6, '+254712000005', { username: 'brian@other-project.commcarehq.org' }),
        person(7, '+254712000006', { firstName: 'Amina', lastName: 'Diallo' })
      ],
      { accounts: sms }
    )
    expect(results.map((r) => [r.row, r.status, r.username, r.usernameProblem, r.message])).toEqual([
      [2, 'ready', 'amina.diallo', undefined, ''],
      [
        3,
        'error',
        null,
        'illegal',
        'username "Amélie Dupont" has characters HQ does not allow ("é", spaces); use only letters a-z, digits, . + - and _; use "amelie.dupont"'
      ],
      [4, 'error', null, 'duplicate', 'same username as row 2 ("amina.diallo"); use "amina.diallo3"'],
      [
        5,
        'error',
        null,
        'too-long',
        `username "${'n'.repeat(90)}" has 90 characters; HQ allows at most 80 in this project; use "${'n'.repeat(80)}"`
      ],
      [
        6,
        'error',
        null,
        'other-project',
        'username "brian@other-project.commcarehq.org" belongs to the project "other-project", not "demo-project"; use "brian"'
      ],
      [7, 'ready', 'amina.diallo2', undefined, '']
    ])
    expect(results[1]?.usernameSuggestion).toBe('amelie.dupont')
  })

  it('says what is wrong with the template on every row that needs it, naming the placeholder', () => {
    const results = validateRows(
      [person(2, '+254712000001', { firstName: 'Amina' }), person(3, '+254712000002', { username: 'brian' })],
      { accounts: { ...sms, template: '{first}.{surname}' } }
    )
    expect(results.map((r) => [r.status, r.username, r.usernameProblem])).toEqual([
      ['error', null, 'template'],
      ['ready', 'brian', undefined]
    ])
    expect(results[0]?.message).toBe(
      'the username template has an unknown placeholder {surname}; use {first}, {last}, {name}, {digits}, {row} or {data:<field>}'
    )
  })

  it('uses a custom template with custom fields and the row', () => {
    const results = validateRows(
      [person(2, '+254712000001', { firstName: 'Amina', fields: { village: 'Kisumu' } })],
      { accounts: { ...sms, template: '{data:village}.{first}.{row}', fieldKeys: ['village'] } }
    )
    expect(results[0]?.username).toBe('kisumu.amina.2')
  })

  it('requires a plausible e-mail address for e-mail confirmation, and only warns for SMS', () => {
    const rows = [
      person(2, '+254712000001', { firstName: 'Amina', email: 'amina@example.org' }),
      person(3, '+254712000002', { firstName: 'Brian', email: 'brian at example' }),
      person(4, '+254712000003', { firstName: 'Chebet' })
    ]
    expect(validateRows(rows, { accounts: email }).map((r) => [r.status, r.email, r.message])).toEqual([
      ['ready', 'amina@example.org', ''],
      ['error', null, 'e-mail "brian at example" is not a valid address'],
      ['error', null, 'no e-mail address (HQ sends the confirmation link by e-mail)']
    ])
    expect(validateRows(rows, { accounts: sms }).map((r) => [r.status, r.email, r.message])).toEqual([
      ['ready', 'amina@example.org', ''],
      ['warning', null, 'e-mail "brian at example" does not look like an address; it is not sent'],
      ['ready', null, '']
    ])
  })

  it('still requires a valid phone number, its problem first; no name and no number: no username', () => {
    const results = validateRows([person(2, '12345', { firstName: 'Amina' }), person(3, '12345')], {
      accounts: sms
    })
    const phoneProblem =
      'not in international form (+ and country code); choose the country these numbers are from'
    expect(results.map((r) => [r.status, r.username, r.usernameProblem, r.message])).toEqual([
      ['error', 'amina', undefined, phoneProblem],
      [
        'error',
        null,
        'missing',
        `${phoneProblem}; no username: the row has no name and no valid phone number to make one from`
      ]
    ])
  })

  it('keeps usernames unique as rows are edited and removed, re-checking only the rows concerned', () => {
    const index = new ValidationIndex({ accounts: sms })
    index.load([
      person(2, '+254712000001', { firstName: 'Amina', lastName: 'Diallo' }),
      person(3, '+254712000002', { firstName: 'Amina', lastName: 'Diallo' }),
      person(4, '+254712000003', { firstName: 'Brian', lastName: 'Otieno' })
    ])
    expect(index.all().map((r) => r.username)).toEqual(['amina.diallo', 'amina.diallo2', 'brian.otieno'])
    // Row 4 takes row 2's name in the Username column: the file's own name wins, the template moves.
    const changed = index.update(person(4, '+254712000003', { username: 'amina.diallo' }))
    expect(changed.map((r) => [r.row, r.username])).toEqual([
      [2, 'amina.diallo2'],
      [3, 'amina.diallo3'],
      [4, 'amina.diallo']
    ])
    const afterRemove = index.remove(4)
    expect(afterRemove.map((r) => [r.row, r.username])).toEqual([
      [2, 'amina.diallo'],
      [3, 'amina.diallo2']
    ])
    // A row elsewhere in the alphabet is not re-checked.
    expect(index.update(person(5, '+254712000009', { firstName: 'Zawadi' })).map((r) => r.row)).toEqual([5])
  })

  it('sends the username, names and e-mail of the rows to invite', () => {
    const results = validateRows(
      [
        person(2, '+254712000001', {
          name: 'Amina Diallo',
          email: 'amina@example.org',
          fields: { village: 'Siaya' }
        })
      ],
      { accounts: email }
    )
    expect(invitableRows(results)).toEqual([
      {
        row: 2,
        e164: '+254712000001',
        customUserData: { village: 'Siaya' },
        username: 'amina.diallo',
        firstName: 'Amina',
        lastName: 'Diallo',
        email: 'amina@example.org'
      }
    ])
  })

  it('leaves channel 1 exactly as it was: no account fields without the context', () => {
    const [row] = validateRows([person(2, '+254712000001', { firstName: 'Amina', username: 'x y' })], {})
    expect(row).toEqual({
      row: 2,
      input: '+254712000001',
      status: 'ready',
      e164: '+254712000001',
      digits: '254712000001',
      phoneType: 'MOBILE',
      message: '',
      repairs: [],
      fields: {}
    })
    expect(invitableRows([row!])).toEqual([{ row: 2, e164: '+254712000001', customUserData: {} }])
  })
})

describe('a file with account columns, end to end', () => {
  it('reads Username, Prénom, Nom and E-mail columns as the account, not as custom data', () => {
    const headers = ['Prénom', 'Nom', 'Téléphone', 'Username', 'E-mail', 'Village']
    const cells = [
      ['Amina', 'Diallo', '+254712000001', '', 'amina@example.org', 'Kisumu'],
      ['Brian', 'Otieno', '+254712000002', 'B.Otieno', '', 'Siaya']
    ]
    const mapping = defaultMapping(headers, cells, { accounts: true })
    expect(mapping.roles).toEqual({ username: 3, first_name: 0, last_name: 1, email: 4 })
    const imported = importRows({ rows: cells, rowNumbers: [2, 3] }, mapping)
    expect(imported[0]).toEqual({
      row: 2,
      phone: '+254712000001',
      fields: { Village: 'Kisumu' },
      firstName: 'Amina',
      lastName: 'Diallo',
      email: 'amina@example.org'
    })
    const results = validateRows(imported, { accounts: sms })
    expect(results.map((r) => [r.username, r.usernameSource, r.fields])).toEqual([
      ['amina.diallo', 'template', { Village: 'Kisumu' }],
      ['b.otieno', 'file', { Village: 'Siaya' }]
    ])
  })
})
