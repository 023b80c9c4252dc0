/**
 * The paging plan for one read of a limit/offset list whose rows can move while it is read.
 * Pure bookkeeping: which offsets to fetch, and whether what was fetched adds up to the list.
 *
 * HQ's offsets are not a snapshot: a worker created, deleted or archived while we page moves
 * every row after it. Pages are therefore asked to overlap: the page at `offset` starts
 * `overlap` rows before the previous page ends. Two neighbouring pages agree when the rows
 * they share are the same ids in the same places (and both end in the same place). When they
 * disagree, the list moved between their reads, before the second page's start; the older of
 * the two is read again, and so on outward, until every boundary agrees again: only the range
 * the change affected is read twice. Counting distinct ids cannot see a create and a delete
 * that cancel out; the overlaps can, wherever they happened relative to the pages read since.
 */

/** One page as read: the ids in list order, and when it was read (a larger seq is newer). */
export interface PageWindow {
  offset: number
  ids: readonly string[]
  /** Order of reading; windows given back from an earlier run are older than any fetched now. */
  seq: number
}

export interface OverlapResult {
  /** Every boundary agrees and the last page ends the list. */
  complete: boolean
  /** Ids of the latest read of every page, in list order, each once. */
  ids: string[]
  /** The latest read of every page, to check a later read against (the head at the end, a resume). */
  windows: PageWindow[]
  /** total_count as the newest page reported it. */
  totalCount: number
  /** Pages read again because a boundary disagreed. */
  refetched: number
  /** Boundaries (or the list's end) that still disagree: where a change could not be pinned down. */
  broken: number[]
}

/** Rows each page shares with the one before: a few, so the cost stays around 1%. */
export function overlapFor(limit: number): number {
  if (limit < 4) return 0
  return Math.max(1, Math.min(10, Math.floor(limit / 4)))
}

export class OverlapPass {
  readonly stride: number
  private readonly windows = new Map<number, PageWindow>()
  private readonly queue: number[] = []
  private readonly wanted = new Set<number>()
  /** Offsets being fetched, with the order their requests went out in. */
  private readonly inFlight = new Map<number, number>()
  private total: number
  private totalSeq = -Infinity
  private seq = 0
  private refetched = 0
  private budget: number

  constructor(
    readonly limit: number,
    initialTotal: number,
    options: { known?: readonly PageWindow[]; maxRefetches?: number } = {}
  ) {
    const overlap = overlapFor(limit)
    this.stride = Math.max(1, limit - overlap)
    this.total = initialTotal
    for (const window of options.known ?? []) {
      // Windows cut with another stride do not line up with this plan: read those again.
      if (window.offset % this.stride === 0) this.windows.set(window.offset, window)
    }
    this.seq = Math.max(0, ...[...this.windows.values()].map((w) => w.seq))
    this.budget = options.maxRefetches ?? Math.max(8, 2 * this.planned().length)
    for (const offset of this.planned()) if (!this.windows.has(offset)) this.want(offset)
    // Windows kept from before may already disagree among themselves.
    for (const window of this.windows.values()) {
      const right = this.windows.get(window.offset + this.stride)
      if (right && !this.agree(window, right)) this.reread(window.seq < right.seq ? window : right)
    }
  }

  get overlap(): number {
    return this.limit - this.stride
  }

  /** The next offset to fetch, or undefined when nothing is left to start right now. */
  next(): number | undefined {
    const offset = this.queue.shift()
    if (offset === undefined) return undefined
    this.wanted.delete(offset)
    this.inFlight.set(offset, ++this.seq)
    return offset
  }

  /** Marks an offset as being fetched outside next() (page 0, fetched to learn the page size). */
  claim(offset: number): void {
    const index = this.queue.indexOf(offset)
    if (index >= 0) this.queue.splice(index, 1)
    this.wanted.delete(offset)
    this.inFlight.set(offset, ++this.seq)
  }

  /** A page as HQ answered it; plans re-reads where it disagrees with its neighbours. */
  record(offset: number, ids: readonly string[], totalCount: number): void {
    // A page is as new as its request: a reply that overtook an older request is still newer.
    const seq = this.inFlight.get(offset) ?? ++this.seq
    this.inFlight.delete(offset)
    this.windows.set(offset, { offset, ids, seq })
    if (seq > this.totalSeq) {
      this.totalSeq = seq
      this.total = totalCount
    }
    for (const planned of this.planned()) {
      // The list grew while we paged: read the pages that now exist past the old end.
      if (!this.windows.has(planned) && !this.inFlight.has(planned)) this.want(planned)
    }
    for (const [a, b] of [
      [offset - this.stride, offset],
      [offset, offset + this.stride]
    ] as const) {
      const left = this.windows.get(a)
      const right = this.windows.get(b)
      if (!left || !right || this.agree(left, right)) continue
      this.reread(left.seq < right.seq ? left : right)
    }
    // The list's size moved: the last page must still end it.
    const last = this.lastWindow()
    if (last && !this.ends(last)) this.reread(last)
  }

  result(): OverlapResult {
    const planned = this.planned()
    const broken: number[] = []
    const ids: string[] = []
    const seen = new Set<string>()
    for (let i = 0; i < planned.length; i++) {
      const window = this.windows.get(planned[i]!)
      if (!window) {
        broken.push(planned[i]!)
        continue
      }
      const next = this.windows.get(planned[i]! + this.stride)
      if (i + 1 < planned.length && next && !this.agree(window, next)) broken.push(next.offset)
      if (i + 1 === planned.length && !this.ends(window)) broken.push(window.offset)
      for (const id of window.ids) {
        if (seen.has(id)) continue
        seen.add(id)
        ids.push(id)
      }
    }
    const windows = planned.flatMap((offset) => this.windows.get(offset) ?? [])
    return {
      complete: broken.length === 0,
      ids,
      windows,
      totalCount: this.total,
      refetched: this.refetched,
      broken
    }
  }

  /** Offsets of the pages a list of the current total needs. */
  private planned(): number[] {
    const offsets: number[] = [0]
    for (let offset = this.stride; offset + this.overlap < this.total; offset += this.stride)
      offsets.push(offset)
    return offsets
  }

  private lastWindow(): PageWindow | undefined {
    const planned = this.planned()
    return this.windows.get(planned[planned.length - 1]!)
  }

  /** The rows two neighbouring pages share are the same ids, and they end in the same place. */
  private agree(left: PageWindow, right: PageWindow): boolean {
    for (let j = 0; j < this.overlap; j++) {
      const a = left.ids[this.stride + j]
      const b = right.ids[j]
      if (a !== b) return false
    }
    // A full left page must hand over to a right page that goes on past the shared rows.
    return left.ids.length === this.limit || right.ids.length === 0
  }

  /** The last planned page holds the rest of the list as its own read counted it. */
  private ends(window: PageWindow): boolean {
    return window.offset + window.ids.length === this.total || (this.total === 0 && window.ids.length === 0)
  }

  private reread(window: PageWindow): void {
    if (this.wanted.has(window.offset) || this.inFlight.has(window.offset)) return
    if (this.budget <= 0) return
    this.budget -= 1
    this.refetched += 1
    this.want(window.offset)
  }

  private want(offset: number): void {
    if (this.wanted.has(offset)) return
    this.wanted.add(offset)
    this.queue.push(offset)
  }
}
