/**
 * The paging plan for one pass over a limit/offset list. Pure bookkeeping: which offsets to
 * fetch, which ids each pass saw, and whether the pass can be trusted as complete.
 *
 * HQ's offsets are not a snapshot: a worker created or archived while we page shifts every row
 * after it, so a boundary row can repeat or be skipped. A pass is therefore trusted only when
 * every page reported the same total_count and page size, and the distinct ids it saw (plus the
 * rows of pages the caller asked us to skip) add up to exactly that total.
 */

export function pageOffsets(total: number, limit: number): number[] {
  const offsets: number[] = []
  if (limit <= 0) return offsets
  for (let offset = 0; offset < Math.max(total, 1); offset += limit) offsets.push(offset)
  return offsets
}

/** How many rows the page at `offset` holds when the list has `total` rows. */
export function rowsAt(offset: number, limit: number, total: number): number {
  return Math.max(0, Math.min(limit, total - offset))
}

/**
 * The skips a resumed sync may use. Page 0 is always fetched (it carries total_count), and a
 * skip only lines up if it was stored under the same page size: if any offset is not a
 * multiple of `limit`, the stored pages came from a different page size and none are skipped.
 */
export function usableSkips(skip: ReadonlySet<number> | undefined, limit: number): Set<number> {
  const result = new Set<number>()
  if (!skip || skip.size === 0 || limit <= 0) return result
  for (const offset of skip) {
    if (!Number.isInteger(offset) || offset < 0 || offset % limit !== 0) return new Set()
    if (offset !== 0) result.add(offset)
  }
  return result
}

export interface PageRecord {
  offset: number
  limit: number
  totalCount: number
  ids: readonly string[]
}

export interface PassResult {
  complete: boolean
  /** The total_count most recently reported (the one the next pass should plan with). */
  totalCount: number
  /** The page size most recently reported. */
  limit: number
  distinctIds: number
  skippedRows: number
}

export class PagePass {
  private readonly planned = new Set<number>()
  private readonly queue: number[] = []
  private readonly ids = new Set<string>()
  private readonly skip: Set<number>
  private readonly totals = new Set<number>()
  private latestTotal: number
  private latestLimit: number
  private plannedUpTo = 0
  private readonly skipped: number[] = []
  private limitChanged = false

  constructor(
    private readonly limit: number,
    initialTotal: number,
    skip: ReadonlySet<number> = new Set()
  ) {
    this.skip = new Set(skip)
    this.latestTotal = initialTotal
    this.latestLimit = limit
    this.extendTo(initialTotal)
  }

  /** The next offset to fetch, or undefined when nothing is left to start right now. */
  next(): number | undefined {
    return this.queue.shift()
  }

  /** Marks an offset as already being fetched (page 0 of the first pass). */
  claim(offset: number): void {
    const index = this.queue.indexOf(offset)
    if (index >= 0) this.queue.splice(index, 1)
  }

  get pending(): number {
    return this.queue.length
  }

  record(page: PageRecord): void {
    for (const id of page.ids) this.ids.add(id)
    this.totals.add(page.totalCount)
    this.latestTotal = page.totalCount
    if (page.limit !== this.limit) {
      this.limitChanged = true
      this.latestLimit = page.limit
    }
    // The list grew while we paged: plan the pages that now exist past the old end.
    this.extendTo(page.totalCount)
  }

  result(): PassResult {
    const stable = this.totals.size <= 1 && !this.limitChanged
    const skippedRows = this.skipped.reduce(
      (sum, offset) => sum + rowsAt(offset, this.limit, this.latestTotal),
      0
    )
    return {
      complete: stable && this.ids.size + skippedRows === this.latestTotal,
      totalCount: this.latestTotal,
      limit: this.latestLimit,
      distinctIds: this.ids.size,
      skippedRows
    }
  }

  private extendTo(total: number): void {
    while (this.plannedUpTo < Math.max(total, 1)) {
      const offset = this.plannedUpTo
      this.plannedUpTo += this.limit
      if (this.planned.has(offset)) continue
      this.planned.add(offset)
      if (this.skip.has(offset)) {
        this.skipped.push(offset)
      } else {
        this.queue.push(offset)
      }
    }
  }
}
