import Database from 'better-sqlite3'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startSim } from '../../../test/hq-sim'
import { openDatabase } from '../db/open'
import { createProject, listProjects } from '../db/projects'
import { getBatch, listBatches } from '../invite'
import { deadPid, kenyanNumbers, requestInFlight, spawnLocker } from '../invite/testing'
import { runHistory, type HistoryJsonRow } from './history'
import { runInvite, type InviteJson } from './invite'
import { hqArgs, HISTORY_JSON_KEYS, INVITE_JSON_KEYS, useCliSandbox } from './testing'

// The seed's HQ, with the SMS registration API (channel 1).
const sandbox = useCliSandbox({ sim: { users: 30, era: '2019' } })
const { run } = sandbox

function csv(name: string, phones: string[]): string {
  return sandbox.write(
    name,
    ['name,phone', ...phones.map((p, i) => `Person ${i + 1},${p}`)].join('\n') + '\n'
  )
}

const appId = (): string => sandbox.sim.data.applications[0]!.id

function connection(): string[] {
  return hqArgs(sandbox.sim, '--app-id', appId())
}

/** --api-key with the simulator's key. */
const apiKey = (): string[] => ['--api-key', sandbox.sim.credentials.apiKey]

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Another program's words when it holds the database (README: exit 1, one line on stderr). */
const BUSY = 'another Roster (the app, or a roster command such as sync) is writing to the database'

/**
 * A saved project whose database has a request left on its way by a process that is gone, so
 * the next command's recovery has to write.
 */
async function interruptedSend(): Promise<void> {
  const db = openDatabase(sandbox.dbPath)
  try {
    const project = createProject(db, {
      server: sandbox.sim.url,
      domain: sandbox.sim.domain,
      username: sandbox.sim.credentials.username,
      defaultCountry: 'KE'
    })
    requestInFlight(db, project.id, { pid: await deadPid(), heartbeatAgoMs: 0 })
  } finally {
    db.close()
  }
}

describe('roster invite', () => {
  it('validates, sends and prints each number’s outcome as JSON', async () => {
    const inUse = sandbox.sim.data.workers
      .flatMap((w) => w.phone_numbers)
      .map((p) => `+${p.replace(/\D/g, '')}`)
      .find((p) => p.startsWith('+2547'))!
    expect(inUse).toBeDefined()
    const fresh = kenyanNumbers(40, 55_000_000)
    const file = csv('list.csv', [...fresh, inUse])
    const { code, stdout, stderr } = await run(runInvite, [file, ...connection(), '--yes', '--json'], {
      env: { ROSTER_API_KEY: sandbox.sim.credentials.apiKey }
    })
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as InviteJson
    expect(Object.keys(out)).toEqual(INVITE_JSON_KEYS)
    expect(out.success_numbers.sort()).toEqual([...fresh].sort())
    expect(out.numbers_in_use).toEqual([inUse])
    expect(out).toMatchObject({ invalid_format_numbers: [], failed: [], unknown: [] })
    expect(fresh.every((n) => sandbox.sim.invitations.has(n.slice(1)))).toBe(true)
    // The key never lands in the output.
    expect(stdout + stderr).not.toContain(sandbox.sim.credentials.apiKey)
  })

  it('sends the file’s other columns as each number’s custom user data', async () => {
    const [a, b] = kenyanNumbers(2, 61_000_000)
    const file = sandbox.write(
      'teams.csv',
      [
        'Name,Phone,Village,Numéro d’équipe,commcare_location_id,Notes',
        `Amina Wanjiru,${a},Kisumu,7,loc-1,`,
        `Brian Otieno,${b},,12,loc-2,`
      ].join('\n') + '\n'
    )
    const { code, stderr } = await run(runInvite, [file, ...connection(), ...apiKey(), '--yes', '--json'])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    // Keys as the import screen makes them: a title that is a valid key stays as written, others
    // are slugified; HQ's own commcare_* keys and empty columns are left out.
    expect(sandbox.sim.invitations.get(a!.slice(1))!.customUserData).toEqual({
      Name: 'Amina Wanjiru',
      Village: 'Kisumu',
      numero_d_equipe: '7'
    })
    expect(sandbox.sim.invitations.get(b!.slice(1))!.customUserData).toEqual({
      Name: 'Brian Otieno',
      numero_d_equipe: '12'
    })
  })

  it('keeps a column title that is a valid key as written: HQ’s field keys are case-sensitive', async () => {
    const [a] = kenyanNumbers(1, 63_000_000)
    const file = sandbox.write('districts.csv', `Phone,District,health_facility\n${a},Kisumu East,Ahero\n`)
    const { code, stderr } = await run(runInvite, [file, ...connection(), ...apiKey(), '--yes'])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(sandbox.sim.invitations.get(a!.slice(1))!.customUserData).toEqual({
      District: 'Kisumu East',
      health_facility: 'Ahero'
    })
  })

  it('keeps the guessed phone column as custom user data when --column picks another', async () => {
    const [work, home] = kenyanNumbers(2, 62_000_000)
    const file = sandbox.write('two.csv', `Phone,Home phone\n${work},${home}\n`)
    const { code } = await run(runInvite, [
      file,
      ...connection(),
      ...apiKey(),
      '--column',
      'Home phone',
      '--yes'
    ])
    expect(code).toBe(0)
    expect([...sandbox.sim.invitations.keys()]).toEqual([home!.slice(1)])
    expect(sandbox.sim.invitations.get(home!.slice(1))!.customUserData).toEqual({ Phone: work })
  })

  it('is a usage error to name an unknown country or an ambiguous project', async () => {
    const file = csv('list.csv', kenyanNumbers(1))
    const key = [...apiKey(), '--yes']
    const country = await run(runInvite, [file, ...connection(), ...key, '--country', 'XX'])
    expect(country.code).toBe(2)
    expect(country.stderr.split('\n')[0]).toBe(
      'roster invite: unknown country "XX"; use a two-letter code such as KE'
    )

    const noProject = await run(runInvite, [file, '--app-id', 'app', ...key])
    expect(noProject.code).toBe(2)
    expect(noProject.stderr.split('\n')[0]).toBe(
      'roster invite: no project is saved yet: name it with --server, --domain and --username'
    )

    // Two projects saved: invite needs to be told which.
    expect((await run(runInvite, [file, ...connection(), ...key])).code).toBe(0)
    const db = openDatabase(sandbox.dbPath)
    createProject(db, { server: sandbox.sim.url, domain: 'other-project', username: 'me@example.org' })
    db.close()
    const ambiguous = await run(runInvite, [file, '--app-id', 'app', ...key])
    expect(ambiguous.code).toBe(2)
    expect(ambiguous.stderr.split('\n')[0]).toBe(
      'roster invite: the database holds several projects; choose one with --domain: demo-project, other-project'
    )
  })

  it('reads numbers written the national way in the saved project’s country when --country is not given', async () => {
    const db = openDatabase(sandbox.dbPath)
    createProject(db, {
      server: sandbox.sim.url,
      domain: sandbox.sim.domain,
      username: sandbox.sim.credentials.username,
      defaultCountry: 'SN'
    })
    db.close()
    const file = sandbox.write('senegal.csv', 'Phone\n77 123 45 67\n+254700000042\n')
    const { code, stdout, stderr } = await run(runInvite, [
      file,
      '--app-id',
      appId(),
      ...apiKey(),
      '--yes',
      '--json'
    ])
    expect(code).toBe(0)
    expect((JSON.parse(stdout) as InviteJson).success_numbers.sort()).toEqual([
      '+221771234567',
      '+254700000042'
    ])
    expect(stderr).toContain('read as SN numbers')
    expect(sandbox.sim.invitations.has('221771234567')).toBe(true)

    // --country still wins over the project's country.
    const kenyan = sandbox.write('kenya.csv', 'Phone\n0712 000 042\n')
    const forced = await run(runInvite, [
      kenyan,
      '--country',
      'KE',
      '--app-id',
      appId(),
      ...apiKey(),
      '--yes',
      '--json'
    ])
    expect(forced.code).toBe(0)
    expect((JSON.parse(forced.stdout) as InviteJson).success_numbers).toEqual(['+254712000042'])
    expect(forced.stderr).toBe('')
  })

  it('refuses to send without --yes when it cannot ask', async () => {
    const file = csv('list.csv', kenyanNumbers(2))
    const { code, stderr } = await run(runInvite, [file, ...connection(), ...apiKey()])
    expect(code).toBe(2)
    expect(stderr).toContain('add --yes to send without asking')
    expect(sandbox.sim.requests.length).toBe(0)
  })

  it('asks on a terminal and sends nothing when the answer is no', async () => {
    const file = csv('list.csv', kenyanNumbers(3))
    const questions: string[] = []
    const no = await run(runInvite, [file, ...connection(), ...apiKey()], {
      isTTY: true,
      confirm: async (q) => {
        questions.push(q)
        return false
      }
    })
    expect(no.code).toBe(1)
    expect(questions[0]).toContain('Send 3 SMS invitations for project demo-project')
    expect(sandbox.sim.invitations.size).toBe(0)

    const yes = await run(runInvite, [file, ...connection(), ...apiKey()], {
      isTTY: true,
      confirm: async () => true
    })
    expect(yes.code).toBe(0)
    expect(yes.stdout).toContain('3 invited')
    expect(yes.stderr).toContain('Sending: 3/3')
    expect(sandbox.sim.invitations.size).toBe(3)
  })

  it('refuses a file with errors unless --skip-errors, then sends only the good rows', async () => {
    const good = kenyanNumbers(3, 77_000_000)
    const file = csv('list.csv', [good[0]!, 'not a number', good[1]!, good[0]!, good[2]!])
    const args = [file, ...connection(), ...apiKey(), '--yes', '--json']
    const refused = await run(runInvite, args)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('row 3: not a number')
    expect(refused.stderr).toContain('same number as row 2')
    expect(refused.stderr).toContain('--skip-errors')
    expect(sandbox.sim.requests.length).toBe(0)

    const skipped = await run(runInvite, [...args, '--skip-errors'])
    expect(skipped.code).toBe(0)
    const out = JSON.parse(skipped.stdout) as InviteJson
    expect(out.success_numbers.sort()).toEqual([...good].sort())
    expect(out.skipped.map((r) => [r.row, r.input])).toEqual([
      [3, 'not a number'],
      [5, good[0]]
    ])
    expect(out.skipped[1]!.reason).toBe('same number as row 2')
  })

  it('is a usage error to name an unknown channel, a wait that is not a number, or channel 1’s options for another channel', async () => {
    const file = csv('list.csv', kenyanNumbers(1))
    const cases: [string[], string][] = [
      [
        ['--channel', 'pigeon'],
        '--channel pigeon: use auto, sms-registration, sms-confirmation or email-confirmation'
      ],
      [['--wait', 'soon'], '--wait needs a whole number of seconds, not "soon"'],
      [
        ['--channel', 'sms-confirmation', '--message', 'Hi {}'],
        '--app-id, --message are for sms-registration only; this invite uses sms-confirmation (Account + confirmation SMS)'
      ]
    ]
    for (const [extra, message] of cases) {
      const { code, stderr } = await run(runInvite, [file, ...connection(), ...apiKey(), '--yes', ...extra])
      expect(code, extra.join(' ')).toBe(2)
      expect(stderr.split('\n')[0]).toBe(`roster invite: ${message}`)
    }
    expect(sandbox.sim.sms).toHaveLength(0)
  })

  it('refuses an Android-only message without {} as a usage error', async () => {
    const file = csv('list.csv', kenyanNumbers(1))
    const { code, stderr } = await run(runInvite, [
      file,
      ...connection(),
      ...apiKey(),
      '--yes',
      '--android-only',
      '--message',
      'Please register'
    ])
    expect(code).toBe(2)
    expect(stderr).toContain('Add {} where the registration link should go')
  })

  it('sends a custom message and the options to HQ', async () => {
    const file = csv('list.csv', kenyanNumbers(2))
    const { code } = await run(runInvite, [
      file,
      ...connection(),
      ...apiKey(),
      '--yes',
      '--android-only',
      '--require-email',
      '--message',
      'Jisajili hapa: {}'
    ])
    expect(code).toBe(0)
    const inv = sandbox.sim.invitations.get(kenyanNumbers(1)[0]!.slice(1))!
    expect(inv).toMatchObject({ androidOnly: true, requireEmail: true, message: 'Jisajili hapa: {}' })
    expect(sandbox.sim.sms.some((m) => m.text.startsWith('Jisajili hapa: http'))).toBe(true)
  })

  it('refuses numbers invited before unless --reinvite', async () => {
    const numbers = kenyanNumbers(2)
    const file = csv('list.csv', numbers)
    const args = [file, ...connection(), ...apiKey(), '--yes', '--json']
    expect((await run(runInvite, args)).code).toBe(0)
    const again = await run(runInvite, args)
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('already invited')
    expect(again.stderr).toContain('--reinvite')
    const forced = await run(runInvite, [...args, '--reinvite'])
    expect(forced.code).toBe(0)
    expect((JSON.parse(forced.stdout) as InviteJson).success_numbers).toHaveLength(2)
    expect(sandbox.sim.invitationHistory).toHaveLength(4)
  })

  it('refuses before writing a batch when registration is off and the server offers nothing else', async () => {
    sandbox.sim.setPlan({ registrationEnabled: false })
    const file = csv('list.csv', kenyanNumbers(3))
    const { code, stdout, stderr } = await run(runInvite, [
      file,
      ...connection(),
      ...apiKey(),
      '--yes',
      '--json'
    ])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toContain('Messaging > General Settings')
    expect(stderr).toMatch(/Roster cannot invite workers in demo-project \(see roster check\)\.\n$/)
    expect(sandbox.sim.sms).toHaveLength(0)
    const db = openDatabase(sandbox.dbPath)
    expect(listBatches(db, listProjects(db)[0]!.id)).toEqual([])
    db.close()
  })

  it('with --channel sms-registration, exits 1 with HQ’s reason and keeps every number queued for roster send when registration is off', async () => {
    sandbox.sim.setPlan({ registrationEnabled: false })
    const numbers = kenyanNumbers(3)
    const file = csv('list.csv', numbers)
    const { code, stdout, stderr } = await run(runInvite, [
      file,
      ...connection(),
      ...apiKey(),
      '--channel',
      'sms-registration',
      '--yes',
      '--json'
    ])
    expect(code).toBe(1)
    expect(stderr).toContain('Messaging > General Settings')
    const out = JSON.parse(stdout) as InviteJson
    expect(out.queued.sort()).toEqual([...numbers].sort())
    expect(out).toMatchObject({
      channel: 'sms-registration',
      failed: [],
      pending: [],
      usernames: {},
      skipped: []
    })
    expect(stderr).toContain(
      `3 numbers wait in the outbox, never sent: roster send --batch ${out.batch_id} sends them.`
    )
    const db = openDatabase(sandbox.dbPath)
    const [batch] = listBatches(db, getBatch(db, out.batch_id).batch.projectId)
    expect(batch).toMatchObject({ state: 'stopped', counts: { failed: 0, queued: 3 } })
    db.close()
  })

  it('records HQ’s answer while another program holds the database longer than the busy timeout, and exits 0', async () => {
    const slow = await startSim({ users: 5, latencyMs: 1500, era: '2019' })
    openDatabase(sandbox.dbPath).close()
    const other = await spawnLocker(sandbox.dbPath)
    const reader = new Database(sandbox.dbPath, { readonly: true })
    try {
      const numbers = kenyanNumbers(20, 70_000_000)
      const running = run(runInvite, [
        csv('slow.csv', numbers),
        ...hqArgs(slow, '--app-id', slow.data.applications[0]!.id),
        '--api-key',
        slow.credentials.apiKey,
        '--yes',
        '--json'
      ])
      let ended = false
      void running.finally(() => (ended = true))
      const sending = reader.prepare(`SELECT COUNT(*) FROM invite_numbers WHERE status = 'sending'`).pluck()
      while (!ended && sending.get() === 0) await sleep(20)
      // HQ answers in 1.5 s, while `roster sync` (say) writes for 7 s.
      await other.hold(7000)
      const { code, stdout, stderr } = await running
      expect(stderr).toBe('')
      expect(code).toBe(0)
      const out = JSON.parse(stdout) as InviteJson
      expect(out.success_numbers.sort()).toEqual([...numbers].sort())
      expect(out).toMatchObject({ failed: [], unknown: [] })
      expect(numbers.every((n) => slow.invitations.has(n.slice(1)))).toBe(true)
    } finally {
      reader.close()
      await other.close()
      await slow.close()
    }
  }, 60_000)

  it('says another Roster is writing, with exit code 1 and nothing sent, when the database stays locked at the start', async () => {
    await interruptedSend()
    // Another connection to the file holds the write lock for the whole run (`roster sync`, say).
    const holder = new Database(sandbox.dbPath)
    holder.exec('BEGIN IMMEDIATE')
    try {
      const { code, stdout, stderr } = await run(runInvite, [
        csv('list.csv', kenyanNumbers(2)),
        ...connection(),
        ...apiKey(),
        '--yes',
        '--json'
      ])
      expect(code).toBe(1)
      expect(stdout).toBe('')
      expect(stderr).toBe(`roster invite: ${BUSY}; nothing was sent, try again in a moment\n`)
      expect(sandbox.sim.requests).toHaveLength(0)
    } finally {
      holder.exec('ROLLBACK')
      holder.close()
    }
  })

  it('says what is missing: the API key or the file', async () => {
    const file = csv('list.csv', kenyanNumbers(1))
    const noKey = await run(runInvite, [file, ...connection(), '--yes'])
    expect(noKey.code).toBe(2)
    expect(noKey.stderr).toContain('ROSTER_API_KEY')
    const noFile = await run(runInvite, [
      join(sandbox.dir, 'missing.csv'),
      ...connection(),
      '--api-key',
      'k',
      '--yes'
    ])
    expect(noFile.code).toBe(1)
    expect(noFile.stderr).toContain('no such file')
  })
})

describe('roster history', () => {
  it('lists batches newest first with their counts, as JSON and as a table', async () => {
    const key = [...apiKey(), '--yes', '--json']
    await run(runInvite, [csv('a.csv', kenyanNumbers(3)), ...connection(), ...key])
    await run(runInvite, [csv('b.csv', kenyanNumbers(2, 500)), ...connection(), '--require-email', ...key])

    const json = await run(runHistory, ['--json'])
    expect(json.code).toBe(0)
    const rows = JSON.parse(json.stdout) as HistoryJsonRow[]
    expect(rows).toHaveLength(2)
    expect(Object.keys(rows[0]!)).toEqual(HISTORY_JSON_KEYS)
    expect(rows.map((r) => [r.total, r.success, r.require_email, r.state])).toEqual([
      [2, 2, true, 'done'],
      [3, 3, false, 'done']
    ])

    const table = await run(runHistory, ['--domain', sandbox.sim.domain])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/^Batch\s+Created/)
    expect(table.stdout.trim().split('\n')).toHaveLength(3)

    const none = await run(runHistory, ['--domain', 'elsewhere'])
    expect(none.code).toBe(2)
    expect(none.stderr.split('\n')[0]).toBe(
      `roster history: no project 'elsewhere' in the database; it has: ${sandbox.sim.domain}`
    )
    const bad = await run(runHistory, ['--frobnicate'])
    expect(bad.code).toBe(2)
  })

  it('says another Roster is writing, with exit code 1, when the database stays locked while it checks for interrupted sends', async () => {
    await interruptedSend()
    const holder = new Database(sandbox.dbPath)
    holder.exec('BEGIN IMMEDIATE')
    try {
      const { code, stdout, stderr } = await run(runHistory, ['--json'])
      expect(code).toBe(1)
      expect(stdout).toBe('')
      expect(stderr).toBe(`roster history: ${BUSY}; try again in a moment\n`)
    } finally {
      holder.exec('ROLLBACK')
      holder.close()
    }
    // Once the other program is done, the interrupted send shows as unknown.
    const after = await run(runHistory, ['--json'])
    expect(after.code).toBe(0)
    expect((JSON.parse(after.stdout) as HistoryJsonRow[])[0]).toMatchObject({
      state: 'needs-attention',
      unknown: 3
    })
  })
})
