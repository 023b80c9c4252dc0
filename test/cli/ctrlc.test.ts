/**
 * Ctrl-C in a real `roster` process: SIGINT while a request is on its way to HQ. The command
 * waits for HQ's answer, records it, sends nothing more and says how to go on; `roster send`
 * (interrupted too, then run to the end) finishes the batch. Run from the sources with tsx, so
 * no build is needed.
 */
import Database from 'better-sqlite3'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join, resolve } from 'node:path'
import { expect, it } from 'vitest'
import type { InviteJson } from '../../src/main/cli/batchReport'
import { openDatabase } from '../../src/main/db/open'
import { hqArgs, TEST_ENV, useCliSandbox } from '../../src/main/cli/testing'
import { kenyanNumbers } from '../../src/main/invite/testing'

const ROOT = resolve(import.meta.dirname, '../..')
const CLI = join(ROOT, 'src/main/cli.ts')

const sandbox = useCliSandbox({ sim: { users: 10, era: '2019', latencyMs: 600 } })

interface Child {
  proc: ChildProcess
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>
}

function roster(args: string[]): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', CLI, ...args, '--db', sandbox.dbPath], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...TEST_ENV,
      ROSTER_API_KEY: sandbox.sim.credentials.apiKey,
      ROSTER_DATA_DIR: join(sandbox.dir, 'none')
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  proc.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s))
  proc.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s))
  const done = once(proc, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    stdout,
    stderr
  }))
  return { proc, done }
}

/** Polls the database file, as another program would, until `n` numbers are on their way to HQ. */
async function whenSending(n: number, child: Child): Promise<void> {
  let exited = false
  void child.done.then(() => (exited = true))
  while (!exited) {
    try {
      const reader = new Database(sandbox.dbPath, { readonly: true, fileMustExist: true })
      try {
        const sending = reader
          .prepare(`SELECT COUNT(*) FROM invite_numbers WHERE status = 'sending'`)
          .pluck()
          .get()
        if ((sending as number) >= n) return
      } finally {
        reader.close()
      }
    } catch {
      // The file or the table is not there yet.
    }
    await new Promise((r) => setTimeout(r, 15))
  }
  throw new Error(`the command ended before sending: ${(await child.done).stderr}`)
}

it('SIGINT during roster invite and then roster send: HQ’s answer recorded, nothing more sent, the next command named', async () => {
  const numbers = kenyanNumbers(300, 90_000_000)
  const file = sandbox.write('list.csv', ['phone', ...numbers].join('\n') + '\n')
  const appId = sandbox.sim.data.applications[0]!.id
  // An existing roster (a --db that does not exist is a usage error for invite).
  openDatabase(sandbox.dbPath).close()
  const invite = roster(['invite', file, ...hqArgs(sandbox.sim, '--app-id', appId), '--yes', '--json'])
  await whenSending(100, invite)
  invite.proc.kill('SIGINT')
  const first = await invite.done
  // It ended by itself, not killed by the signal, with the README's failure code.
  expect(first.signal).toBeNull()
  expect(first.code).toBe(1)
  const out = JSON.parse(first.stdout) as InviteJson
  expect(out.success_numbers).toHaveLength(100)
  expect(out.queued).toHaveLength(200)
  expect(out.unknown).toEqual([])
  expect(first.stderr).toContain(`roster send --batch ${out.batch_id} sends them.`)
  expect(sandbox.sim.invitationHistory).toHaveLength(100)

  // roster send, interrupted the same way, sends one more request of 100 and stops.
  const send = roster(['send', '--batch', String(out.batch_id), '--json'])
  await whenSending(100, send)
  send.proc.kill('SIGINT')
  const second = await send.done
  expect(second.code).toBe(1)
  const middle = JSON.parse(second.stdout) as InviteJson
  expect(middle).toMatchObject({ batch_id: out.batch_id, unknown: [] })
  expect(middle.success_numbers).toHaveLength(200)
  expect(middle.queued).toHaveLength(100)
  expect(second.stderr).toContain(`roster send --batch ${out.batch_id} sends them.`)

  const last = await roster(['send', '--batch', String(out.batch_id), '--json']).done
  expect(last.code).toBe(0)
  const done = JSON.parse(last.stdout) as InviteJson
  expect(done.success_numbers.sort()).toEqual([...numbers].sort())
  // Every number reached HQ exactly once.
  const times = new Map<string, number>()
  for (const i of sandbox.sim.invitationHistory) times.set(i.phoneNumber, (times.get(i.phoneNumber) ?? 0) + 1)
  expect(times.size).toBe(300)
  expect([...times.values()].every((n) => n === 1)).toBe(true)
}, 60_000)
