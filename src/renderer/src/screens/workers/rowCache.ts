import type { WorkerPage, WorkerRow } from '../../../../shared/domain'
import { toApiError } from '../../api/hooks'
import type { ApiError } from '../../../../shared/api'

export const PAGE_SIZE = 200
/** 60 pages × 200 rows: a few screens around wherever the coordinator scrolled, bounded in memory. */
const MAX_PAGES = 60

export type FetchPage = (offset: number, limit: number) => Promise<WorkerPage>

/**
 * The rows of one query (one filter + sort), fetched from the core in pages as the table asks
 * for them. Pages are kept in least-recently-used order and dropped beyond MAX_PAGES, so
 * scrolling through 100,000 workers never holds them all. A store for useSyncExternalStore:
 * `version` changes whenever something visible changed.
 */
export class RowWindowCache {
  total: number | null = null
  error: ApiError | null = null
  version = 0

  private readonly pages = new Map<number, WorkerRow[]>()
  private readonly inflight = new Set<number>()
  private readonly stale = new Set<number>()
  /** Pages whose last fetch failed: not retried until retry(), so an error cannot loop. */
  private readonly failed = new Set<number>()
  private readonly listeners = new Set<() => void>()
  private disposed = false
  private generation = 0

  constructor(
    private readonly fetchPage: FetchPage,
    readonly pageSize = PAGE_SIZE,
    private readonly maxPages = MAX_PAGES
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getVersion = (): number => this.version

  /** True once the first answer (rows or an error) arrived. */
  get settled(): boolean {
    return this.total !== null || this.error !== null
  }

  rowAt(index: number): WorkerRow | undefined {
    const page = this.pages.get(Math.floor(index / this.pageSize))
    return page?.[index % this.pageSize]
  }

  /** Makes sure the rows from `start` to `end` (inclusive) are loaded or on their way. */
  ensure(start: number, end: number): void {
    if (this.disposed) return
    const first = Math.max(0, start)
    // Before the first answer (or with no rows at all) only page 0 can be asked for.
    const last = this.total === null || this.total === 0 ? first : Math.min(end, this.total - 1)
    if (last < first) return
    for (let page = Math.floor(first / this.pageSize); page <= Math.floor(last / this.pageSize); page++) {
      const rows = this.pages.get(page)
      if (rows) {
        // Refresh its place in the LRU order.
        this.pages.delete(page)
        this.pages.set(page, rows)
      }
      if ((!rows || this.stale.has(page)) && !this.inflight.has(page) && !this.failed.has(page))
        this.load(page)
    }
  }

  /**
   * The data underneath changed (a sync finished): keep showing what we have, but fetch every
   * page again as it is next needed.
   */
  invalidate(): void {
    this.generation++
    this.inflight.clear()
    this.failed.clear()
    for (const page of this.pages.keys()) this.stale.add(page)
    if (!this.pages.size) this.total = null
    this.error = null
    this.bump()
  }

  /** After an error: lets the pages that failed be fetched again. */
  retry(): void {
    this.failed.clear()
    this.error = null
    this.bump()
  }

  dispose(): void {
    this.disposed = true
    this.listeners.clear()
  }

  private load(page: number): void {
    const generation = this.generation
    this.inflight.add(page)
    this.fetchPage(page * this.pageSize, this.pageSize).then(
      (result) => {
        if (this.disposed || generation !== this.generation) return
        this.inflight.delete(page)
        this.stale.delete(page)
        this.error = null
        if (this.total !== null && result.total !== this.total) {
          // The roster changed under us: pages fetched before no longer line up.
          for (const other of this.pages.keys()) if (other !== page) this.stale.add(other)
        }
        this.total = result.total
        this.pages.set(page, result.rows)
        this.trim()
        this.bump()
      },
      (error: unknown) => {
        if (this.disposed || generation !== this.generation) return
        this.inflight.delete(page)
        this.failed.add(page)
        this.error = toApiError(error)
        this.bump()
      }
    )
  }

  private trim(): void {
    while (this.pages.size > this.maxPages) {
      const oldest = this.pages.keys().next().value
      if (oldest === undefined) break
      this.pages.delete(oldest)
      this.stale.delete(oldest)
    }
  }

  private bump(): void {
    this.version++
    for (const listener of [...this.listeners]) listener()
  }
}
