import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../db/open'
import { getBatch } from '../invite'
import { kenyanNumbers } from '../invite/testing'
import type { InviteJson } from './batchReport'
import { runInvite } from './invite'
import type { OnInterrupt } from './interrupt'
import { runResolve } from './resolve'
import { runSend } from './send'
import { hqArgs, INVITE_JSON_KEYS, useCliSandbox } from './testing'

// The seed's HQ (channel 1), slow enough that a request is on its way when Ctrl-C comes.
const sandbox = useCliSandbox({ sim: { users: 10, era: '2019', latencyMs: 400 } })
const { run } = sandbox

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function csv(name: string, phones: string[]): string {
  return sandbox.write(name, ['phone', ...phones].join('\n') + '\n')
}

const key = (): string[] => ['--api-key', sandbox.sim.credentials.apiKey]
const inviteArgs = (file: string): string[] => [
  file,
  ...hqArgs(sandbox.sim, '--app-id', sandbox.sim.data.applications[0]!.id),
  ...key(),
  '--yes',
  '--json'
]

/** A Ctrl-C the test presses: `press()` calls the command's handler as SIGINT would. */
function keyboard(): { onInterrupt: OnInterrupt; press(): void } {
  let handler: (() => void) | undefined
  return {
    onInterrupt: (h) => {
      handler = h
      return () => (handler = undefined)
    },
    press: () => handler?.()
  }
}

/** Resolves once `n` numbers are on their way to HQ (read from the database file, as another program would). */
async function whenSending(n: number): Promise<void> {
  for (;;) {
    try {
      const reader = new Database(sandbox.dbPath, { readonly: true, fileMustExist: true })
      try {
        const sending = reader
          .prepare(`SELECT COUNT(*) FROM invite_numbers WHERE status = 'sending'`)
          .pluck()
          .get() as number
        if (sending >= n) return
      } finally {
        reader.close()
      }
    } catch {
      // Not created yet.
    }
    await sleep(10)
  }
}

describe('Ctrl-C during roster invite', () => {
  it('lets the request on its way finish, records HQ’s answer, sends nothing more and names roster send', async () => {
    const numbers = kenyanNumbers(250, 10_000_000)
    const ctrlC = keyboard()
    const running = run(runInvite, inviteArgs(csv('list.csv', numbers)), { onInterrupt: ctrlC.onInterrupt })
    await whenSending(100)
    ctrlC.press()
    const { code, stdout, stderr } = await running
    expect(code).toBe(1)
    const out = JSON.parse(stdout) as InviteJson
    expect(Object.keys(out)).toEqual(INVITE_JSON_KEYS)
    // The first request of 100 was answered and recorded; the other 150 never left.
    expect(out.success_numbers).toHaveLength(100)
    expect(out.queued).toHaveLength(150)
    expect(out).toMatchObject({ unknown: [], failed: [] })
    expect(sandbox.sim.invitationHistory).toHaveLength(100)
    expect(stderr).toContain('waiting for HQ to answer the request on its way')
    expect(stderr).toContain('stopped by Ctrl-C')
    expect(stderr).toContain(`roster send --batch ${out.batch_id} sends them.`)

    // roster send finishes the batch with the same JSON, sending only what waited.
    const sent = await run(runSend, ['--batch', String(out.batch_id), ...key(), '--json'])
    expect(sent.stderr).toBe('')
    expect(sent.code).toBe(0)
    const finished = JSON.parse(sent.stdout) as InviteJson
    expect(Object.keys(finished)).toEqual(INVITE_JSON_KEYS)
    expect(finished.success_numbers.sort()).toEqual([...numbers].sort())
    expect(finished).toMatchObject({
      batch_id: out.batch_id,
      queued: [],
      unknown: [],
      failed: [],
      skipped: []
    })
    expect(sandbox.sim.invitationHistory).toHaveLength(250)
  })

  it('a second Ctrl-C cancels the request on its way: it counts as unknown and roster resolve is named', async () => {
    const numbers = kenyanNumbers(150, 20_000_000)
    const ctrlC = keyboard()
    const running = run(runInvite, inviteArgs(csv('list.csv', numbers)), { onInterrupt: ctrlC.onInterrupt })
    await whenSending(100)
    ctrlC.press()
    ctrlC.press()
    const { code, stdout, stderr } = await running
    expect(code).toBe(1)
    const out = JSON.parse(stdout) as InviteJson
    expect(out.unknown).toHaveLength(100)
    expect(out.queued).toHaveLength(50)
    expect(out.success_numbers).toEqual([])
    expect(stderr).toContain('Stopping at once')
    expect(stderr).toContain(`roster resolve --batch ${out.batch_id} --unknown resend`)
    expect(stderr).toContain(`roster send --batch ${out.batch_id} sends them.`)
  })
})

describe('roster send', () => {
  it('sends the queued numbers but never those whose outcome is unknown', async () => {
    const numbers = kenyanNumbers(150, 30_000_000)
    const ctrlC = keyboard()
    const running = run(runInvite, inviteArgs(csv('list.csv', numbers)), { onInterrupt: ctrlC.onInterrupt })
    await whenSending(100)
    ctrlC.press()
    ctrlC.press()
    const first = JSON.parse((await running).stdout) as InviteJson
    await sleep(500) // the simulator finishes what it received
    const before = sandbox.sim.invitationHistory.length

    const sent = await run(runSend, ['--batch', String(first.batch_id), ...key(), '--json'])
    expect(sent.code).toBe(1)
    const out = JSON.parse(sent.stdout) as InviteJson
    expect(out.unknown.sort()).toEqual([...first.unknown].sort())
    expect(out.success_numbers.sort()).toEqual([...first.queued].sort())
    expect(out.queued).toEqual([])
    expect(sandbox.sim.invitationHistory.length - before).toBe(50)
    expect(sent.stderr).toContain(`roster resolve --batch ${first.batch_id} --unknown resend`)
    expect(sent.stderr).not.toContain('roster send --batch')
  })

  it('says so when nothing waits, and is a usage error for a batch that does not exist or a missing key', async () => {
    const file = csv('list.csv', kenyanNumbers(2, 40_000_000))
    const out = JSON.parse((await run(runInvite, inviteArgs(file))).stdout) as InviteJson
    const again = await run(runSend, ['--batch', String(out.batch_id), ...key()])
    expect(again.code).toBe(0)
    expect(again.stderr).toBe(`roster send: batch ${out.batch_id} has no number waiting to be sent.\n`)
    expect(again.stdout).toContain(`Batch ${out.batch_id} for demo-project`)

    const missing = await run(runSend, ['--batch', '99', ...key()])
    expect(missing.code).toBe(2)
    expect(missing.stderr.split('\n')[0]).toBe(
      'roster send: there is no batch 99 in the database (roster history lists them)'
    )
    expect((await run(runSend, ['--batch', 'x', ...key()])).code).toBe(2)
    expect((await run(runSend, [...key()])).code).toBe(2)
    expect((await run(runSend, ['--batch', String(out.batch_id)])).code).toBe(2)
    const noDb = await run(runSend, ['--batch', '1', ...key(), '--db', `${sandbox.dir}/nope.db`])
    expect(noDb.code).toBe(2)
  })
})

describe('roster resolve', () => {
  async function batchWithUnknown(start: number): Promise<InviteJson> {
    const ctrlC = keyboard()
    const running = run(runInvite, inviteArgs(csv('list.csv', kenyanNumbers(100, start))), {
      onInterrupt: ctrlC.onInterrupt
    })
    await whenSending(100)
    ctrlC.press()
    ctrlC.press()
    const out = JSON.parse((await running).stdout) as InviteJson
    expect(out.unknown).toHaveLength(100)
    return out
  }

  it('--unknown resend queues them again for roster send, which sends them', async () => {
    const first = await batchWithUnknown(50_000_000)
    const resolved = await run(runResolve, [
      '--batch',
      String(first.batch_id),
      '--unknown',
      'resend',
      '--yes'
    ])
    expect(resolved.code).toBe(0)
    expect(resolved.stdout).toBe(
      `Batch ${first.batch_id}: 100 numbers queued to send again; roster send --batch ${first.batch_id} sends them.\n`
    )
    const sent = await run(runSend, ['--batch', String(first.batch_id), ...key(), '--json'])
    expect(sent.code).toBe(0)
    expect((JSON.parse(sent.stdout) as InviteJson).success_numbers).toHaveLength(100)
  })

  it('--unknown failed gives them up; a later invite of the same numbers is not refused', async () => {
    const first = await batchWithUnknown(60_000_000)
    const resolved = await run(runResolve, [
      '--batch',
      String(first.batch_id),
      '--unknown',
      'failed',
      '--yes'
    ])
    expect(resolved.code).toBe(0)
    expect(resolved.stdout).toBe(`Batch ${first.batch_id}: 100 numbers marked as failed.\n`)
    const db = openDatabase(sandbox.dbPath)
    expect(getBatch(db, first.batch_id).batch).toMatchObject({
      state: 'done',
      counts: { failed: 100, unknown: 0 }
    })
    db.close()
    const nothing = await run(runResolve, ['--batch', String(first.batch_id), '--unknown', 'failed', '--yes'])
    expect(nothing).toMatchObject({
      code: 0,
      stdout: `Batch ${first.batch_id} has no number whose outcome is unknown; nothing was changed.\n`
    })
    const again = await run(runInvite, inviteArgs(csv('again.csv', kenyanNumbers(100, 60_000_000))))
    expect(again.code).toBe(0)
  })

  it('asks on a terminal, needs --yes without one, and is a usage error without a decision', async () => {
    const first = await batchWithUnknown(70_000_000)
    const batch = String(first.batch_id)
    const noYes = await run(runResolve, ['--batch', batch, '--unknown', 'resend'])
    expect(noYes.code).toBe(2)
    expect(noYes.stderr).toContain('add --yes')
    const declined = await run(runResolve, ['--batch', batch, '--unknown', 'resend'], {
      isTTY: true,
      confirm: (q: string) => Promise.resolve(!q.includes('second SMS'))
    })
    expect(declined).toMatchObject({ code: 1, stderr: 'Nothing was changed.\n' })
    expect((await run(runResolve, ['--batch', batch, '--yes'])).code).toBe(2)
    expect((await run(runResolve, ['--batch', batch, '--unknown', 'maybe', '--yes'])).stderr).toContain(
      '--unknown maybe: use resend or failed'
    )
    expect((await run(runResolve, ['--batch', '404', '--unknown', 'failed', '--yes'])).code).toBe(2)
  })
})

describe('roster invite refusing numbers an earlier batch holds', () => {
  it('calls never-sent numbers waiting, not invited, and names roster send; sent ones need --reinvite', async () => {
    const numbers = kenyanNumbers(150, 80_000_000)
    const file = csv('list.csv', numbers)
    const ctrlC = keyboard()
    const running = run(runInvite, inviteArgs(file), { onInterrupt: ctrlC.onInterrupt })
    await whenSending(100)
    ctrlC.press()
    const first = JSON.parse((await running).stdout) as InviteJson

    const refused = await run(runInvite, inviteArgs(file))
    expect(refused.code).toBe(1)
    expect(refused.stdout).toBe('')
    expect(refused.stderr).toContain(
      `50 numbers wait in the outbox, never sent (batch ${first.batch_id}: ` // the list follows
    )
    expect(refused.stderr).toContain(
      `send them with roster send --batch ${first.batch_id} rather than inviting again`
    )
    expect(refused.stderr).toContain(`100 numbers were already invited (batch ${first.batch_id} of `)
    expect(refused.stderr).toContain('add --reinvite')
    expect(refused.stderr).not.toContain('Invite again')
    expect(refused.stderr).not.toContain('150 numbers were already invited')
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1)
  })
})
