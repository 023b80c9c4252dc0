import type { NumberStatus } from '../../../../shared/invite'
import type { RowCheck, RowOutcome } from './gridState'
import { OUTCOME_WORDS } from './sendPlan'

/**
 * One word per row for styling: the send outcome once there is one, else the check's verdict
 * (`checking` while it has not come back; `pending` is the outcome of an account HQ has not
 * created yet).
 */
export type RowTone = 'checking' | 'ready' | 'fixed' | 'warning' | 'error' | NumberStatus

export function statusOf(check: RowCheck | undefined, outcome: RowOutcome | undefined): RowTone {
  if (outcome) return outcome.status
  return check?.status ?? 'checking'
}

const CHECK_WORDS = {
  checking: 'Checking…',
  ready: 'Ready',
  fixed: 'Fixed',
  warning: 'Warning',
  error: 'Error'
} as const

/** Icons as glyphs in a coloured badge: colour is never the only signal. */
const ICONS: Record<RowTone, string> = {
  checking: '…',
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
  unknown: '?',
  pending: '⋯',
  refused: '✕'
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
