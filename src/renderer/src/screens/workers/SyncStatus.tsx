import type { Project, SyncProgress } from '../../../../shared/domain'
import type { SyncState } from '../../session'
import { formatClock, formatCount, formatEta, formatWhen } from '../../lib/format'
import { AlertIcon } from '../../shell/icons'

const PHASES: Record<SyncProgress['phase'], string> = {
  groups: 'Reading groups',
  locations: 'Reading locations',
  applications: 'Reading apps',
  active: 'Downloading active workers',
  archived: 'Downloading archived workers',
  sweep: 'Removing workers deleted in HQ',
  done: 'Finishing'
}

/** One line describing where a running sync is: "Downloading active workers · 12,400 of 100,000 · …" */
export function describeProgress(progress: SyncProgress | null): {
  label: string
  detail: string
  fraction: number | null
} {
  if (!progress) return { label: 'Starting sync', detail: 'Contacting HQ…', fraction: null }
  const parts: string[] = []
  if (progress.total !== null) parts.push(`${formatCount(progress.done)} of ${formatCount(progress.total)}`)
  else if (progress.done) parts.push(formatCount(progress.done))
  if (
    progress.ratePerSec !== null &&
    progress.ratePerSec > 0 &&
    (progress.phase === 'active' || progress.phase === 'archived')
  ) {
    parts.push(`${formatCount(Math.round(progress.ratePerSec))} per second`)
  }
  if (progress.etaSeconds !== null) parts.push(formatEta(progress.etaSeconds))
  const fraction =
    progress.total !== null && progress.total > 0
      ? Math.min(1, progress.done / progress.total)
      : progress.phase === 'done'
        ? 1
        : null
  return { label: PHASES[progress.phase], detail: parts.join(' · '), fraction }
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
  const described = describeProgress(sync.progress)
  const { label, fraction } = described
  const detail =
    waitingUntil !== null
      ? `HQ asked us to wait until ${formatClock(waitingUntil)}; the sync goes on by itself then`
      : described.detail
  const percent = fraction === null ? undefined : Math.round(fraction * 100)
  return (
    <div
      className={`sync-progress${waitingUntil !== null ? ' is-waiting' : ''}`}
      role="group"
      aria-label="Sync progress"
    >
      <div className="sync-progress-text">
        <span className="sync-phase">{sync.cancelling ? 'Cancelling…' : label}</span>
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
        Cancel
      </button>
    </div>
  )
}

/** What went wrong with the last sync, if anything, in plain words. */
export function SyncProblem({ project, sync }: { project: Project; sync: SyncState }) {
  if (sync.running) return null
  if (sync.startError) {
    return (
      <div className="callout callout-error" role="alert">
        <AlertIcon className="callout-icon" />
        <div>
          <strong>Sync did not start.</strong> {sync.startError}
        </div>
      </div>
    )
  }
  const last = project.lastSync
  if (!last || last.outcome === 'ok' || last.outcome === 'running') return null
  const good = project.lastGoodSync
  const kept = good?.endedAt
    ? `The roster below is from the last good sync, ${formatWhen(good.endedAt)}.`
    : 'Nothing was downloaded yet.'
  if (last.outcome === 'cancelled') {
    return (
      <div className="callout callout-info" role="status">
        <div>
          <strong>Sync cancelled{last.endedAt ? ` ${formatWhen(last.endedAt)}` : ''}.</strong> {kept}
        </div>
      </div>
    )
  }
  return (
    <div className="callout callout-error" role="alert">
      <AlertIcon className="callout-icon" />
      <div>
        <strong>The last sync failed{last.endedAt ? ` (${formatWhen(last.endedAt)})` : ''}.</strong>{' '}
        {last.error ?? 'HQ did not say why.'} {kept}
      </div>
    </div>
  )
}
