import type { SyncProgress, SyncRun } from '../../shared/domain'
import type { HqClient } from '../hq/client'
import { isHqError, type HqError } from '../hq/errors'
import { listApplications, replaceApplications } from '../db/applications'
import { listGroups, replaceGroups } from '../db/groups'
import { listLocations, replaceLocations } from '../db/locations'
import type { Db } from '../db/open'
import { nextGeneration, type ProjectRecord } from '../db/projects'
import {
  APP_CLOSED_ERROR,
  addRunCounts,
  closeAbandonedRuns,
  finishRun,
  getRun,
  heartbeat,
  inheritPages,
  lastRunRecord,
  pagesOf,
  prunePages,
  recordPage,
  runningRuns,
  restartRun,
  setListGeneration,
  setRunCounts,
  setRunPhase,
  startRun,
  type Generations,
  type SyncPass,
  type SyncRunRecord
} from '../db/syncRuns'
import { countSeen, countWorkers, sweepCandidates, sweepWorkers, writeWorkers } from '../db/workers'
import { AppClosing, IncompleteListError, SyncBusyError } from './errors'
import { ProgressReporter } from './progress'

/** What the sync needs from the HQ client. */
export type SyncClient = Pick<
  HqClient,
  'listWorkers' | 'listGroups' | 'listLocations' | 'listApplications' | 'getWorker'
>

export interface SyncOptions {
  db: Db
  project: ProjectRecord
  client: SyncClient
  signal?: AbortSignal
  onProgress?: (event: SyncProgress) => void
  /** Called once the run is recorded, before anything is fetched. */
  onStart?: (runId: number) => void
  /** Called with what made the sync fail (not on cancel): an HqError says whether HQ was reachable. */
  onFailure?: (error: unknown) => void
  now?: () => Date
}

/** A run whose heartbeat is older than this belonged to a process that died. */
const STALE_AFTER_MS = 60_000
const HEARTBEAT_MS = 5_000
/** Pages stored longer ago than this are too old to trust for a resume. */
const RESUME_WITHIN_MS = 24 * 60 * 60 * 1000

/** Projects with a sync in progress in this process. */
const running = new Set<string>()

export function isSyncRunning(projectId: string): boolean {
  return running.has(projectId)
}

/**
 * A full sync of one project: groups, locations, applications, then the active and the archived
 * worker lists. Each page is one transaction (upserts, seen markers, the page's journal row).
 * Workers not seen are removed only after both lists were read completely; a failed or
 * cancelled sync removes nothing, records why, and leaves pages a later sync can skip.
 *
 * Seen markers: every read of a list marks the workers it delivers with a generation of its
 * own. When HQ's list shifts under the client it reads the list again (another pass); that pass
 * gets a fresh generation, so a worker only an earlier pass saw (removed from HQ meanwhile) is
 * swept too, once the last pass's markers alone are proven to add up to HQ's total.
 * Resolves with the recorded run whatever the outcome; throws only SyncBusyError.
 */
export async function syncProject(options: SyncOptions): Promise<SyncRun> {
  const { db, project } = options
  const now = options.now ?? (() => new Date())
  if (running.has(project.id)) throw new SyncBusyError(project.label)
  running.add(project.id)
  try {
    const start = beginRun(db, project, now())
    options.onStart?.(start.runId)
    const timer = setInterval(() => {
      try {
        heartbeat(db, start.runId, now())
      } catch {
        // The database was closed under us (the app is quitting): the run ends with it.
      }
    }, HEARTBEAT_MS)
    timer.unref?.()
    try {
      return await runSync(options, start, now)
    } finally {
      clearInterval(timer)
    }
  } finally {
    running.delete(project.id)
  }
}

interface RunStart {
  runId: number
  generations: Generations
  /** The interrupted run whose pages this one may skip. */
  resumes: SyncRunRecord | null
}

/**
 * Records the new run in one immediate transaction, so two processes on the same database
 * cannot both start a sync of the project.
 */
function beginRun(db: Db, project: ProjectRecord, at: Date): RunStart {
  return db
    .transaction((): RunStart => {
      closeAbandonedRuns(db, project.id, new Date(at.getTime() - STALE_AFTER_MS), at)
      if (runningRuns(db, project.id).length > 0) throw new SyncBusyError(project.label)
      const previous = lastRunRecord(db, project.id)
      const resumes = previous && canResume(db, previous, at) ? previous : null
      // A resume keeps the interrupted run's markers: the pages it skips carry them.
      const generations = resumes ? resumes.generations : freshGenerations(db, project.id)
      const runId = startRun(db, {
        projectId: project.id,
        generations,
        resumedFrom: resumes?.id ?? null,
        // What the interrupted run already changed is part of what this one reports.
        ...(resumes ? { counts: { added: resumes.added, updated: resumes.updated } } : {}),
        now: at
      })
      if (resumes) inheritPages(db, resumes.id, runId)
      return { runId, generations, resumes }
    })
    .immediate()
}

function freshGenerations(db: Db, projectId: string): Generations {
  return { active: nextGeneration(db, projectId), archived: nextGeneration(db, projectId) }
}

/**
 * An interrupted run's pages can be skipped if it stored any (itself or inherited from the run
 * it resumed: a resume that failed early keeps them for the next one) not too long ago.
 */
function canResume(db: Db, run: SyncRunRecord, at: Date): boolean {
  return (
    (run.outcome === 'failed' || run.outcome === 'cancelled') &&
    run.resumable &&
    at.getTime() - Date.parse(run.startedAt) < RESUME_WITHIN_MS &&
    pagesOf(db, run.id, 'active').length + pagesOf(db, run.id, 'archived').length > 0
  )
}

async function runSync(options: SyncOptions, start: RunStart, now: () => Date): Promise<SyncRun> {
  const { db, project, client, signal } = options
  const { runId } = start
  const progress = new ProgressReporter(
    { projectId: project.id, runId },
    (event) => options.onProgress?.(event),
    () => now().getTime()
  )

  try {
    // A list the key may not read (403) or the server does not have (404) keeps the names of
    // the last sync: the worker lists are what a sync is for. The run ends ok with a warning.
    const warnings: string[] = []
    const nameList = async <T>(
      phase: 'groups' | 'locations' | 'applications',
      read: () => Promise<T[]>,
      replace: (items: T[]) => number,
      kept: () => number
    ): Promise<void> => {
      setRunPhase(db, runId, phase)
      progress.update(phase, 0, null)
      let count: number
      try {
        count = replace(await read())
      } catch (error) {
        if (!isMissingList(error)) throw error
        warnings.push(`${error.message} ${KEPT_NAMES[phase]}`)
        count = kept()
      }
      if (phase !== 'applications') setRunCounts(db, runId, { [phase]: count })
      progress.update(phase, count, count, true)
    }
    await nameList(
      'groups',
      () => client.listGroups(signal),
      (groups) => replaceGroups(db, project.id, groups),
      () => listGroups(db, project.id).length
    )
    await nameList(
      'locations',
      () => client.listLocations(signal),
      (locations) => replaceLocations(db, project.id, locations),
      () => listLocations(db, project.id).length
    )
    await nameList(
      'applications',
      () => client.listApplications(signal),
      (apps) => replaceApplications(db, project.id, apps),
      () => listApplications(db, project.id).length
    )

    let keep: number[]
    try {
      keep = await readBothLists(options, start, progress, now)
      await confirmRemovals(options, start, keep, now)
    } catch (error) {
      if (!(error instanceof ResumeMismatch)) throw error
      // HQ's lists changed since the interrupted run: its pages cannot be trusted, and workers
      // it marked may be gone. Read both lists again, whole, under new markers.
      const generations = freshGenerations(db, project.id)
      const fresh = { runId, generations, resumes: null }
      restartRun(db, runId, generations)
      keep = await readBothLists(options, fresh, progress, now)
      await confirmRemovals(options, fresh, keep, now)
    }

    throwIfAborted(signal)
    setRunPhase(db, runId, 'sweep')
    progress.update('sweep', 0, null)
    db.transaction(() => {
      const removed = sweepWorkers(db, project.id, keep)
      const counts = countWorkers(db, project.id)
      setRunCounts(db, runId, { removed, workers: counts.active, archived: counts.archived })
      finishRun(db, runId, {
        outcome: 'ok',
        error: warnings.length > 0 ? `Warning: ${warnings.join(' ')}` : null,
        now: now()
      })
      // Pages only serve a resume, and nothing is left to resume.
      prunePages(db, project.id, -1)
    })()
    try {
      // Lets the query planner see the new table sizes (cheap when little changed).
      db.pragma('optimize')
    } catch {
      // Only statistics: the sync itself is done.
    }
    const run = getRun(db, runId)!
    progress.update('done', run.workers + run.archived, run.workers + run.archived, true)
    return run
  } catch (error) {
    const cancelled = signal?.aborted === true || isCancelled(error)
    // Quitting is not the coordinator's Cancel: the run says so, and the next start resumes it.
    const closedByApp = cancelled && signal?.reason instanceof AppClosing
    const message = closedByApp
      ? APP_CLOSED_ERROR
      : cancelled
        ? 'Sync cancelled. Nothing was removed; the next sync continues where this one stopped.'
        : failureMessage(error)
    if (!cancelled) options.onFailure?.(error)
    try {
      const counts = countWorkers(db, project.id)
      setRunCounts(db, runId, { workers: counts.active, archived: counts.archived })
      finishRun(db, runId, {
        outcome: cancelled ? 'cancelled' : 'failed',
        error: message,
        now: now(),
        // A list that did not add up could mislead a resume the same way: start afresh.
        resumable: !(error instanceof IncompleteListError),
        closedByApp
      })
    } catch {
      // The project was removed while it synced: its runs went with it.
    }
    return (
      getRun(db, runId) ?? detachedRun(project.id, runId, cancelled ? 'cancelled' : 'failed', message, now())
    )
  }
}

/** The run as it ended when its record is gone with its project. */
function detachedRun(
  projectId: string,
  id: number,
  outcome: 'failed' | 'cancelled',
  error: string,
  at: Date
): SyncRun {
  return {
    id,
    projectId,
    startedAt: at.toISOString(),
    endedAt: at.toISOString(),
    outcome,
    workers: 0,
    archived: 0,
    groups: 0,
    locations: 0,
    added: 0,
    updated: 0,
    removed: 0,
    durationMs: null,
    error
  }
}

/** Reads the active, then the archived list; returns the generations whose workers stay. */
async function readBothLists(
  options: SyncOptions,
  start: RunStart,
  progress: ProgressReporter,
  now: () => Date
): Promise<number[]> {
  const keep: number[] = []
  for (const pass of ['active', 'archived'] as const) {
    throwIfAborted(options.signal)
    keep.push(...(await readWorkerList(options, start, pass, progress, now)))
  }
  return keep
}

/**
 * Reads one of HQ's worker lists into the store and proves the read complete; returns the
 * generations whose workers belong to the list. On a resumed run the pages the interrupted
 * run stored are skipped; the read is then complete only if the workers carrying this list's
 * marker number exactly what HQ reports now (else ResumeMismatch).
 */
async function readWorkerList(
  options: SyncOptions,
  start: RunStart,
  pass: SyncPass,
  progress: ProgressReporter,
  now: () => Date
): Promise<number[]> {
  const { db, project, client, signal } = options
  const { runId } = start
  const archived = pass === 'archived'
  setRunPhase(db, runId, pass)

  const prior = start.resumes ? pagesOf(db, runId, pass) : []
  // Pages read while HQ's total moved did not line up even then.
  const priorTotals = new Set(prior.map((p) => p.totalCount))
  if (priorTotals.size > 1) throw new ResumeMismatch()
  const skip = new Set(prior.map((p) => p.offset))
  // Page 0 is always fetched again (it carries the total), so it does not count as skipped.
  const skippedRows = prior.filter((p) => p.offset !== 0).reduce((sum, p) => sum + p.rows, 0)
  const seen = new Set<string>()
  progress.update(pass, skippedRows, null)

  // The client delivers each offset once per pass, and a pass only after the one before ended:
  // an offset delivered again means the client started another pass over the list.
  const generations = [start.generations[pass]]
  let delivered = new Set<number>()

  const result = await client.listWorkers({
    archived,
    signal,
    ...(skip.size > 0 ? { skipOffsets: skip } : {}),
    onPage: (page) => {
      if (signal?.aborted) return
      if (delivered.has(page.offset)) {
        generations.push(nextGeneration(db, project.id))
        setListGeneration(db, runId, pass, generations[generations.length - 1]!)
        delivered = new Set()
      }
      delivered.add(page.offset)
      const generation = generations[generations.length - 1]!
      db.transaction(() => {
        const written = writeWorkers(
          db,
          { projectId: project.id, generation, archived, country: project.defaultCountry, now: now() },
          page.workers
        )
        recordPage(db, runId, pass, {
          offset: page.offset,
          limit: page.limit,
          totalCount: page.totalCount,
          rows: page.workers.length
        })
        addRunCounts(db, runId, written)
      })()
      for (const worker of page.workers) seen.add(worker.id)
      progress.update(pass, seen.size + skippedRows, page.totalCount)
    }
  })
  if (!result.complete) throw new IncompleteListError(pass, result.distinctIds, result.totalCount)
  const last = generations[generations.length - 1]!
  const lastAddsUp = (): boolean => countSeen(db, project.id, last, archived) === result.totalCount
  if (skip.size > 0 && (result.passes > 1 || result.distinctIds < result.totalCount)) {
    // The skipped pages make up the difference only if HQ's list still has the size it had
    // then and the workers marked for this list number exactly what HQ reports now. (A
    // worker deleted in HQ since then shifts the pages after it and hides one worker from
    // this read while still being counted: confirmRemovals catches that.) A second pass
    // means the list moved under us.
    if (result.passes > 1 || !priorTotals.has(result.totalCount) || !lastAddsUp()) throw new ResumeMismatch()
  }
  progress.update(pass, result.totalCount, result.totalCount, true)
  // After several passes only the last one counts, if its markers alone prove it complete;
  // otherwise keep whatever any pass saw (never remove on a guess).
  return generations.length === 1 || lastAddsUp() ? [last] : generations
}

/** At most this many removals are confirmed one by one; more is a bulk deletion in HQ. */
const MAX_CONFIRMED_REMOVALS = 50

/**
 * Asks HQ about each worker the sweep would remove, when there are few, before anyone is.
 *
 * After a resumed read the counts can balance by accident: a worker deleted in HQ since the
 * interrupted run still carries its marker, and the worker its deletion shifted past the
 * skipped pages is missing. If one of them still exists the skipped pages were stale, and the
 * lists are read again whole (ResumeMismatch; with more candidates than are checked, too).
 *
 * After a whole read, a worker un-archived in HQ after the active list was read and before the
 * archived one was is in neither list. It still exists, and was active when the later list was
 * read: it is written as active and kept.
 */
async function confirmRemovals(
  options: SyncOptions,
  start: RunStart,
  keep: readonly number[],
  now: () => Date
): Promise<void> {
  const { db, project, client, signal } = options
  const candidates = sweepCandidates(db, project.id, keep, MAX_CONFIRMED_REMOVALS + 1)
  if (candidates.length > MAX_CONFIRMED_REMOVALS) {
    if (start.resumes) throw new ResumeMismatch()
    return
  }
  for (const id of candidates) {
    throwIfAborted(signal)
    const worker = await client.getWorker(id, signal)
    if (worker === null) continue
    if (start.resumes) throw new ResumeMismatch()
    // The active list's marker (readBothLists puts it first), which the sweep keeps.
    const generation = keep[0]!
    db.transaction(() => {
      const written = writeWorkers(
        db,
        { projectId: project.id, generation, archived: false, country: project.defaultCountry, now: now() },
        [worker]
      )
      addRunCounts(db, start.runId, written)
    })()
  }
}

const KEPT_NAMES = {
  groups: 'Roster kept the group names from the last sync.',
  locations: 'Roster kept the location names from the last sync.',
  applications: 'Roster kept the application list from the last sync.'
} as const

/**
 * HQ refused one of the name lists (403: the role lacks its permission) or has no such list
 * (404). Signing in (401), the network and HQ's own errors still fail the sync.
 */
function isMissingList(error: unknown): error is HqError {
  return isHqError(error) && (error.status === 403 || error.status === 404)
}

/** The pages an interrupted run stored no longer line up with HQ's list. */
class ResumeMismatch extends Error {}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DOMException('Sync cancelled', 'AbortError')
}

function isCancelled(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false
  const e = error as { kind?: unknown; name?: unknown }
  return e.kind === 'cancelled' || e.name === 'AbortError'
}

/** The one line the history and the CLI show. HQ client errors are already written for people. */
function failureMessage(error: unknown): string {
  if (error instanceof IncompleteListError) return error.message
  if (error && typeof error === 'object' && 'kind' in error && error instanceof Error) return error.message
  const detail = error instanceof Error ? error.message : String(error)
  return `Roster could not save the workers on this computer: ${detail}. Nothing was removed.`
}
