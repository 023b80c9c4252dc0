import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import type { NumberStatus } from '../../../../shared/invite'
import type { RowCheck, RowOutcome } from './gridState'

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

/** A row's verdict or outcome in one word or two, in the coordinator's language. */
export function toneLabel(t: TFunction<'invite'>, tone: RowTone): string {
  return t(`tone.${tone}`)
}

/** What HQ answered for a number ("Invited", "In use"…), for screens outside Invite too. */
export function useOutcomeWord(): (status: NumberStatus) => string {
  const { t } = useTranslation('invite')
  return (status) => t(`tone.${status}`)
}

export function StatusBadge({
  check,
  outcome
}: {
  check: RowCheck | undefined
  outcome?: RowOutcome | undefined
}) {
  const { t } = useTranslation('invite')
  const tone = statusOf(check, outcome)
  return (
    <span className={`ibadge ibadge-${tone}`}>
      <span className="ibadge-icon" aria-hidden="true">
        {ICONS[tone]}
      </span>
      {toneLabel(t, tone)}
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
