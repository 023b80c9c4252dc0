import type { AutoSyncHours, Connectivity, SyncRun } from '../../shared/domain'
import { listProjects, type ProjectRecord } from '../db/projects'
import { lastGoodRun, lastRunRecord, listRuns, type SyncRunRecord } from '../db/syncRuns'
import { isSyncRunning } from '../sync'
import type { CoreContext } from './context'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

/** How often the open app asks whether a project is due for a sync. */
export const AUTO_SYNC_CHECK_EVERY_MS = MINUTE
/** The first look after the app opens: the morning's sync starts without waiting a full round. */
export const AUTO_SYNC_FIRST_CHECK_AFTER_MS = 15_000
/** After a failed sync: the first retry, then every later one. HQ is never asked more often. */
export const RETRY_AFTER_FAILURE_MS = [15 * MINUTE, HOUR] as const
/** A start refused before any run was recorded (the key cannot be read, say) waits this long. */
export const RETRY_AFTER_REFUSAL_MS = 15 * MINUTE
/**
 * How long "HQ is unreachable" is believed. Only an exchange with HQ says it is back, and while the
 * laptop is offline nothing else talks to HQ: after this the next attempt is what finds out.
 */
export const OFFLINE_BELIEVED_FOR_MS = 15 * MINUTE
/** A run in the database with a heartbeat this recent belongs to a live process (`roster sync`, say). */
const LIVE_HEARTBEAT_MS = 90_000

/** What the core last heard about reaching HQ for a project. */
export interface NetworkFacts {
  /** The latest word from an exchange with HQ ('unknown': none since the app opened). */
  state: 'unknown' | Connectivity['state']
  /** When HQ was last found unreachable. */
  offlineAt: number | null
  /** When HQ last answered again after having been unreachable. */
  backOnlineAt: number | null
  /** Until when HQ asked Roster to wait (state 'waiting'). */
  until: number | null
}

export const UNKNOWN_NETWORK: NetworkFacts = {
  state: 'unknown',
  offlineAt: null,
  backOnlineAt: null,
  until: null
}

type RunTimes = Pick<SyncRun, 'startedAt' | 'endedAt'>

export interface SyncFacts {
  project: { autoSyncHours: AutoSyncHours | null; hasKey: boolean }
  /** The project's most recent run, whatever its outcome; closedByApp: cancelled by quitting Roster. */
  lastRun: (RunTimes & Pick<SyncRunRecord, 'outcome' | 'closedByApp'>) | null
  lastGoodRun: RunTimes | null
  /** Failed runs in a row, newest first, before any good or cancelled one. */
  failuresInARow: number
  /** A sync of the project runs now, in this process or another. */
  running: boolean
  network: NetworkFacts
  /** When an automatic start was last refused before a run was recorded. */
  refusedAt: number | null
  now: number
}

export type NotDueReason =
  | 'off'
  | 'no-key'
  | 'running'
  | 'never-synced'
  | 'not-yet'
  | 'cancelled'
  | 'failed'
  | 'refused'
  | 'hq-asked-to-wait'
  | 'offline'

export type SyncDecision =
  | { due: true; reason: 'overdue' }
  /** `at`: when the reason lapses (null: only something the coordinator does changes it). */
  | { due: false; reason: NotDueReason; at: number | null }

const notDue = (reason: NotDueReason, at: number | null = null): SyncDecision => ({ due: false, reason, at })

function endOf(run: RunTimes): number {
  return Date.parse(run.endedAt ?? run.startedAt)
}

/**
 * Whether Roster should sync a project by itself now. The first sync stays the coordinator's act
 * (it can be 100,000 workers on a poor connection); after that a project is due once its last
 * good sync is older than its interval, unless the coordinator cancelled the last attempt (not
 * again before another interval; quitting Roster is no such cancel), the last attempt failed
 * (retry after 15 min, then hourly), or HQ is known to be unreachable or asked for a pause.
 */
export function dueForSync(facts: SyncFacts): SyncDecision {
  const { project, lastRun, lastGoodRun, network, now } = facts
  if (project.autoSyncHours === null) return notDue('off')
  if (!project.hasKey) return notDue('no-key')
  if (facts.running) return notDue('running')
  if (!lastGoodRun) return notDue('never-synced')

  const interval = project.autoSyncHours * HOUR
  const next = endOf(lastGoodRun) + interval
  if (now < next) return notDue('not-yet', next)

  // A 'running' run that runs nowhere was cut short (the app crashed, the laptop slept), and a
  // run cancelled because Roster was closed was not stopped by the coordinator: the next sync
  // resumes their pages, so they hold nothing back.
  if (lastRun?.outcome === 'cancelled' && !lastRun.closedByApp) {
    const again = endOf(lastRun) + interval
    if (now < again) return notDue('cancelled', again)
  }
  if (lastRun?.outcome === 'failed') {
    const ended = endOf(lastRun)
    const wait = facts.failuresInARow > 1 ? RETRY_AFTER_FAILURE_MS[1] : RETRY_AFTER_FAILURE_MS[0]
    // HQ answering again since the failure is news worth one attempt before the wait is over.
    const backSince =
      network.state === 'online' && network.backOnlineAt !== null && network.backOnlineAt > ended
    if (now < ended + wait && !backSince) return notDue('failed', ended + wait)
  }
  if (facts.refusedAt !== null && now < facts.refusedAt + RETRY_AFTER_REFUSAL_MS) {
    return notDue('refused', facts.refusedAt + RETRY_AFTER_REFUSAL_MS)
  }
  if (network.state === 'waiting' && network.until !== null && now < network.until) {
    return notDue('hq-asked-to-wait', network.until)
  }
  if (
    network.state === 'offline' &&
    network.offlineAt !== null &&
    now < network.offlineAt + OFFLINE_BELIEVED_FOR_MS
  ) {
    return notDue('offline', network.offlineAt + OFFLINE_BELIEVED_FOR_MS)
  }
  return { due: true, reason: 'overdue' }
}

/** Failed runs in a row, newest first; a run still marked running is looked past. */
export function failuresInARow(runs: readonly Pick<SyncRun, 'outcome'>[]): number {
  let count = 0
  for (const run of runs) {
    if (run.outcome === 'running') continue
    if (run.outcome !== 'failed') break
    count++
  }
  return count
}

export interface AutoSyncCheck {
  projectId: string
  decision: SyncDecision
}

export interface AutoSyncOptions {
  /** AUTO_SYNC_CHECK_EVERY_MS unless a test wants it sooner. */
  checkEveryMs?: number
  /** AUTO_SYNC_FIRST_CHECK_AFTER_MS unless a test wants it sooner. */
  firstCheckAfterMs?: number
  /** Told every round's decisions (tests wait on it instead of on the clock). */
  onCheck?: (checks: AutoSyncCheck[]) => void
}

export interface AutoSync {
  stop(): void
}

/**
 * Keeps every project's roster current while the app is open: every round it asks dueForSync
 * about each saved project and starts, at most one at a time, the sync of the first that is due,
 * through `start` (the sync.start handler, so progress, follow-up, the network state and Cancel
 * work as for a click on Sync).
 */
export function startAutoSync(
  ctx: Pick<CoreContext, 'db' | 'secrets' | 'events' | 'running' | 'log'>,
  start: (projectId: string) => Promise<unknown>,
  opts: AutoSyncOptions = {}
): AutoSync {
  const network = new Map<string, NetworkFacts>()
  const refusedAt = new Map<string, number>()
  /** The project whose automatic sync this scheduler started last. */
  let started: string | null = null
  let checking = false
  let stopped = false

  const syncKey = (projectId: string) => `sync:${projectId}`

  const unsubscribe = ctx.events.subscribe((event, payload) => {
    if (event !== 'connectivity') return
    const report = payload as Connectivity
    const key = report.projectId ?? '*'
    const previous = network.get(key) ?? UNKNOWN_NETWORK
    const at = Date.now()
    network.set(key, {
      state: report.state,
      offlineAt: report.state === 'offline' ? at : previous.offlineAt,
      backOnlineAt: report.state === 'online' && previous.state === 'offline' ? at : previous.backOnlineAt,
      until: report.until
    })
    // HQ is back: an overdue sync need not wait for the next round.
    if (report.state === 'online' && previous.state === 'offline') soon(0)
  })

  const hasKey = async (projectId: string): Promise<boolean> => {
    try {
      // Not get(): decrypting every key every minute is work, and a key that does not decrypt
      // would be reported every round.
      return await ctx.secrets.has(projectId)
    } catch {
      // The system's key store did not answer: the coordinator is asked for the key on Sync.
      return false
    }
  }

  const factsOf = async (project: ProjectRecord): Promise<SyncFacts> => {
    const key = await hasKey(project.id)
    const now = Date.now()
    const runs = listRuns(ctx.db, project.id, 5)
    const last = lastRunRecord(ctx.db, project.id)
    const runsElsewhere =
      last?.outcome === 'running' && now - Date.parse(last.heartbeatAt) < LIVE_HEARTBEAT_MS
    return {
      project: { autoSyncHours: project.autoSyncHours, hasKey: key },
      lastRun: last ?? null,
      lastGoodRun: lastGoodRun(ctx.db, project.id) ?? null,
      failuresInARow: failuresInARow(runs),
      running: ctx.running.has(syncKey(project.id)) || isSyncRunning(project.id) || runsElsewhere,
      network: network.get(project.id) ?? network.get('*') ?? UNKNOWN_NETWORK,
      refusedAt: refusedAt.get(project.id) ?? null,
      now
    }
  }

  const begin = (project: ProjectRecord): void => {
    started = project.id
    ctx.log(`syncing ${project.label} by itself: its last good sync is older than ${project.autoSyncHours} h`)
    start(project.id).catch((error: unknown) => {
      refusedAt.set(project.id, Date.now())
      if (started === project.id) started = null
      if (!stopped) {
        ctx.log(
          `the automatic sync of ${project.label} did not start: ${error instanceof Error ? error.message : String(error)}`
        )
      }
    })
  }

  const check = async (): Promise<void> => {
    if (checking || stopped) return
    checking = true
    try {
      const checks: AutoSyncCheck[] = []
      let due: ProjectRecord | null = null
      for (const project of listProjects(ctx.db)) {
        const decision = dueForSync(await factsOf(project))
        if (stopped) return
        checks.push({ projectId: project.id, decision })
        if (decision.due) due ??= project
      }
      // One automatic sync at a time keeps the laptop and the connection usable.
      const busy = started !== null && ctx.running.has(syncKey(started))
      // The coordinator may have pressed Sync while this round looked at other projects.
      if (due && !busy && !ctx.running.has(syncKey(due.id))) begin(due)
      opts.onCheck?.(checks)
    } catch (error) {
      // The database is busy or closing: the next round looks again.
      if (!stopped) {
        ctx.log(
          `checking for projects due a sync failed: ${error instanceof Error ? error.message : String(error)}`
        )
      }
    } finally {
      checking = false
    }
  }

  const timers = new Set<ReturnType<typeof setTimeout>>()
  function soon(delayMs: number): void {
    if (stopped) return
    const timer = setTimeout(() => {
      timers.delete(timer)
      void check()
    }, delayMs)
    timer.unref()
    timers.add(timer)
  }

  soon(opts.firstCheckAfterMs ?? AUTO_SYNC_FIRST_CHECK_AFTER_MS)
  const rounds = setInterval(() => void check(), opts.checkEveryMs ?? AUTO_SYNC_CHECK_EVERY_MS)
  rounds.unref()

  return {
    stop() {
      stopped = true
      clearInterval(rounds)
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      unsubscribe()
    }
  }
}
