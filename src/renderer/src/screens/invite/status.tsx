import type { NumberStatus } from '../../../../shared/invite'
import type { RowCheck, RowOutcome } from './gridState'
import { OUTCOME_WORDS } from './sendPlan'

/** One word per row for styling: the send outcome once there is one, else the check's verdict. */
export type RowTone = 'pending' | 'ready' | 'fixed' | 'warning' | 'error' | NumberStatus

export function statusOf(check: RowCheck | undefined, outcome: RowOutcome | undefined): RowTone {
  if (outcome) return outcome.status
  return check?.status ?? 'pending'
}

const CHECK_WORDS = {
  pending: 'Checking…',
  ready: 'Ready',
  fixed: 'Fixed',
  warning: 'Warning',
  error: 'Error'
} as const

/** Icons as glyphs in a coloured badge: colour is never the only signal. */
const ICONS: Record<RowTone, string> = {
  pending: '…',
  ready: '✓',
  fixed: '✎',
  warning: '!',
  error: '✕',
  queued: '⋯',
  sending: '↑',
  success: '✓',
  invalid_format: '✕',
  in_use: '✕',
  failed: '✕',
  unknown: '?'
}

export function toneLabel(tone: RowTone): string {
  return tone in CHECK_WORDS
    ? CHECK_WORDS[tone as keyof typeof CHECK_WORDS]
    : OUTCOME_WORDS[tone as NumberStatus]
}

export function StatusBadge({
  check,
  outcome
}: {
  check: RowCheck | undefined
  outcome?: RowOutcome | undefined
}) {
  const tone = statusOf(check, outcome)
  return (
    <span className={`ibadge ibadge-${tone}`}>
      <span className="ibadge-icon" aria-hidden="true">
        {ICONS[tone]}
      </span>
      {toneLabel(tone)}
    </span>
  )
}

export function ToneIcon({ tone }: { tone: RowTone }) {
  return (
    <span className={`ibadge-icon ibadge-${tone}`} aria-hidden="true">
      {ICONS[tone]}
    </span>
  )
}
