import { useTranslation } from 'react-i18next'
import { i18n } from '../../i18n'
import type { Project, SyncProgress } from '../../../../shared/domain'
import type { SyncState } from '../../session'
import { formatClock, formatCount, formatEta, formatWhen } from '../../lib/format'
import { AlertIcon } from '../../shell/icons'

const t = (key: string, values?: Record<string, unknown>) => i18n.t(key, { ns: 'workers', ...values })

/** One line describing where a running sync is: "Downloading active workers · 12,400 of 100,000 · …" */
export function describeProgress(progress: SyncProgress | null): {
  label: string
  detail: string
  fraction: number | null
} {
  if (!progress) return { label: t('progress.starting'), detail: t('progress.contacting'), fraction: null }
  const parts: string[] = []
  if (progress.total !== null)
    parts.push(t('progress.doneOf', { done: formatCount(progress.done), total: formatCount(progress.total) }))
  else if (progress.done) parts.push(formatCount(progress.done))
  if (
    progress.ratePerSec !== null &&
    progress.ratePerSec > 0 &&
    (progress.phase === 'active' || progress.phase === 'archived')
  ) {
    parts.push(t('progress.rate', { rate: formatCount(Math.round(progress.ratePerSec)) }))
  }
  if (progress.etaSeconds !== null) parts.push(formatEta(progress.etaSeconds))
  const fraction =
    progress.total !== null && progress.total > 0
      ? Math.min(1, progress.done / progress.total)
      : progress.phase === 'done'
        ? 1
        : null
  return { label: t(`progress.phase.${progress.phase}`), detail: parts.join(' · '), fraction }
}

/** The progress of a running sync, with its Cancel button. */
export function SyncProgressPanel({
  sync,
  onCancel,
  waitingUntil = null
}: {
  sync: SyncState
  onCancel: () => void
  /** HQ asked for a pause (429): the sync resumes by itself at this time. */
  waitingUntil?: number | null
}) {
  const { t } = useTranslation('workers')
  const described = describeProgress(sync.progress)
  const { label, fraction } = described
  const detail =
    waitingUntil !== null ? t('progress.waiting', { clock: formatClock(waitingUntil) }) : described.detail
  const percent = fraction === null ? undefined : Math.round(fraction * 100)
  return (
    <div
      className={`sync-progress${waitingUntil !== null ? ' is-waiting' : ''}`}
      role="group"
      aria-label={t('progress.label')}
    >
      <div className="sync-progress-text">
        <span className="sync-phase">{sync.cancelling ? t('progress.cancelling') : label}</span>
        {detail && <span className="sync-detail">{detail}</span>}
      </div>
      <div
        className={`progress${fraction === null ? ' is-indeterminate' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={detail || label}
      >
        <div className="progress-fill" style={{ width: percent === undefined ? undefined : `${percent}%` }} />
      </div>
      <button type="button" className="btn btn-small" onClick={onCancel} disabled={sync.cancelling}>
        {t('common:actions.cancel')}
      </button>
    </div>
  )
}

/** What went wrong with the last sync, if anything, in plain words. */
export function SyncProblem({ project, sync }: { project: Project; sync: SyncState }) {
  const { t } = useTranslation('workers')
  if (sync.running) return null
  if (sync.startError) {
    return (
      <div className="callout callout-error" role="alert">
        <AlertIcon className="callout-icon" />
        <div>
          <strong>{t('problem.notStarted')}</strong> {sync.startError}
        </div>
      </div>
    )
  }
  const last = project.lastSync
  if (!last || last.outcome === 'ok' || last.outcome === 'running') return null
  const good = project.lastGoodSync
  const kept = good?.endedAt ? t('problem.kept', { when: formatWhen(good.endedAt) }) : t('problem.nothingYet')
  if (last.outcome === 'cancelled') {
    return (
      <div className="callout callout-info" role="status">
        <div>
          <strong>
            {last.endedAt
              ? t('problem.cancelledAt', { when: formatWhen(last.endedAt) })
              : t('problem.cancelled')}
          </strong>{' '}
          {kept}
        </div>
      </div>
    )
  }
  return (
    <div className="callout callout-error" role="alert">
      <AlertIcon className="callout-icon" />
      <div>
        <strong>
          {last.endedAt ? t('problem.failedAt', { when: formatWhen(last.endedAt) }) : t('problem.failed')}
        </strong>{' '}
        {last.error ?? t('problem.noReason')} {kept}
      </div>
    </div>
  )
}
