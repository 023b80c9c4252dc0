import { afterEach, describe, expect, it } from 'vitest'
import type { ApiEvent } from '../../shared/api'
import { startSim, type Sim } from '../../../test/hq-sim'
import { openDatabase, type Db } from '../db/open'
import { APP_CLOSED_ERROR, getRunRecord } from '../db/syncRuns'
import type { AutoSyncCheck } from './autoSync'
import { dispatch } from './dispatch'
import { MemorySecretStore } from './secrets'
import { startTestCore, type TestCore } from './testing'

const HOUR = 3_600_000

let sim: Sim | undefined
let test: TestCore | undefined
let side: Db | undefined
afterEach(async () => {
  side?.close()
  await test?.close()
  await sim?.close()
  side = test = sim = undefined
})

/**
 * The app with a scheduler that looks every few milliseconds, on a simulator answering after
 * `latencyMs`. Tests wait for the scheduler's rounds and the core's events, never for the clock.
 */
async function start(opts: { latencyMs?: number; maxLimit?: number; secrets?: MemorySecretStore } = {}) {
  const hq = (sim = await startSim({
    era: '2019',
    users: 40,
    seed: 5,
    latencyMs: opts.latencyMs ?? 0,
    ...(opts.maxLimit ? { maxLimit: opts.maxLimit } : {})
  }))
  const roundWaiters = new Set<(checks: AutoSyncCheck[]) => void>()
  test = startTestCore({
    autoSync: {
      checkEveryMs: 20,
      firstCheckAfterMs: 0,
      onCheck: (checks) => {
        for (const waiter of [...roundWaiters]) waiter(checks)
      }
    },
    ...(opts.secrets ? { secrets: opts.secrets } : {})
  })
  // The app of the moment: restart() replaces it.
  const call: TestCore['call'] = (method, input) => test!.call(method, input)
  const next: TestCore['next'] = (event, match) => test!.next(event, match)
  /** Quits the app and opens it again on the same database and keys. */
  const restart = async () => {
    test = await test!.restart()
  }
  // A second connection, as another process would have: it makes a sync look hours old.
  const db = (side = openDatabase(test.dbPath))

  /** The decisions of the `count`th round from now (a round under way counts as the first). */
  function rounds(count: number) {
    return new Promise<AutoSyncCheck[]>((resolve) => {
      let seen = 0
      const waiter = (checks: AutoSyncCheck[]) => {
        if (++seen < count) return
        roundWaiters.delete(waiter)
        resolve(checks)
      }
      roundWaiters.add(waiter)
    })
  }

  /** The first round from now whose decision about a project matches. */
  function decided(projectId: string, match: (check: AutoSyncCheck) => boolean) {
    return new Promise<AutoSyncCheck>((resolve) => {
      const waiter = (checks: AutoSyncCheck[]) => {
        const check = checks.find((c) => c.projectId === projectId)
        if (!check || !match(check)) return
        roundWaiters.delete(waiter)
        resolve(check)
      }
      roundWaiters.add(waiter)
    })
  }

  const save = (account: { username: string; apiKey: string } = hq.credentials) =>
    call('projects.save', {
      server: hq.url,
      domain: hq.domain,
      username: account.username,
      apiKey: account.apiKey,
      defaultCountry: 'KE'
    })

  async function sync(projectId: string) {
    const finished = next('sync.finished', (run) => run.projectId === projectId)
    await call('sync.start', { projectId })
    return finished
  }

  /** Moves a run `hours` into the past, as if the coordinator synced then. */
  function age(runId: number, hours: number) {
    const shift = (iso: string | null) => iso && new Date(Date.parse(iso) - hours * HOUR).toISOString()
    const row = db.prepare(`SELECT started_at, ended_at FROM sync_runs WHERE id = ?`).get(runId) as {
      started_at: string
      ended_at: string | null
    }
    db.prepare(`UPDATE sync_runs SET started_at = ?, ended_at = ? WHERE id = ?`).run(
      shift(row.started_at),
      shift(row.ended_at),
      runId
    )
  }

  return {
    sim: hq,
    get core() {
      return test!.core
    },
    db,
    call,
    next,
    restart,
    rounds,
    decided,
    save,
    sync,
    age
  }
}

describe('syncing by itself', () => {
  it('syncs an overdue project by itself, with the follow-up and network state of a click on Sync', async () => {
    const app = await start()
    const { id } = await app.save()
    // The first sync is the coordinator's.
    expect((await app.decided(id, () => true)).decision).toEqual({
      due: false,
      reason: 'never-synced',
      at: null
    })
    expect(await app.call('sync.runs', { projectId: id })).toEqual([])

    const first = await app.sync(id)
    expect(first.outcome).toBe('ok')
    const { batchId } = await app.call('invite.create', {
      projectId: id,
      options: { appId: app.sim.data.applications[0]!.id },
      rows: [
        { row: 2, e164: '+254711900001' },
        { row: 3, e164: '+254711900002' }
      ]
    })
    const sent = app.next('invite.progress', (p) => p.batchId === batchId && p.state === 'done')
    await app.call('invite.send', { batchId })
    await sent
    app.sim.registerInvited(1)
    expect(await app.decided(id, () => true)).toMatchObject({ decision: { due: false, reason: 'not-yet' } })

    const progress: ApiEvent<'sync.progress'>[] = []
    app.core.events.subscribe((name, payload) => {
      if (name === 'sync.progress') progress.push(payload as ApiEvent<'sync.progress'>)
    })
    const finished = app.next('sync.finished', (run) => run.projectId === id)
    // Whatever the invitations said about the network was said before this sync began.
    const online = app
      .next('sync.progress', (p) => p.projectId === id && p.runId > first.id)
      .then(() => app.next('connectivity', (c) => c.projectId === id))
    app.age(first.id, 13)
    const run = await finished

    // The invited number that registered is a worker now.
    expect(run).toMatchObject({ outcome: 'ok', workers: first.workers + 1 })
    expect(run.id).toBeGreaterThan(first.id)
    expect(progress.some((p) => p.runId === run.id && p.phase === 'active')).toBe(true)
    expect(await online).toMatchObject({ state: 'online' })
    const runs = await app.call('sync.runs', { projectId: id })
    expect(runs.map((r) => [r.id, r.outcome])).toEqual([
      [run.id, 'ok'],
      [first.id, 'ok']
    ])
    const [batch] = await app.call('invite.batches', { projectId: id })
    expect(batch).toMatchObject({ id: batchId, counts: { success: 2, registered: 1 } })
    // Fresh again: the next round leaves it alone.
    expect(await app.decided(id, () => true)).toMatchObject({ decision: { reason: 'not-yet' } })
  })

  it('leaves a project whose automatic sync is off alone', async () => {
    const app = await start()
    const off = await app.save()
    const on = await app.save({ username: 'workers-only@example.org', apiKey: 'sim-key-workers-only' })
    await app.call('projects.update', { projectId: off.id, autoSyncHours: null })
    const offRun = await app.sync(off.id)
    const onRun = await app.sync(on.id)

    const synced = app.next('sync.finished', (run) => run.projectId === on.id)
    app.age(offRun.id, 400)
    app.age(onRun.id, 13)
    expect((await synced).outcome).toBe('ok')
    // Two more rounds, with no other sync in the way: the first would have started it.
    const later = await app.rounds(2)
    expect(later.find((c) => c.projectId === off.id)?.decision).toEqual({
      due: false,
      reason: 'off',
      at: null
    })
    expect((await app.call('sync.runs', { projectId: off.id })).map((r) => r.id)).toEqual([offRun.id])
    expect(await app.call('sync.runs', { projectId: on.id })).toHaveLength(2)
  })

  it('does not start a second sync of a project while its sync runs', async () => {
    const app = await start({ latencyMs: 250 })
    const { id } = await app.save()
    const first = await app.sync(id)

    const started = app.next('sync.progress', (p) => p.projectId === id && p.runId > first.id)
    const finished = app.next('sync.finished', (run) => run.projectId === id)
    app.age(first.id, 13)
    const { runId } = await started
    const seen = await app.decided(id, (c) => c.decision.due || c.decision.reason === 'running')
    expect(seen.decision).toEqual({ due: false, reason: 'running', at: null })
    // The Sync button meanwhile is told the sync is under way, as for any sync.
    await expect(app.call('sync.start', { projectId: id })).rejects.toMatchObject({ code: 'busy' })

    expect(await finished).toMatchObject({ id: runId, outcome: 'ok' })
    expect((await app.call('sync.runs', { projectId: id })).map((r) => r.id)).toEqual([runId, first.id])
  })

  it('does not restart a sync the coordinator cancelled until another interval has passed', async () => {
    const app = await start({ latencyMs: 250 })
    const { id } = await app.save()
    const good = await app.sync(id)

    const cancelled = app.next('sync.finished', (run) => run.projectId === id)
    await app.call('sync.start', { projectId: id })
    await app.call('sync.cancel', { projectId: id })
    const stopped = await cancelled
    expect(stopped.outcome).toBe('cancelled')

    app.age(good.id, 13)
    await app.rounds(1)
    const held = await app.decided(id, () => true)
    expect(held.decision).toMatchObject({ due: false, reason: 'cancelled' })
    expect((await app.call('sync.runs', { projectId: id })).map((r) => r.id)).toEqual([stopped.id, good.id])

    // A whole interval after the cancel, it syncs again.
    const resumed = app.next('sync.finished', (run) => run.projectId === id)
    app.age(stopped.id, 12)
    expect(await resumed).toMatchObject({ outcome: 'ok' })
  })
})

describe('quitting during an automatic sync', () => {
  it('closes the run as cut short by quitting, and resumes it as soon as the app opens again', async () => {
    // Pages of 10 workers, each answered after 50 ms: the sync is mid-list when the app quits.
    const app = await start({ latencyMs: 50, maxLimit: 10 })
    const { id } = await app.save()
    const good = await app.sync(id)

    const pageStored = app.next(
      'sync.progress',
      (p) => p.projectId === id && p.runId > good.id && p.phase === 'active' && p.done > 0
    )
    app.age(good.id, 13)
    const { runId } = await pageStored
    // The old app's rounds say its sync is running; the next decision is the new app's first.
    const reopened = app.decided(id, (c) => c.decision.reason !== 'running')
    await app.restart()
    const finished = app.next('sync.finished', (run) => run.projectId === id)

    expect(getRunRecord(app.db, runId)).toMatchObject({
      outcome: 'cancelled',
      error: APP_CLOSED_ERROR,
      closedByApp: true
    })
    // The first round after opening starts the sync: quitting is not the coordinator's Cancel.
    expect((await reopened).decision).toEqual({ due: true, reason: 'overdue' })
    const resumed = await finished
    expect(resumed).toMatchObject({ outcome: 'ok', workers: good.workers, archived: good.archived })
    expect(getRunRecord(app.db, resumed.id)?.resumedFrom).toBe(runId)
    expect((await app.call('sync.runs', { projectId: id })).map((r) => [r.id, r.outcome])).toEqual([
      [resumed.id, 'ok'],
      [runId, 'cancelled'],
      [good.id, 'ok']
    ])
  })
})

describe('looking for a saved key', () => {
  it('does not read (decrypt) any key to decide, round after round', async () => {
    /** Counts the keys read; the system keychain decrypts each one. */
    class CountingStore extends MemorySecretStore {
      reads = 0
      override async get(projectId: string) {
        this.reads++
        return super.get(projectId)
      }
    }
    const secrets = new CountingStore()
    const app = await start({ secrets })
    const withKey = await app.save()
    const withoutKey = await app.save({ username: 'data-only@example.org', apiKey: 'sim-key-data-only' })
    await secrets.delete(withoutKey.id)

    secrets.reads = 0
    const checks = await app.rounds(3)
    expect(checks.find((c) => c.projectId === withKey.id)?.decision).toMatchObject({
      reason: 'never-synced'
    })
    expect(checks.find((c) => c.projectId === withoutKey.id)?.decision).toMatchObject({ reason: 'no-key' })
    expect(secrets.reads).toBe(0)
  })
})

describe('the automatic sync setting', () => {
  it('is every 12 hours for a new project, and takes off or any interval offered', async () => {
    const app = await start()
    const saved = await app.save()
    expect(saved.autoSyncHours).toBe(12)
    for (const hours of [1, 6, 24, null, 12] as const) {
      const updated = await app.call('projects.update', { projectId: saved.id, autoSyncHours: hours })
      expect(updated.autoSyncHours).toBe(hours)
    }
    const listed = await app.call('projects.list', {})
    expect(listed[0]).toMatchObject({ id: saved.id, autoSyncHours: 12, defaultCountry: 'KE' })
  })

  it('refuses an interval Roster does not offer, saying which ones it does', async () => {
    const app = await start()
    const saved = await app.save()
    for (const bad of [0, 2, 12.5, -1, '12', 'daily', true]) {
      const result = await dispatch(app.core.handlers, 'projects.update', {
        projectId: saved.id,
        autoSyncHours: bad
      })
      expect(result).toEqual({
        ok: false,
        error: {
          code: 'invalid-input',
          message:
            'projects.update: autoSyncHours: Sync automatically is off (null) or every 1, 6, 12 or 24 hours.'
        }
      })
    }
    expect((await app.call('projects.list', {}))[0]?.autoSyncHours).toBe(12)
  })
})
