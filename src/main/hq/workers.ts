import { AimdController, type AimdOptions } from './aimd'
import { PagePass, usableSkips } from './paging'
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
   * Offsets of pages a resumed sync already stored (under the same page size: pass back the
   * `limit` of the run that stored them). Page 0 is always fetched, because it carries
   * total_count; if any offset is not a multiple of the page size HQ now uses, nothing is
   * skipped. With skips the client can only check that fetched ids plus the rows of the
   * skipped pages add up to total_count; the caller must confirm completeness itself: a
   * sweep is safe only if the number of distinct ids it stored in this sync (pages from the
   * interrupted run plus pages from this one) equals the returned totalCount. If not, call
   * listWorkers again without skipOffsets.
   */
  skipOffsets?: ReadonlySet<number>
  /**
   * Called once per page, one call at a time (never overlapping), in no particular order of
   * offset. The same worker can arrive in two pages (offsets shift while we page, and a
   * re-fetch pass delivers every page again): store by id. A throw or rejection stops the
   * listing and is passed on.
   */
  onPage: (page: WorkerPageEvent) => void | Promise<void>
  /** Page size to ask for; HQ may cap it (meta.limit is what counts). Default 1000. */
  pageSize?: number
  /** Passes over the list before giving up on a complete one. Default 3. */
  maxPasses?: number
}

export interface ListWorkersResult {
  /** total_count as of the last pass. */
  totalCount: number
  /** Page size HQ used. */
  limit: number
  /** Distinct worker ids delivered in the last pass (skipped pages not counted). */
  distinctIds: number
  /** Pages fetched again in passes after the first. */
  refetchedPages: number
  /**
   * Whether the last pass was consistent: every page reported the same total_count and the
   * distinct ids (plus skipped rows) equal it. Without it, do not delete missing workers.
   */
  complete: boolean
  passes: number
  /** Distinct worker ids delivered across all passes. */
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
  const maxPasses = Math.max(1, opts.maxPasses ?? 3)
  const aimd = new AimdController(deps.aimd)
  const hooks: RetryHooks = { onRateLimited: () => aimd.onRateLimited(), onFailure: () => aimd.onFailure() }
  const everyId = new Set<string>()

  let deliveries: Promise<void> = Promise.resolve()
  const deliver = async (event: WorkerPageEvent, signal: AbortSignal | undefined): Promise<void> => {
    // Serialise onPage: the sync engine writes each page in one transaction.
    const run = deliveries.then(async () => {
      if (signal?.aborted) return
      await opts.onPage(event)
    })
    deliveries = run.catch(() => undefined)
    await run
    for (const worker of event.workers) everyId.add(worker.id)
  }

  const baseQuery = new URLSearchParams({ format: 'json', limit: String(pageSize), offset: '0' })
  if (opts.archived) baseQuery.set('archived', 'true')

  const first = await deps.fetchPage(baseQuery, opts.signal, hooks)
  aimd.onSuccess()
  let limit = first.meta.limit
  const template = followQuery(first.meta.next, baseQuery, opts.archived)

  let pass = new PagePass(limit, first.meta.total_count, usableSkips(opts.skipOffsets, limit))
  pass.claim(0)
  pass.record({ offset: 0, limit, totalCount: first.meta.total_count, ids: first.objects.map((w) => w.id) })
  await deliver({ offset: 0, limit, totalCount: first.meta.total_count, workers: first.objects }, opts.signal)

  let refetchedPages = 0
  let passes = 1
  const runPass = (current: PagePass, pageLimit: number, counting: boolean): Promise<void> =>
    runAdaptive(
      current,
      aimd,
      async (offset, signal) => {
        const page = await deps.fetchPage(pageQuery(template, pageLimit, offset), signal, hooks)
        aimd.onSuccess()
        if (counting) refetchedPages += 1
        current.record({
          offset,
          limit: page.meta.limit,
          totalCount: page.meta.total_count,
          ids: page.objects.map((w) => w.id)
        })
        await deliver(
          { offset, limit: page.meta.limit, totalCount: page.meta.total_count, workers: page.objects },
          signal
        )
      },
      opts.signal
    )

  await runPass(pass, limit, false)
  let result = pass.result()
  while (!result.complete && passes < maxPasses) {
    passes += 1
    limit = result.limit
    pass = new PagePass(limit, result.totalCount)
    await runPass(pass, limit, true)
    result = pass.result()
  }

  return {
    totalCount: result.totalCount,
    limit: result.limit,
    distinctIds: result.distinctIds,
    refetchedPages,
    complete: result.complete,
    passes,
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
