import { useTranslation } from 'react-i18next'
import { i18n } from '../../i18n'
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

/** "Active", "Archived", "Invited — not confirmed yet", in the language shown. */
export function workerStateWords(state: WorkerState): string {
  return i18n.t(`state.${state}`, { ns: 'workers' })
}

const BADGE: Record<WorkerState, string> = {
  active: 'badge-green',
  archived: 'badge-gray',
  invited: 'badge-amber'
}

export function WorkerStatusBadge({ row }: { row: Pick<WorkerRow, 'archived' | 'pendingConfirmation'> }) {
  const state = workerState(row)
  const { t } = useTranslation('workers')
  return <span className={`badge ${BADGE[state]}`}>{t(`state.${state}`)}</span>
}
