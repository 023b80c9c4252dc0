import { useTranslation } from 'react-i18next'
import { useEffect, useRef, useState, type ReactNode } from 'react'
import type { WorkerDetail } from '../../../../shared/domain'
import { useApi } from '../../api/context'
import { toApiError, useQuery } from '../../api/hooks'
import { formatPhone } from '../../lib/format'
import { CheckIcon, CloseIcon, CopyIcon, ExternalIcon } from '../../shell/icons'
import { shortUsername } from './columns'
import { Invitations } from './Invitations'
import { WorkerStatusBadge } from './status'

/** Everything Roster knows about one worker, beside the table. */
export function DetailPane({
  projectId,
  workerId,
  dataVersion,
  onClose,
  onOpenBatch
}: {
  projectId: string
  workerId: string
  dataVersion: number
  onClose: () => void
  /** Shows an invitation batch in History. */
  onOpenBatch: (batchId: number) => void
}) {
  const { t } = useTranslation('workers')
  const detail = useQuery(
    `${projectId}\u0000${workerId}`,
    (api) => api.call('workers.get', { projectId, id: workerId }),
    dataVersion
  )
  const worker = detail.data

  return (
    <aside
      className="detail-pane"
      aria-label={worker ? t('detail.of', { name: worker.name }) : t('detail.label')}
    >
      <div className="detail-head">
        <div className="detail-title">
          {worker ? (
            <>
              <h2>{worker.name}</h2>
              <div className="detail-sub">
                <span title={worker.username}>{shortUsername(worker.username)}</span>
                <WorkerStatusBadge row={worker} />
              </div>
            </>
          ) : (
            <h2 className="muted">{detail.loading ? t('detail.loading') : t('detail.worker')}</h2>
          )}
        </div>
        <button
          type="button"
          className="icon-button"
          aria-label={t('detail.close')}
          title={t('detail.closeTitle')}
          onClick={onClose}
        >
          <CloseIcon />
        </button>
      </div>

      {detail.error && (
        <p className="callout callout-error" role="alert">
          {detail.error.message}
        </p>
      )}
      {!detail.loading && !detail.error && detail.data === null && (
        <p className="callout callout-info">{t('detail.gone')}</p>
      )}
      {worker && (
        <DetailBody
          worker={worker}
          invitations={
            <Invitations
              projectId={projectId}
              phones={worker.phones}
              dataVersion={dataVersion}
              onOpenBatch={onOpenBatch}
            />
          }
        />
      )}
    </aside>
  )
}

function DetailBody({ worker, invitations }: { worker: WorkerDetail; invitations: ReactNode }) {
  const { t } = useTranslation('workers')
  const api = useApi()
  const [linkError, setLinkError] = useState<string | null>(null)
  const open = async (url: string) => {
    setLinkError(null)
    try {
      await api.call('app.openExternal', { url })
    } catch (error) {
      setLinkError(toApiError(error).message)
    }
  }
  const customEntries = Object.entries(worker.userData).sort(([a], [b]) => a.localeCompare(b))
  const systemEntries = Object.entries(worker.systemData).sort(([a], [b]) => a.localeCompare(b))
  const rawEntries = Object.entries(worker.raw).sort(([a], [b]) => a.localeCompare(b))

  return (
    <div className="detail-body">
      <div className="detail-actions">
        <button type="button" className="btn btn-small" onClick={() => void open(worker.hqUrl)}>
          <ExternalIcon /> {t('detail.openInHq')}
        </button>
        <button type="button" className="btn btn-small" onClick={() => void open(worker.caseListUrl)}>
          <ExternalIcon /> {t('detail.cases')}
        </button>
      </div>
      {linkError && (
        <p className="field-error" role="alert">
          {linkError}
        </p>
      )}
      {worker.pendingConfirmation && (
        <p className="callout callout-info detail-pending">{t('detail.pending')}</p>
      )}

      <Section title={t('detail.phones')}>
        {worker.phones.length ? (
          <ul className="phone-list">
            {worker.phones.map((phone) => (
              <li key={phone}>
                <span className="tabular phone-number">{formatPhone(phone)}</span>
                {phone === worker.defaultPhone && worker.phones.length > 1 && (
                  <span className="pill pill-blue">{t('detail.default')}</span>
                )}
                <CopyButton text={phone} label={t('detail.copyPhone', { phone: formatPhone(phone) })} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t('detail.noPhone')}</p>
        )}
      </Section>
      {invitations}

      <Section title={t('detail.account')}>
        <dl className="kv">
          <Pair label={t('detail.firstName')} value={worker.firstName} />
          <Pair label={t('detail.lastName')} value={worker.lastName} />
          <Pair label={t('detail.username')} value={worker.username} />
          <Pair label={t('detail.email')} value={worker.email} />
          <Pair label={t('detail.hqId')} value={<code>{worker.id}</code>} />
        </dl>
      </Section>

      <Section title={t('detail.groups')}>
        {worker.groups.length ? (
          <ul className="chips">
            {worker.groups.map((g) => (
              <li key={g.id} className="chip">
                {g.name}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t('detail.noGroup')}</p>
        )}
      </Section>

      <Section title={t('detail.locations')}>
        {worker.locations.length ? (
          <ul className="location-list">
            {worker.locations.map((l) => (
              <li key={l.id}>
                <span className="location-path">
                  {(l.path.length ? l.path : [l.name]).map((part, i, all) => (
                    <span key={i} className={i === all.length - 1 ? 'location-leaf' : 'location-parent'}>
                      {part}
                      {i < all.length - 1 && <span className="path-sep"> › </span>}
                    </span>
                  ))}
                </span>
                {l.id === worker.primaryLocationId && worker.locations.length > 1 && (
                  <span className="pill pill-blue">{t('detail.primary')}</span>
                )}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t('detail.noLocation')}</p>
        )}
      </Section>

      <Section title={t('detail.customData')}>
        {customEntries.length ? (
          <dl className="kv">
            {customEntries.map(([key, value]) => (
              <Pair key={key} label={key} value={value} />
            ))}
          </dl>
        ) : (
          <p className="muted">{t('detail.none')}</p>
        )}
      </Section>

      <details className="detail-more">
        <summary>{t('detail.systemFields', { count: systemEntries.length })}</summary>
        <dl className="kv">
          {systemEntries.map(([key, value]) => (
            <Pair key={key} label={key} value={<code>{value}</code>} />
          ))}
        </dl>
      </details>

      <details className="detail-more">
        <summary>{t('detail.raw', { count: rawEntries.length })}</summary>
        <dl className="kv">
          {rawEntries.map(([key, value]) => (
            <Pair key={key} label={key} value={<code className="raw-value">{rawText(value)}</code>} />
          ))}
        </dl>
      </details>
    </div>
  )
}

function rawText(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return value === '' ? '""' : value
  return JSON.stringify(value)
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="detail-section">
      <h3>{title}</h3>
      {children}
    </section>
  )
}

function Pair({ label, value }: { label: string; value: ReactNode }) {
  const empty = value === '' || value === null || value === undefined
  return (
    <div className="kv-pair">
      <dt>{label}</dt>
      <dd>{empty ? <span className="muted">—</span> : value}</dd>
    </div>
  )
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useTranslation('workers')
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text)
      setState('copied')
    } catch {
      setState('failed')
    }
    clearTimeout(timer.current)
    timer.current = setTimeout(() => setState('idle'), 1600)
  }
  return (
    <button
      type="button"
      className={`icon-button copy-button${state === 'copied' ? ' is-done' : ''}`}
      aria-label={label}
      title={state === 'failed' ? t('detail.copyFailed') : t('detail.copy')}
      onClick={() => void copy()}
    >
      {state === 'copied' ? <CheckIcon /> : <CopyIcon />}
      <span className="copy-feedback" aria-live="polite">
        {state === 'copied' ? t('detail.copied') : state === 'failed' ? t('detail.copyFailed') : ''}
      </span>
    </button>
  )
}
