/**
 * The fault list: each fault during a send (through `roster invite`, as a coordinator meets it)
 * and during a sync (the engine, with the database afterwards), asserting what the outbox or
 * the store holds and what the user is told. Faults already covered elsewhere are listed in
 * RELIABILITY.md with their tests.
 */
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import type { InviteJson } from '../../src/main/cli/batchReport'
import { runInvite } from '../../src/main/cli/invite'
import { reportError } from '../../src/main/cli/errors'
import { hqArgs, useCliSandbox } from '../../src/main/cli/testing'
import { openDatabase } from '../../src/main/db/open'
import { getBatch } from '../../src/main/invite'
import { kenyanNumbers } from '../../src/main/invite/testing'
import { syncProject } from '../../src/main/sync'
import { expectMirror, storedWorkers, syncBed } from '../../src/main/sync/testing'
import { DEFAULT_RETRY } from '../../src/main/hq/retry'
import { startSim } from '../hq-sim'
import { expectIntact } from './helpers'

describe('faults during a send (roster invite, SMS self-registration)', () => {
  const sandbox = useCliSandbox({ sim: { users: 5, era: '2019' } })

  async function invite(faults: string, n = 250): Promise<{ code: number; out: InviteJson; stderr: string }> {
    openDatabase(sandbox.dbPath).close()
    sandbox.sim.setFaults(faults)
    const file = sandbox.write('list.csv', ['phone', ...kenyanNumbers(n, 5_000_000)].join('\n') + '\n')
    const { code, stdout, stderr } = await sandbox.run(runInvite, [
      file,
      ...hqArgs(sandbox.sim, '--app-id', sandbox.sim.data.applications[0]!.id),
      // Named, so no probe of the endpoint comes first and the fault meets the batch's request.
      '--channel',
      'sms-registration',
      '--api-key',
      sandbox.sim.credentials.apiKey,
      '--yes',
      '--json'
    ])
    expectIntact(sandbox.dbPath)
    return { code, out: JSON.parse(stdout) as InviteJson, stderr }
  }

  /** The outbox as a fresh reader sees it. */
  function counts(batchId: number) {
    const db = openDatabase(sandbox.dbPath)
    try {
      return getBatch(db, batchId).batch.counts
    } finally {
      db.close()
    }
  }

  it.each([
    ['a server error (500)', '500:once;path=registration'],
    ['a burst of 502s', '502:every=1;path=registration'],
    ['a burst of 503s without Retry-After', '503:every=1;path=registration'],
    ['a connection reset mid-body', 'reset:once;path=registration'],
    ['truncated JSON', 'truncate:once;path=registration']
  ])(
    'after %s the request’s numbers are unknown, the rest wait, nothing is re-sent, and roster resolve is named',
    async (_name, faults) => {
      const { code, out, stderr } = await invite(faults)
      expect(code).toBe(1)
      expect(out.unknown).toHaveLength(100)
      expect(out.queued).toHaveLength(150)
      expect(out.success_numbers).toEqual([])
      expect(counts(out.batch_id)).toMatchObject({ unknown: 100, queued: 150, sending: 0 })
      // One request reached (or may have reached) HQ; it was not repeated.
      expect(
        sandbox.sim.requests.filter((r) => r.method === 'POST' && r.path.includes('sms_user_registration/'))
          .length
      ).toBe(1)
      expect(stderr).toContain(`roster resolve --batch ${out.batch_id} --unknown resend`)
      expect(stderr).toContain(`roster send --batch ${out.batch_id} sends them.`)
    }
  )

  it('when the key is revoked mid-run, stops with what to fix; answered numbers stay sent, the rest wait', async () => {
    const { code, out, stderr } = await invite('auth-revoke:after=1;path=registration')
    expect(code).toBe(1)
    expect(out.success_numbers.length + out.queued.length).toBe(250)
    expect(out.unknown).toEqual([])
    expect(out.queued.length).toBeGreaterThan(0)
    expect(stderr).toMatch(/key/i)
    expect(stderr).toContain(`roster send --batch ${out.batch_id} sends them.`)
  })
})

describe('the network gone for a minute', () => {
  it('during a sync: the client retries on a fake clock and gives up within it, the sync fails saying HQ cannot be reached, the roster stays, and the next sync completes', async () => {
    const b = await syncBed({ users: 600, seed: 23, maxLimit: 100 })
    const again = await startSim({ users: 600, seed: 23, maxLimit: 100 })
    try {
      expect((await syncProject({ db: b.db, project: b.project, client: b.client })).outcome).toBe('ok')
      const before = storedWorkers(b.db, b.project).active.size
      // Waits pass on a fake clock: a minute of retries takes no time.
      let slept = 0
      const clock = { now: () => Date.now() + slept, sleep: async (ms: number) => void (slept += ms) }
      // The product's own retry policy (syncBed's is shortened): it gives up well within the minute.
      const offline = b.connect({ clock, retry: { ...DEFAULT_RETRY } })
      let pages = 0
      const run = await syncProject({
        db: b.db,
        project: b.project,
        client: offline,
        // The network goes away after the first page: every later request is refused.
        onProgress: () => {
          if (++pages === 1) void b.sim.close()
        }
      })
      expect(run.outcome).toBe('failed')
      expect(run.error).toMatch(/reach|connect|network/i)
      expect(slept).toBeGreaterThan(0)
      expect(slept).toBeLessThan(60_000)
      expect(storedWorkers(b.db, b.project).active.size).toBe(before)
      expect(b.db.pragma('integrity_check', { simple: true })).toBe('ok')
      // Back online (the same HQ, at another address): the next sync completes.
      const online = b.connect({ server: again.url })
      expect((await syncProject({ db: b.db, project: b.project, client: online })).outcome).toBe('ok')
      expectMirror(b.db, b.project, again)
    } finally {
      await again.close()
      await b.close()
    }
  }, 60_000)
})

describe('faults of the machine during a sync', () => {
  it('a full disk: the sync fails with a clear error, nothing is half-written, the last good roster stays', async () => {
    const b = await syncBed({ users: 400, seed: 21, maxLimit: 100 })
    try {
      expect((await syncProject({ db: b.db, project: b.project, client: b.client })).outcome).toBe('ok')
      const before = storedWorkers(b.db, b.project)
      b.sim.addWorkers(3000)
      // SQLite's own ceiling stands in for a full disk: the file may grow by a few pages only.
      const pages = b.db.pragma('page_count', { simple: true }) as number
      b.db.pragma(`max_page_count = ${pages + 8}`)
      let failure: unknown
      const run = await syncProject({
        db: b.db,
        project: b.project,
        client: b.client,
        onFailure: (error) => (failure = error)
      })
      expect(run.outcome).toBe('failed')
      expect(run.error).toMatch(/full/i)
      expect(b.db.pragma('integrity_check', { simple: true })).toBe('ok')
      const after = storedWorkers(b.db, b.project)
      for (const id of before.active.keys()) expect(after.active.has(id)).toBe(true)
      // The CLI says it as a failure in the machine's words, exit 1.
      const lines: string[] = []
      expect(reportError('sync', failure, { stderr: (s) => void lines.push(s) })).toBe(1)
      expect(lines.join('')).toMatch(/^roster sync: .*full/i)
      // Room again: the next sync completes and mirrors HQ.
      b.db.pragma('max_page_count = 1073741823')
      expect((await syncProject({ db: b.db, project: b.project, client: b.client })).outcome).toBe('ok')
      expectMirror(b.db, b.project, b.sim)
    } finally {
      await b.close()
    }
  }, 60_000)

  it('a read-only database: the sync refuses with a clear error and changes nothing', async () => {
    const b = await syncBed({ users: 200, seed: 22 })
    try {
      expect((await syncProject({ db: b.db, project: b.project, client: b.client })).outcome).toBe('ok')
      const path = b.db.name
      b.sim.addWorkers(10)
      const readOnly = new Database(path, { readonly: true })
      let error: unknown
      try {
        await syncProject({ db: readOnly, project: b.project, client: b.client })
      } catch (e) {
        error = e
      } finally {
        readOnly.close()
      }
      expect((error as { code?: string }).code).toBe('SQLITE_READONLY')
      const lines: string[] = []
      expect(reportError('sync', error, { stderr: (s) => void lines.push(s) })).toBe(1)
      expect(lines.join('')).toMatch(/^roster sync: .*read/i)
      expect(storedWorkers(b.db, b.project).active.size).toBe(b.sim.activeWorkers().length - 10)
    } finally {
      await b.close()
    }
  })
})
