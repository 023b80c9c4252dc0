import { AimdController, type AimdOptions } from './aimd'
import { OverlapPass, type PageWindow } from './paging'
import { runAdaptive } from './pool'
import type { RetryHooks } from './retry'
import type { HqWorker, WorkerPage } from './schemas'
import { nextLinkQuery, pageQuery } from './url'

export interface WorkerPageEvent {
  /** The offset we asked for. */
  offset: number
  /** The page size HQ used (meta.limit). */
  limit: number
  /** total_count as HQ reported it with this page. */
  totalCount: number
  workers: HqWorker[]
}

export interface ListWorkersOptions {
  archived: boolean
  signal?: AbortSignal
  /**
   * Pages read before (by an interrupted sync, or earlier in this one), to be checked rather than
   * fetched again: page 0 is always fetched (it carries total_count and the page size), and a
   * known page is read again only when its overlap with a page read now disagrees (the list moved
   * since). Pages cut with another page size are not used.
   */
  known?: readonly PageWindow[]
  /**
   * Called once per page, one call at a time (never overlapping), in the order pages arrived
   * (not of offset), while later pages are being fetched. The same worker can arrive in several pages (pages overlap, and a page is read again
   * when the list moved): store by id, the later call being the newer read. A throw or rejection
   * stops the listing and is passed on.
   */
  onPage: (page: WorkerPageEvent) => void | Promise<void>
  /** Page size to ask for; HQ may cap it (meta.limit is what counts). Default 1000. */
  pageSize?: number
  /** Pages read again, at most, to pin down where the list moved. Default twice the pages. */
  maxRefetches?: number
  /** Pages fetched and waiting to be written, at most, before fetching waits. Default 4. */
  backlog?: number
}

export interface ListWorkersResult {
  /** total_count as the newest page reported it. */
  totalCount: number
  /** Page size HQ used. */
  limit: number
  /** Ids in the latest read of every page, in HQ's order, each once: the list as proven. */
  ids: string[]
  /** Distinct ids in `ids`. */
  distinctIds: number
  /** Pages read again because an overlap disagreed. */
  refetchedPages: number
  /**
   * Every page's overlap with the next agrees and the last page ends the list: no worker that
   * was in the list throughout the read was skipped. Without it, do not remove missing workers
   * on a guess.
   */
  complete: boolean
  /** The latest read of every page, to pass back as `known` for a later check. */
  windows: PageWindow[]
  /** Distinct worker ids delivered by any page of this read. */
  deliveredIds: number
}

export interface WorkerListDeps {
  fetchPage(query: URLSearchParams, signal: AbortSignal | undefined, hooks: RetryHooks): Promise<WorkerPage>
  aimd?: Partial<AimdOptions>
}

export async function listAllWorkers(
  deps: WorkerListDeps,
  opts: ListWorkersOptions
): Promise<ListWorkersResult> {
  const pageSize = opts.pageSize ?? 1000
  const aimd = new AimdController(deps.aimd)
  const hooks: RetryHooks = { onRateLimited: () => aimd.onRateLimited(), onFailure: () => aimd.onFailure() }
  const everyId = new Set<string>()

  // Pages are written one at a time, in the order they arrived, while later pages are fetched:
  // a fetch slot is never held by a write. At most `backlog` pages wait to be written (memory
  // stays bounded); a fetch that would exceed it waits for the writer first.
  const backlog = Math.max(1, opts.backlog ?? 4)
  const queued: Promise<void>[] = []
  let deliveries: Promise<void> = Promise.resolve()
  let deliveryError: { error: unknown } | null = null
  const deliver = async (event: WorkerPageEvent, signal: AbortSignal | undefined): Promise<void> => {
    const done = deliveries.then(async () => {
      try {
        if (deliveryError || signal?.aborted || opts.signal?.aborted) return
        await opts.onPage(event)
        for (const worker of event.workers) everyId.add(worker.id)
      } catch (error) {
        deliveryError ??= { error }
      } finally {
        // Writes end in the order they were queued: the first queued is this one.
        queued.shift()
      }
    })
    deliveries = done
    queued.push(done)
    // Over the backlog: wait until the writer is back down to it, not until it is idle.
    if (queued.length > backlog) await queued[queued.length - 1 - backlog]
    if (deliveryError) throw deliveryError.error
  }
  /** Waits for every page handed over so far to be written; passes on the writer's error. */
  const drain = async (): Promise<void> => {
    await deliveries
    if (deliveryError) throw deliveryError.error
  }

  const baseQuery = new URLSearchParams({ format: 'json', limit: String(pageSize), offset: '0' })
  if (opts.archived) baseQuery.set('archived', 'true')

  const first = await deps.fetchPage(baseQuery, opts.signal, hooks)
  aimd.onSuccess()
  const limit = first.meta.limit
  const template = followQuery(first.meta.next, baseQuery, opts.archived)

  const pass = new OverlapPass(limit, first.meta.total_count, {
    ...(opts.known ? { known: opts.known } : {}),
    ...(opts.maxRefetches !== undefined ? { maxRefetches: opts.maxRefetches } : {})
  })
  pass.claim(0)
  pass.record(
    0,
    first.objects.map((w) => w.id),
    first.meta.total_count
  )
  await deliver({ offset: 0, limit, totalCount: first.meta.total_count, workers: first.objects }, opts.signal)

  try {
    await runAdaptive(
      pass,
      aimd,
      async (offset, signal) => {
        if (deliveryError) throw deliveryError.error
        const page = await deps.fetchPage(pageQuery(template, limit, offset), signal, hooks)
        aimd.onSuccess()
        pass.record(
          offset,
          page.objects.map((w) => w.id),
          page.meta.total_count
        )
        // Written in arrival order: a page read again later is written after, and wins.
        await deliver(
          { offset, limit: page.meta.limit, totalCount: page.meta.total_count, workers: page.objects },
          signal
        )
      },
      opts.signal
    )
  } finally {
    // Nothing is written after the caller has seen the outcome.
    await deliveries
  }
  await drain()

  const result = pass.result()
  return {
    totalCount: result.totalCount,
    limit,
    ids: result.ids,
    distinctIds: result.ids.length,
    refetchedPages: result.refetched,
    complete: result.complete,
    windows: result.windows,
    deliveredIds: everyId.size
  }
}

/**
 * The query later pages are built from: HQ's next link (it keeps whatever filters the server
 * added), with our own filter forced so a strange link cannot switch active and archived.
 */
function followQuery(
  next: string | null | undefined,
  base: URLSearchParams,
  archived: boolean
): URLSearchParams {
  const fromNext = nextLinkQuery(next)
  const query = fromNext ? new URLSearchParams(fromNext) : new URLSearchParams(base)
  query.set('format', 'json')
  if (archived) query.set('archived', 'true')
  else query.delete('archived')
  return query
}
