import type { WorkerRow } from '../../../../shared/domain'

/**
 * A worker's status as the coordinator reads it. HQ lists an account Roster created and the worker
 * has not confirmed yet among the inactive (archived) ones; it is not archived in any sense that
 * matters to the coordinator, so it gets its own words.
 */
export type WorkerState = 'active' | 'archived' | 'invited'

export function workerState(row: Pick<WorkerRow, 'archived' | 'pendingConfirmation'>): WorkerState {
  if (row.pendingConfirmation) return 'invited'
  return row.archived ? 'archived' : 'active'
}

export const WORKER_STATE_WORDS: Record<WorkerState, string> = {
  active: 'Active',
  archived: 'Archived',
  invited: 'Invited — not confirmed yet'
}

const BADGE: Record<WorkerState, string> = {
  active: 'badge-green',
  archived: 'badge-gray',
  invited: 'badge-amber'
}

export function WorkerStatusBadge({ row }: { row: Pick<WorkerRow, 'archived' | 'pendingConfirmation'> }) {
  const state = workerState(row)
  return <span className={`badge ${BADGE[state]}`}>{WORKER_STATE_WORDS[state]}</span>
}
