import type { z } from 'zod'
import type { BatchCountsSchema, NumberStatus } from './invite'

export type BatchCounts = z.infer<typeof BatchCountsSchema>

/** How many of a batch's numbers have one status, and how many of those have registered since. */
export interface StatusTally {
  status: NumberStatus
  n: number
  registered: number
}

export function emptyCounts(): BatchCounts {
  return {
    queued: 0,
    sending: 0,
    success: 0,
    invalid_format: 0,
    in_use: 0,
    failed: 0,
    unknown: 0,
    pending: 0,
    refused: 0,
    registered: 0
  }
}

/** A batch's counts from its tallies (any number of them per status). */
export function countsFrom(tallies: Iterable<StatusTally>): BatchCounts {
  const counts = emptyCounts()
  for (const t of tallies) {
    counts[t.status] += t.n
    counts.registered += t.registered
  }
  return counts
}

/** How many numbers the batch holds. A registered number keeps its status, so `registered` is not added. */
export function countedTotal(counts: BatchCounts): number {
  return (
    counts.queued +
    counts.sending +
    counts.success +
    counts.invalid_format +
    counts.in_use +
    counts.failed +
    counts.unknown +
    counts.pending +
    counts.refused
  )
}
