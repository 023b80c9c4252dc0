import { describe, expect, it } from 'vitest'
import { AUTO_SYNC_HOURS, type SyncRun } from '../../shared/domain'
import {
  dueForSync,
  failuresInARow,
  OFFLINE_BELIEVED_FOR_MS,
  RETRY_AFTER_FAILURE_MS,
  RETRY_AFTER_REFUSAL_MS,
  UNKNOWN_NETWORK,
  type NetworkFacts,
  type SyncFacts
} from './autoSync'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const NOW = Date.parse('2025-03-10T08:00:00.000Z')

/** A run that ended `ms` before NOW, after a minute's work. */
function endedAgo(ms: number): { startedAt: string; endedAt: string } {
  return { startedAt: new Date(NOW - ms - MINUTE).toISOString(), endedAt: new Date(NOW - ms).toISOString() }
}

function run(outcome: SyncRun['outcome'], ago: number): NonNullable<SyncFacts['lastRun']> {
  return { outcome, closedByApp: false, ...endedAgo(ago) }
}

/** A sync cut short by quitting Roster, `ago` before NOW. */
function closedByApp(ago: number): NonNullable<SyncFacts['lastRun']> {
  return { ...run('cancelled', ago), closedByApp: true }
}

/** A project synced well 13 hours ago, every 12 hours, with its key, nothing running, nothing known of the network. */
function facts(patch: Partial<SyncFacts> = {}): SyncFacts {
  return {
    project: { autoSyncHours: 12, hasKey: true },
    lastRun: run('ok', 13 * HOUR),
    lastGoodRun: endedAgo(13 * HOUR),
    failuresInARow: 0,
    running: false,
    network: UNKNOWN_NETWORK,
    refusedAt: null,
    now: NOW,
    ...patch
  }
}

const network = (patch: Partial<NetworkFacts>): NetworkFacts => ({ ...UNKNOWN_NETWORK, ...patch })

describe('when a project is due for a sync of its own', () => {
  it('is due once its last good sync is older than its interval, for every interval offered', () => {
    for (const hours of AUTO_SYNC_HOURS) {
      const project = { autoSyncHours: hours, hasKey: true }
      const justOlder = endedAgo(hours * HOUR + 1)
      expect(
        dueForSync(facts({ project, lastGoodRun: justOlder, lastRun: run('ok', hours * HOUR + 1) }))
      ).toEqual({ due: true, reason: 'overdue' })
      const justYounger = endedAgo(hours * HOUR - MINUTE)
      expect(
        dueForSync(facts({ project, lastGoodRun: justYounger, lastRun: run('ok', hours * HOUR - MINUTE) }))
      ).toEqual({ due: false, reason: 'not-yet', at: NOW + MINUTE })
    }
  })

  it('is due exactly when the interval has passed', () => {
    const atTheMark = endedAgo(12 * HOUR)
    expect(dueForSync(facts({ lastGoodRun: atTheMark, lastRun: run('ok', 12 * HOUR) })).due).toBe(true)
  })

  it('counts the interval from the end of the last good sync, or its start when it has no end', () => {
    const noEnd = { startedAt: new Date(NOW - 11 * HOUR).toISOString(), endedAt: null }
    expect(dueForSync(facts({ lastGoodRun: noEnd }))).toEqual({
      due: false,
      reason: 'not-yet',
      at: NOW + HOUR
    })
  })

  it('never syncs a project whose automatic sync is off, however old its roster', () => {
    expect(
      dueForSync(facts({ project: { autoSyncHours: null, hasKey: true }, lastGoodRun: endedAgo(900 * HOUR) }))
    ).toEqual({ due: false, reason: 'off', at: null })
  })

  it('does not sync a project without a saved key', () => {
    expect(dueForSync(facts({ project: { autoSyncHours: 12, hasKey: false } }))).toEqual({
      due: false,
      reason: 'no-key',
      at: null
    })
  })

  it('does not start a sync of a project that is syncing', () => {
    expect(dueForSync(facts({ running: true, lastRun: run('running', 0) }))).toEqual({
      due: false,
      reason: 'running',
      at: null
    })
  })

  it('leaves the first sync to the coordinator, even after attempts that failed', () => {
    expect(dueForSync(facts({ lastGoodRun: null, lastRun: null }))).toEqual({
      due: false,
      reason: 'never-synced',
      at: null
    })
    expect(
      dueForSync(facts({ lastGoodRun: null, lastRun: run('failed', 5 * HOUR), failuresInARow: 3 }))
    ).toMatchObject({ due: false, reason: 'never-synced' })
  })

  it('does not restart a sync the coordinator cancelled before another interval has passed', () => {
    expect(dueForSync(facts({ lastRun: run('cancelled', HOUR) }))).toEqual({
      due: false,
      reason: 'cancelled',
      at: NOW + 11 * HOUR
    })
    expect(dueForSync(facts({ lastRun: run('cancelled', 12 * HOUR) })).due).toBe(true)
  })

  it('retries a failed sync after 15 minutes, then hourly', () => {
    const [first, later] = RETRY_AFTER_FAILURE_MS
    expect(first).toBe(15 * MINUTE)
    expect(later).toBe(HOUR)
    expect(dueForSync(facts({ lastRun: run('failed', 10 * MINUTE), failuresInARow: 1 }))).toEqual({
      due: false,
      reason: 'failed',
      at: NOW + 5 * MINUTE
    })
    expect(dueForSync(facts({ lastRun: run('failed', first), failuresInARow: 1 })).due).toBe(true)
    for (const failures of [2, 3, 10]) {
      expect(dueForSync(facts({ lastRun: run('failed', 20 * MINUTE), failuresInARow: failures }))).toEqual({
        due: false,
        reason: 'failed',
        at: NOW + 40 * MINUTE
      })
      expect(dueForSync(facts({ lastRun: run('failed', later), failuresInARow: failures })).due).toBe(true)
    }
  })

  it('retries a failed sync at once when HQ answered again after having been unreachable', () => {
    const failed = run('failed', 10 * MINUTE)
    const back = network({ state: 'online', offlineAt: NOW - 10 * MINUTE, backOnlineAt: NOW - MINUTE })
    expect(dueForSync(facts({ lastRun: failed, failuresInARow: 2, network: back })).due).toBe(true)
  })

  it('keeps waiting after a failure when HQ was back before it failed, or never away', () => {
    const failed = run('failed', 10 * MINUTE)
    const backBefore = network({ state: 'online', offlineAt: NOW - HOUR, backOnlineAt: NOW - 30 * MINUTE })
    expect(dueForSync(facts({ lastRun: failed, failuresInARow: 1, network: backBefore }))).toMatchObject({
      reason: 'failed'
    })
    const neverAway = network({ state: 'online' })
    expect(dueForSync(facts({ lastRun: failed, failuresInARow: 1, network: neverAway }))).toMatchObject({
      reason: 'failed'
    })
    const awayAgain = network({ state: 'offline', offlineAt: NOW - 10 * MINUTE, backOnlineAt: NOW - MINUTE })
    expect(dueForSync(facts({ lastRun: failed, failuresInARow: 1, network: awayAgain }))).toMatchObject({
      reason: 'failed'
    })
  })

  it('does not try again for 15 minutes after an automatic start was refused', () => {
    expect(dueForSync(facts({ refusedAt: NOW - 5 * MINUTE }))).toEqual({
      due: false,
      reason: 'refused',
      at: NOW - 5 * MINUTE + RETRY_AFTER_REFUSAL_MS
    })
    expect(dueForSync(facts({ refusedAt: NOW - RETRY_AFTER_REFUSAL_MS })).due).toBe(true)
  })

  it('waits as long as HQ asked it to', () => {
    expect(dueForSync(facts({ network: network({ state: 'waiting', until: NOW + 30_000 }) }))).toEqual({
      due: false,
      reason: 'hq-asked-to-wait',
      at: NOW + 30_000
    })
    expect(dueForSync(facts({ network: network({ state: 'waiting', until: NOW - 1 }) })).due).toBe(true)
  })

  it('waits while HQ is known to be unreachable, and tries again once that news is old', () => {
    const recent = network({ state: 'offline', offlineAt: NOW - 5 * MINUTE })
    expect(dueForSync(facts({ network: recent }))).toEqual({
      due: false,
      reason: 'offline',
      at: NOW - 5 * MINUTE + OFFLINE_BELIEVED_FOR_MS
    })
    const old = network({ state: 'offline', offlineAt: NOW - OFFLINE_BELIEVED_FOR_MS })
    expect(dueForSync(facts({ network: old })).due).toBe(true)
  })

  it('syncs an overdue project once HQ is back online', () => {
    const back = network({ state: 'online', offlineAt: NOW - 5 * MINUTE, backOnlineAt: NOW - MINUTE })
    expect(dueForSync(facts({ network: back })).due).toBe(true)
  })

  it('looks past a sync cut short when the app closed, the morning after', () => {
    expect(dueForSync(facts({ lastRun: run('running', 10 * HOUR), running: false })).due).toBe(true)
  })

  it('syncs at once after a sync cut short by quitting Roster, as after one cut short by a crash', () => {
    // The coordinator quit an hour ago during the sync; the last good one is 13 hours old.
    expect(dueForSync(facts({ lastRun: closedByApp(HOUR) }))).toEqual({ due: true, reason: 'overdue' })
    expect(dueForSync(facts({ lastRun: closedByApp(0) }))).toEqual({ due: true, reason: 'overdue' })
    // Only the coordinator's Cancel holds the next sync back.
    expect(dueForSync(facts({ lastRun: run('cancelled', HOUR) }))).toMatchObject({ reason: 'cancelled' })
  })

  it('still waits for the interval after a sync cut short by quitting Roster, when the roster is fresh', () => {
    const fresh = endedAgo(2 * HOUR)
    expect(dueForSync(facts({ lastGoodRun: fresh, lastRun: closedByApp(HOUR) }))).toEqual({
      due: false,
      reason: 'not-yet',
      at: NOW + 10 * HOUR
    })
  })

  it('gives the first reason that holds when several do', () => {
    const everything = facts({
      project: { autoSyncHours: null, hasKey: false },
      running: true,
      lastGoodRun: null,
      network: network({ state: 'offline', offlineAt: NOW })
    })
    expect(dueForSync(everything).reason).toBe('off')
    expect(dueForSync({ ...everything, project: { autoSyncHours: 6, hasKey: false } }).reason).toBe('no-key')
    expect(dueForSync({ ...everything, project: { autoSyncHours: 6, hasKey: true } }).reason).toBe('running')
    expect(
      dueForSync({ ...everything, project: { autoSyncHours: 6, hasKey: true }, running: false }).reason
    ).toBe('never-synced')
  })
})

describe('counting failed syncs in a row', () => {
  const runs = (...outcomes: SyncRun['outcome'][]) => outcomes.map((outcome) => ({ outcome }))

  it('counts the failures since the last good or cancelled sync, newest first', () => {
    expect(failuresInARow(runs())).toBe(0)
    expect(failuresInARow(runs('ok', 'failed'))).toBe(0)
    expect(failuresInARow(runs('failed', 'failed', 'ok', 'failed'))).toBe(2)
    expect(failuresInARow(runs('failed', 'cancelled', 'failed'))).toBe(1)
  })

  it('looks past a run still marked running', () => {
    expect(failuresInARow(runs('running', 'failed', 'failed', 'ok'))).toBe(2)
  })
})
