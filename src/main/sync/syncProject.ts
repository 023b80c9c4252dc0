import type { SyncProgress, SyncRun } from '../../shared/domain'
import type { HqClient } from '../hq/client'
import type { PageWindow } from '../hq/paging'
import type { HqWorker } from '../hq/schemas'
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
  isLiveRun,
  lastRunRecord,
  pagesOf,
  processAlive,
  prunePages,
  recordPage,
  runningRuns,
  setRunCounts,
  setRunPhase,
  startRun,
  type Generations,
  type SyncPass,
  type SyncRunRecord
} from '../db/syncRuns'
import { archivedStates, countWorkers, removeWorkers, storedIds, writeWorkers } from '../db/workers'
import { AppClosing, IncompleteListError, RunTakenOver, SyncBusyError } from './errors'
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
 * A full sync of one project: groups, locations and applications alongside the active and the
 * archived worker lists. Each page is written in one transaction (upserts and the page's journal
 * row with its ids) while later pages are fetched.
 *
 * Exactness: pages overlap, and a boundary where two pages disagree (HQ's list moved between
 * their reads) is read again until it agrees (hq/paging.ts); then the head of each list is read
 * once more, so a worker created or deleted during the sync shows. The workers that stay are the
 * ids of the latest read of every page; a stored worker in neither list is asked for by id
 * (HQ's 404 removes it; one HQ still has keeps the list a list gives it). Under continuous change
 * the re-reads are bounded and the run ends ok with a warning, removing only what is proven gone.
 * A failed or cancelled sync removes nothing, records why, and leaves pages a later sync checks
 * rather than fetches. Sweeping and finishing happen only while the run is still the live one.
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
      closeAbandonedRuns(db, project.id, {
        staleBefore: new Date(at.getTime() - STALE_AFTER_MS),
        now: at,
        // This process runs no other sync of the project (running says so): a run recorded
        // under its pid is a dead predecessor's that had the same pid.
        isRunning: (pid) => pid !== process.pid && processAlive(pid)
      })
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
        // Cancelled: the worker lists stop on the same signal and say so.
        if (signal?.aborted || isCancelled(error)) return
        const why = isMissingList(error) || isHqError(error) ? error.message : failureMessage(error)
        warnings.push(`${why} ${KEPT_NAMES[phase]}`)
        count = kept()
      }
      if (phase !== 'applications') setRunCounts(db, runId, { [phase]: count })
      progress.update(phase, count, count, true)
    }
    // The names are read alongside the first worker pages, and a failure of one of them never
    // stops the workers (the last sync's names are kept, with a warning). Workers are written
    // once the names are in: their sort keys and location paths use them.
    const names = (async () => {
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
    })()
    // nameList only throws when the database itself fails: that fails the sync, after the workers stop.
    const namesDone = names.then(
      () => undefined,
      () => undefined
    )
    let lists: BothLists
    try {
      lists = await readBothLists({ ...options, namesReady: names }, start, progress, now)
    } finally {
      await namesDone
    }
    await names

    const removal = await confirmRemovals(
      options,
      start,
      lists,
      (pass, known) => readWorkerList(options, start, pass, progress, now, known),
      now
    )
    if (!lists.active.complete || !lists.archived.complete)
      warnings.push(unprovenWarning(lists, removal.kept))

    throwIfAborted(signal)
    setRunPhase(db, runId, 'sweep')
    progress.update('sweep', 0, null)
    db.transaction(() => {
      // A run given up for abandoned (a laptop that slept) must not sweep over a newer run.
      if (!isLiveRun(db, runId)) throw new RunTakenOver()
      const removed = removeWorkers(db, project.id, removal.gone)
      const counts = countWorkers(db, project.id)
      setRunCounts(db, runId, { removed, workers: counts.active, archived: counts.archived })
      finishRun(db, runId, {
        outcome: 'ok',
        error: warnings.length > 0 ? `Warning: ${warnings.join(' ')}` : null,
        now: now()
      })
      // Pages only serve a resume, and nothing is left to resume.
      prunePages(db, project.id, -1)
    }).immediate()
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
    if (error instanceof RunTakenOver) {
      // Another process closed this run and may be running its own: leave its record alone.
      return getRun(db, runId) ?? detachedRun(project.id, runId, 'failed', error.message, now())
    }
    try {
      const counts = countWorkers(db, project.id)
      setRunCounts(db, runId, { workers: counts.active, archived: counts.archived })
      finishRun(db, runId, {
        outcome: cancelled ? 'cancelled' : 'failed',
        error: message,
        now: now(),
        resumable: true,
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

/** The sync's options, and what page writes wait for (the name lists). */
type ListOptions = SyncOptions & { namesReady?: Promise<void> }

interface ListRead {
  /** The list as proven: the ids of the latest read of every page. */
  ids: string[]
  /** Every page boundary agreed: no worker that stayed in the list was skipped. */
  complete: boolean
  windows: PageWindow[]
  refetched: number
}

interface BothLists {
  active: ListRead
  archived: ListRead
}

/**
 * Reads the active, then the archived list, then the head of each again (archived first), so
 * the last page read is the top of the active list: a worker created while the lists were read
 * shows there, and one deleted after its page was read drops out. The head read is checked
 * against the pages read before like any other, and what it moves is read again.
 */
async function readBothLists(
  options: ListOptions,
  start: RunStart,
  progress: ProgressReporter,
  now: () => Date
): Promise<BothLists> {
  const { db } = options
  const resumed = (pass: SyncPass): PageWindow[] =>
    start.resumes
      ? pagesOf(db, start.runId, pass).flatMap((p) =>
          p.ids ? [{ offset: p.offset, ids: p.ids, seq: p.seq ?? 0 }] : []
        )
      : []
  const read = (pass: SyncPass, known: PageWindow[], maxRefetches?: number): Promise<ListRead> => {
    throwIfAborted(options.signal)
    return readWorkerList(options, start, pass, progress, now, known, maxRefetches)
  }
  let active = await read('active', resumed('active'))
  let archived = await read('archived', resumed('archived'))
  archived = await read('archived', archived.windows)
  active = await read('active', active.windows)
  // What the head read moved was read again: end on the head once more, checked, not chased.
  if (active.refetched > 0) active = await read('active', active.windows, 0)
  return { active, archived }
}

/**
 * One read of one of HQ's worker lists into the store: every page is written as it comes (one
 * transaction, only while this run is the live one) and journaled with its ids for a resume.
 * `known` pages (an interrupted run's, or this run's earlier read) are checked, not fetched.
 */
async function readWorkerList(
  options: ListOptions,
  start: RunStart,
  pass: SyncPass,
  progress: ProgressReporter,
  now: () => Date,
  known: PageWindow[],
  maxRefetches?: number
): Promise<ListRead> {
  const { db, project, client, signal } = options
  const { runId } = start
  const archived = pass === 'archived'
  const seen = new Set<string>()
  for (const window of known) for (const id of window.ids) seen.add(id)
  let started = false
  const begin = async (): Promise<void> => {
    if (started) return
    await options.namesReady
    if (started) return
    started = true
    setRunPhase(db, runId, pass)
    progress.update(pass, seen.size, null)
  }
  let seq = Math.max(0, ...known.map((w) => w.seq))

  const result = await client.listWorkers({
    archived,
    signal,
    known,
    ...(maxRefetches !== undefined ? { maxRefetches } : {}),
    onPage: async (page) => {
      await begin()
      if (signal?.aborted) return
      db.transaction(() => {
        if (!isLiveRun(db, runId)) throw new RunTakenOver()
        const written = writeWorkers(
          db,
          {
            projectId: project.id,
            generation: start.generations[pass],
            archived,
            country: project.defaultCountry,
            now: now()
          },
          page.workers
        )
        recordPage(db, runId, pass, {
          offset: page.offset,
          limit: page.limit,
          totalCount: page.totalCount,
          rows: page.workers.length,
          ids: page.workers.map((w) => w.id),
          seq: ++seq
        })
        addRunCounts(db, runId, written)
      })()
      for (const worker of page.workers) seen.add(worker.id)
      progress.update(pass, Math.min(seen.size, page.totalCount), page.totalCount)
    }
  })
  await begin()
  progress.update(pass, result.ids.length, result.ids.length, true)
  return {
    ids: result.ids,
    complete: result.complete,
    windows: result.windows,
    refetched: result.refetchedPages
  }
}

/** At most this many missing workers are asked about one by one; more is a bulk deletion in HQ. */
const MAX_CONFIRMED_REMOVALS = 50

interface Removal {
  /** Ids HQ no longer has, or (complete lists, many missing) that both lists proved gone. */
  gone: string[]
  /** Missing workers kept because their removal could not be proven. */
  kept: number
}

/**
 * Decides which stored workers neither list showed are gone. When there are few, each is asked
 * for by id: HQ's 404 proves it gone; one HQ still has keeps the list it was last seen in (a list
 * is the only thing that says archived or not: never guessed), with HQ's fields of now. When
 * there are many (a bulk deletion in HQ), they are removed only if both lists proved complete.
 */
async function confirmRemovals(
  options: SyncOptions,
  start: RunStart,
  lists: BothLists,
  reread: (pass: SyncPass, known: PageWindow[]) => Promise<ListRead>,
  now: () => Date
): Promise<Removal> {
  const { db, project, client, signal } = options
  const listed = new Set([...lists.active.ids, ...lists.archived.ids])
  const missing = storedIds(db, project.id).filter((id) => !listed.has(id))
  if (missing.length > MAX_CONFIRMED_REMOVALS) {
    const complete = lists.active.complete && lists.archived.complete
    return complete ? { gone: missing, kept: 0 } : { gone: [], kept: missing.length }
  }
  const gone: string[] = []
  const found: HqWorker[] = []
  for (const id of missing) {
    throwIfAborted(signal)
    const worker = await client.getWorker(id, signal)
    if (worker === null) gone.push(id)
    else found.push(worker)
  }
  if (found.length === 0) return { gone, kept: 0 }
  // Still in HQ but in neither list: it moved from one list to the other after that list was
  // read. Only a list can say which: read the one it would have moved to again (checked
  // against this run's pages, so only what moved is fetched).
  const states = archivedStates(
    db,
    project.id,
    found.map((w) => w.id)
  )
  const moved = new Set(found.map((w): SyncPass => (states.get(w.id) ? 'active' : 'archived')))
  for (const pass of moved) lists[pass] = await reread(pass, lists[pass].windows)
  const listedNow = new Set([...lists.active.ids, ...lists.archived.ids])
  for (const worker of found) {
    if (listedNow.has(worker.id)) continue
    // Neither list shows it even now: it keeps the list it was last seen in, with HQ's fields.
    const archived = states.get(worker.id) ?? false
    db.transaction(() => {
      if (!isLiveRun(db, start.runId)) throw new RunTakenOver()
      const written = writeWorkers(
        db,
        {
          projectId: project.id,
          generation: start.generations[archived ? 'archived' : 'active'],
          archived,
          country: project.defaultCountry,
          now: now()
        },
        [worker]
      )
      addRunCounts(db, start.runId, written)
    })()
  }
  return { gone, kept: 0 }
}

function unprovenWarning(lists: BothLists, kept: number): string {
  const moving = [
    ...(lists.active.complete ? [] : ['active']),
    ...(lists.archived.complete ? [] : ['archived'])
  ].join(' and ')
  const keptText =
    kept > 0 ? ` ${kept} workers Roster did not see were kept, as HQ could not be asked about each.` : ''
  return (
    `HQ's list of ${moving} workers kept changing while Roster read it: workers created during the sync ` +
    `may only show after the next one.${keptText}`
  )
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
