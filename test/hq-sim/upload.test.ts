import { afterEach, describe, expect, it } from 'vitest'
import { startSim, type HqWorker, type Sim, type SimOptions } from './index'
import { call, getJson, upload, uploadPath, workbook, type ListPage } from './test-helpers'

let sim: Sim | null = null
async function open(opts: SimOptions = {}): Promise<Sim> {
  sim = await startSim({ users: 20, seed: 9, uploadDelayMs: 20, ...opts })
  return sim
}
afterEach(async () => {
  await sim?.close()
  sim = null
})

const HEADERS = [
  'username',
  'first_name',
  'last_name',
  'phone-number 1',
  'send_confirmation_sms',
  'is_account_confirmed'
]
const row = (username: string, phone: unknown = '+254711000001', extra: unknown[] = []) => [
  username,
  'Amina',
  'Diallo',
  phone,
  'True',
  'False',
  ...extra
]
const body = (a: { text: string }) => JSON.parse(a.text) as { success: boolean; message?: string }
const archived = (s: Sim) =>
  getJson<ListPage<HqWorker>>(s, `/a/${s.domain}/api/user/v1/?archived=true&limit=1000`).then(
    (p) => p.objects
  )
const active = (s: Sim) =>
  getJson<ListPage<HqWorker>>(s, `/a/${s.domain}/api/user/v1/?limit=1000`).then((p) => p.objects)

describe('bulk upload: the request', () => {
  it('accepts a valid workbook with {"success": true} before processing it', async () => {
    const s = await open({ uploadDelayMs: 200 })
    const answer = await upload(s, [{ data: await workbook([HEADERS, row('amina.diallo')]) }])
    expect(answer.status).toBe(200)
    expect(answer.text).toBe('{"success": true}')
    expect(s.uploads).toHaveLength(1)
    expect(s.uploads[0]?.status).toBe('queued')
    expect((await archived(s)).some((w) => w.username.startsWith('amina.diallo@'))).toBe(false)
    await s.uploadsSettled()
    expect(s.uploads[0]?.status).toBe('complete')
    expect((await archived(s)).some((w) => w.username === 'amina.diallo@demo-project.commcarehq.org')).toBe(
      true
    )
  })

  it('answers 401 "Authorization Required" without or with wrong credentials, 403 to a non-member', async () => {
    const s = await open()
    const data = await workbook([HEADERS, row('x1')])
    const none = await upload(s, [{ data }], null)
    expect(none.status).toBe(401)
    expect(none.text).toBe('Authorization Required')
    const wrong = await upload(s, [{ data }], { username: 'coordinator@example.org', apiKey: 'nope' })
    expect(wrong.status).toBe(401)
    expect(wrong.text).toBe('Authorization Required')
    expect((await upload(s, [{ data }], s.accounts.outsider)).status).toBe(403)
    expect((await upload(s, [{ data }], s.accounts.dataOnly)).status).toBe(403)
    await s.uploadsSettled()
    expect(s.uploads).toHaveLength(0)
  })

  it('answers 405 to anything but POST', async () => {
    const s = await open()
    const answer = await call(s, uploadPath(s))
    expect(answer.status).toBe(405)
    expect(answer.headers.get('allow')).toBe('POST')
  })

  it('says when no file or more than one file was uploaded', async () => {
    const s = await open()
    const data = await workbook([HEADERS, row('x1')])
    const wrongField = await upload(s, [{ data, field: 'file' }])
    expect(wrongField.status).toBe(400)
    expect(body(wrongField)).toEqual({ success: false, message: 'no file uploaded' })
    const notMultipart = await call(s, uploadPath(s), { body: { username: 'x' } })
    expect(body(notMultipart).message).toBe('no file uploaded')
    const two = await upload(s, [{ data }, { data }])
    expect(body(two)).toEqual({ success: false, message: 'only one file can be uploaded at a time' })
  })

  it('refuses a file that is not an .xlsx', async () => {
    const s = await open()
    const answer = await upload(s, [{ data: 'username\namina\n', name: 'users.csv' }])
    expect(answer.status).toBe(400)
    expect(body(answer).message).toMatch(
      /^Upload failed! Please make sure you are using a valid Excel 2007 or later \(\.xlsx\) file\. Error details: /
    )
  })

  it('names missing and illegal headers, reading headers only up to the first empty one', async () => {
    const s = await open()
    const bad = await upload(s, [{ data: await workbook([['name', 'District', 'phone-number 1']]) }])
    expect(bad.status).toBe(400)
    expect(body(bad).message).toBe(
      'The following are required column headers: username.\nThe following are illegal column headers: District.'
    )
    const missing = await upload(s, [{ data: await workbook([['name']]) }])
    expect(body(missing).message).toBe('The following are required column headers: username.')
    const afterGap = await upload(s, [{ data: await workbook([['username', null, 'District'], ['a.b']]) }])
    expect(afterGap.status).toBe(200)
    const allowed = [
      'username',
      'password',
      'name',
      'first_name',
      'last_name',
      'email',
      'language',
      'phone-number 1',
      'phone-number 2',
      'group 1',
      'location_code 1',
      'data: village',
      'role',
      'is_active',
      'is_account_confirmed',
      'send_confirmation_sms',
      'send_confirmation_email',
      'user_id'
    ]
    expect((await upload(s, [{ data: await workbook([allowed]) }])).status).toBe(200)
  })

  it('reads the users sheet, else the first one', async () => {
    const s = await open()
    const XLSX = await import('@e965/xlsx')
    const wb = XLSX.utils.book_new()
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['District']]), 'notes')
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([HEADERS, row('from.users')]), 'users')
    const data = new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer)
    expect((await upload(s, [{ data }])).status).toBe(200)
    await s.uploadsSettled()
    expect(s.uploads[0]?.rows).toEqual([{ row: 2, username: 'from.users', flag: 'created' }])
  })
})

describe('bulk upload: the rows', () => {
  it('creates an inactive, unconfirmed account with every field and texts HQ’s confirmation SMS', async () => {
    const s = await open()
    const village = s.data.locations.find((l) => l.location_type_code === 'facility')
    const group = s.data.groups[0]
    const headers = [...HEADERS, 'phone-number 2', 'email', 'group 1', 'location_code 1', 'data: village']
    const rows = [
      headers,
      row('Amina.D', '+254711000001', [
        '254722000002',
        'amina@example.org',
        group?.name,
        village?.site_code.toUpperCase(),
        'Kisumu'
      ])
    ]
    expect((await upload(s, [{ data: await workbook(rows) }])).status).toBe(200)
    await s.uploadsSettled()

    const worker = (await archived(s)).find((w) => w.username === 'amina.d@demo-project.commcarehq.org')
    expect(worker).toMatchObject({
      first_name: 'Amina',
      last_name: 'Diallo',
      default_phone_number: '254711000001',
      phone_numbers: ['254711000001', '254722000002'],
      email: 'amina@example.org',
      groups: [group?.id],
      locations: [village?.location_id],
      primary_location: village?.location_id
    })
    expect(worker?.user_data).toMatchObject({
      village: 'Kisumu',
      commcare_project: 'demo-project',
      commcare_location_id: village?.location_id
    })
    expect((await active(s)).some((w) => w.id === worker?.id)).toBe(false)

    expect(s.confirmationSms).toHaveLength(1)
    const sms = s.confirmationSms[0]
    expect(sms?.to).toBe('254711000001')
    expect(sms?.url).toMatch(
      new RegExp(`^${s.url}/a/demo-project/settings/users/commcare/confirm_account_sms/\\w+/$`)
    )
    expect(sms?.text).toContain('Hello Amina Diallo,')
    expect(sms?.text).toContain('You have been added to the "demo-project" project on CommCare HQ.')
    expect(sms?.text).toContain(`open the following link in your browser: ${sms?.url}`)
    expect(sms?.text).toContain('Your username to login is amina.d')
    expect(s.sms.at(-1)?.text).toBe(sms?.text)
    expect(s.createdAccounts).toMatchObject([{ id: worker?.id, via: 'upload', confirmed: false }])
  })

  it('splits a name column into first and last name', async () => {
    const s = await open()
    const rows = [
      ['username', 'name', 'phone-number 1', 'send_confirmation_sms', 'is_account_confirmed'],
      ['k.m', 'Kwame Mensah Jr', '233201234567', 'True', 'False']
    ]
    await upload(s, [{ data: await workbook(rows) }])
    await s.uploadsSettled()
    expect((await archived(s)).find((w) => w.username.startsWith('k.m@'))).toMatchObject({
      first_name: 'Kwame',
      last_name: 'Mensah Jr'
    })
  })

  it('refuses rows by HQ’s rules, reports each on the status page, and never creates them', async () => {
    const s = await open()
    const taken = s.data.workers[0]?.username.split('@')[0] ?? ''
    const rows = [
      HEADERS,
      row('ok.one'),
      row('has space'),
      row('twice'),
      row('twice'),
      row('x'.repeat(81)),
      row(taken),
      row('numeric.phone', 254711000009),
      row('letters.phone', '+2547-11'),
      ['bool.cell', 'A', 'B', '+254711000003', true, 'False'],
      ['maybe', 'A', 'B', '+254711000004', 'maybe', 'False'],
      ['confirmed', 'A', 'B', '+254711000005', 'True', 'True'],
      ['no.password', 'A', 'B', '+254711000006', 'True'],
      [1234, 'A', 'B', '+254711000007', 'True', 'False']
    ]
    await upload(s, [{ data: await workbook(rows) }])
    await s.uploadsSettled()
    expect(s.uploads[0]?.rows.map((r) => [r.row, r.flag])).toEqual([
      [2, 'created'],
      [3, 'Username must not contain blank spaces or special characters.'],
      [4, "'username' values must be unique"],
      [5, "'username' values must be unique"],
      [6, 'username cannot contain greater than 80 characters'],
      [7, 'The username already belongs to a user. Specify an ID to update the user.'],
      [8, 'Invalid phone number detected: 254711000009'],
      [9, 'Invalid phone number detected: +2547-11'],
      // A boolean cell is ignored: no SMS, but is_account_confirmed False makes an unconfirmed account.
      [10, 'created'],
      [11, "'send_confirmation_sms' column can only contain 'true' or 'false'"],
      [12, 'New users must have a password set.'], // checked before the confirmation-SMS rule
      [13, 'New users must have a password set.'],
      [14, 'Username must be Text']
    ])
    const names = [...(await archived(s)), ...(await active(s))].map((w) => w.username.split('@')[0])
    expect(names).toContain('ok.one')
    expect(names).toContain('bool.cell')
    for (const refused of [
      'has space',
      'twice',
      'numeric.phone',
      'letters.phone',
      'maybe',
      'confirmed',
      'no.password'
    ])
      expect(names).not.toContain(refused)
    expect(s.confirmationSms.map((m) => m.username)).toEqual(['ok.one@demo-project.commcarehq.org'])
  })

  it('refuses is_active or is_account_confirmed True with a confirmation SMS', async () => {
    const s = await open()
    const headers = [
      'username',
      'password',
      'phone-number 1',
      'send_confirmation_sms',
      'is_active',
      'is_account_confirmed'
    ]
    const rows = [
      headers,
      ['both', 'pw-12345', '+1555', 'True', 'True', 'True'],
      ['active', 'pw-12345', '+1556', 'True', 'True', '']
    ]
    await upload(s, [{ data: await workbook(rows) }])
    await s.uploadsSettled()
    expect(s.uploads[0]?.rows.map((r) => r.flag)).toEqual([
      "When 'send_confirmation_sms' is True for a new user, is_active and is_account_confirmed must be either empty or set to False.",
      "When 'send_confirmation_sms' is True for a new user, is_active must be either empty or set to False."
    ])
  })

  it('refuses unknown groups and site codes, and stops at the first empty row', async () => {
    const s = await open()
    const headers = [...HEADERS, 'group 1', 'location_code 1']
    const rows = [
      headers,
      row('g.bad', '+1', ['No such group', '']),
      row('l.bad', '+2', ['', 'nowhere']),
      [],
      row('after.gap')
    ]
    await upload(s, [{ data: await workbook(rows) }])
    await s.uploadsSettled()
    expect(s.uploads[0]?.rows.map((r) => r.flag)).toEqual([
      "Group 'No such group' does not exist (try adding it to your spreadsheet)",
      "Could not find organization with site code 'nowhere'"
    ])
  })

  it('sees an account created by an earlier upload as taken', async () => {
    const s = await open()
    await upload(s, [{ data: await workbook([HEADERS, row('again')]) }])
    await s.uploadsSettled()
    await upload(s, [{ data: await workbook([HEADERS, row('again')]) }])
    await s.uploadsSettled()
    expect(s.uploads[1]?.rows[0]?.flag).toBe(
      'The username already belongs to a user. Specify an ID to update the user.'
    )
    expect(s.confirmationSms).toHaveLength(1)
  })
})

describe('confirming an account', () => {
  it('moves it to the active list, from the test API and over HTTP', async () => {
    const s = await open()
    await upload(s, [
      { data: await workbook([HEADERS, row('first.one'), row('second.one', '+254711000002')]) }
    ])
    await s.uploadsSettled()
    const worker = s.confirmAccount('first.one')
    expect(worker.username).toBe('first.one@demo-project.commcarehq.org')
    expect((await active(s)).some((w) => w.id === worker.id)).toBe(true)
    expect((await archived(s)).some((w) => w.id === worker.id)).toBe(false)
    expect(s.createdAccounts.find((a) => a.id === worker.id)?.confirmed).toBe(true)
    expect(() => s.confirmAccount('first.one')).toThrow(/already confirmed/)

    const http = await call(s, '/__sim/confirm', {
      account: null,
      body: { username: 'second.one@demo-project.commcarehq.org' }
    })
    expect(http.status).toBe(200)
    expect(JSON.parse(http.text)).toMatchObject({ username: 'second.one@demo-project.commcarehq.org' })
    expect((await active(s)).some((w) => w.username.startsWith('second.one@'))).toBe(true)
    const unknown = await call(s, '/__sim/confirm', { account: null, body: { username: 'nobody' } })
    expect(unknown.status).toBe(404)
    expect((await call(s, '/__sim/confirm', { account: null, body: {} })).status).toBe(400)
  })

  it('has no confirmation for a worker HQ did not create unconfirmed', async () => {
    const s = await open()
    expect(() => s.confirmAccount(s.data.workers[0]?.id ?? '')).toThrow(/no account awaiting confirmation/)
  })
})
