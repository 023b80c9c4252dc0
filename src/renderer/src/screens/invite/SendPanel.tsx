import { useEffect, useId, useRef, useState, type ReactNode } from 'react'
import type { TFunction } from 'i18next'
import { Trans, useTranslation } from 'react-i18next'
import type { Channel } from '../../../../shared/channels'
import type { Application, Connectivity } from '../../../../shared/domain'
import type { BatchSummary } from '../../../../shared/invite'
import { formatClock, formatCount } from '../../lib/format'
import { AlertIcon, CheckIcon, DownloadIcon, SendIcon } from '../../shell/icons'
import { MessageEditor } from './MessageEditor'
import type { SendChoices, SendPlan } from './sendPlan'
import type { SendPhase } from './useSend'

export interface SendForm {
  appId: string
  androidOnly: boolean
  requireEmail: boolean
  message: string
}

/**
 * The batch's options and what is sent. Channel 1 (SMS self-registration): the app, Android
 * only, email required and the custom message; channels 2 and 3 have none of those, and show
 * `accountOptions` (location, group, usernames, HQ's own SMS) instead.
 */
export function SendOptions({
  channel = 'sms-registration',
  accountOptions,
  apps,
  appsError,
  appNote = null,
  form,
  onForm,
  choices,
  onChoices,
  plan,
  server,
  domain,
  disabled,
  blockers,
  onSend
}: {
  /** null: no channel to send through (not probed, or none offered). */
  channel?: Channel | null
  accountOptions?: ReactNode
  apps: Application[] | undefined
  appsError: string | null
  /** Why the choice of app could not be saved in the project. */
  appNote?: string | null
  form: SendForm
  onForm: (form: SendForm) => void
  choices: SendChoices
  onChoices: (choices: SendChoices) => void
  plan: SendPlan
  server: string
  domain: string
  disabled: boolean
  /** Reasons the Send button is off, shown under it. */
  blockers: string[]
  onSend: () => void
}) {
  const { t } = useTranslation('invite')
  return (
    <div className="isend" aria-label={t('send.label')}>
      <h2 className="isend-title">{t('send.title')}</h2>
      {channel === 'sms-registration' && (
        <RegistrationOptions
          apps={apps}
          appsError={appsError}
          appNote={appNote}
          form={form}
          onForm={onForm}
          server={server}
          domain={domain}
          disabled={disabled}
        />
      )}
      {channel !== 'sms-registration' && channel !== null && accountOptions}
      <div className="isend-plan" data-testid="send-plan">
        <p className="isend-count">
          <Trans
            t={t}
            i18nKey={
              channel === 'sms-registration' || channel === null ? 'send.willInvite' : 'send.willCreate'
            }
            count={plan.rows.length}
            components={{ b: <strong /> }}
          />
        </p>
        <ul className="isend-skips">
          {plan.errors > 0 && (
            <li>
              <span className="ibadge-icon ibadge-error" aria-hidden="true">
                ✕
              </span>
              {t('send.errorsSkipped', { count: plan.errors })}
            </li>
          )}
          {plan.pending > 0 && <li>{t('send.stillChecking', { count: plan.pending })}</li>}
        </ul>
        {plan.invitedBefore > 0 && (
          <label className="check-label isend-choice">
            <input
              type="checkbox"
              checked={choices.reinvite}
              disabled={disabled}
              onChange={(e) => onChoices({ ...choices, reinvite: e.target.checked })}
            />
            <span>
              {t('send.reinvite', { count: plan.invitedBefore })}
              <span className="muted small"> — {t('send.reinviteHint')}</span>
            </span>
          </label>
        )}
        {plan.nonMobile > 0 && (
          <label className="check-label isend-choice">
            <input
              type="checkbox"
              checked={choices.nonMobile}
              disabled={disabled}
              onChange={(e) => onChoices({ ...choices, nonMobile: e.target.checked })}
            />
            <span>
              {t('send.nonMobile', { count: plan.nonMobile })}
              <span className="muted small"> {t('send.nonMobileHint')}</span>
            </span>
          </label>
        )}
      </div>
      <button
        type="button"
        className="btn btn-primary btn-large isend-button"
        disabled={disabled || blockers.length > 0}
        onClick={onSend}
      >
        <SendIcon />{' '}
        {plan.rows.length > 0 ? t('send.button', { count: plan.rows.length }) : t('send.buttonNone')}
      </button>
      {blockers.length > 0 && (
        <ul className="isend-blockers">
          {blockers.map((b) => (
            <li key={b}>{b}</li>
          ))}
        </ul>
      )}
    </div>
  )
}

/** Channel 1's own options: the app to install, Android only, email required, the message. */
function RegistrationOptions({
  apps,
  appsError,
  appNote,
  form,
  onForm,
  server,
  domain,
  disabled
}: {
  apps: Application[] | undefined
  appsError: string | null
  appNote: string | null
  form: SendForm
  onForm: (form: SendForm) => void
  server: string
  domain: string
  disabled: boolean
}) {
  const { t } = useTranslation('invite')
  const appId = useId()
  return (
    <>
      <div className="field">
        <label htmlFor={appId}>{t('send.app')}</label>
        <select
          id={appId}
          value={form.appId}
          disabled={disabled || !apps?.length}
          onChange={(e) => onForm({ ...form, appId: e.target.value })}
        >
          {!form.appId && (
            <option value="">{apps === undefined ? t('send.loadingApps') : t('send.chooseApp')}</option>
          )}
          {apps?.map((app) => (
            <option key={app.id} value={app.id}>
              {app.name}
            </option>
          ))}
        </select>
        {appsError && <div className="field-error">{appsError}</div>}
        {appNote && (
          <div className="field-hint" role="status">
            {appNote}
          </div>
        )}
        {apps?.length === 0 && !appsError && <div className="field-hint">{t('send.noApps')}</div>}
      </div>
      <div className="isend-checks">
        <label className="check-label">
          <input
            type="checkbox"
            checked={form.androidOnly}
            disabled={disabled}
            onChange={(e) => onForm({ ...form, androidOnly: e.target.checked })}
          />
          <span>
            {t('send.androidOnly')} <span className="muted small">— {t('send.androidOnlyHint')}</span>
          </span>
        </label>
        <label className="check-label">
          <input
            type="checkbox"
            checked={form.requireEmail}
            disabled={disabled}
            onChange={(e) => onForm({ ...form, requireEmail: e.target.checked })}
          />
          <span>{t('send.requireEmail')}</span>
        </label>
      </div>
      <MessageEditor
        value={form.message}
        onChange={(message) => onForm({ ...form, message })}
        androidOnly={form.androidOnly}
        server={server}
        domain={domain}
        disabled={disabled}
      />
    </>
  )
}

function percent(done: number, total: number): number {
  return total <= 0 ? 0 : Math.round((done / total) * 100)
}

/**
 * After Send: progress, then what HQ answered, with the decisions only the coordinator can make.
 * Every phase has the same root and heading, so React keeps the elements: focus put on the heading
 * when the confirm dialog closes (its Send button is gone) stays there from saving to the answers.
 */
export function SendResults({
  phase,
  network,
  error,
  onSendNow,
  onResolveUnknown,
  unknownIds,
  onNewList,
  onExportRejected,
  rejected
}: {
  phase: Exclude<SendPhase, { kind: 'idle' }>
  network?: Connectivity | null
  error: string | null
  onSendNow: () => void
  onResolveUnknown: (ids: number[], action: 'resend' | 'mark-failed') => void
  unknownIds: number[]
  onNewList: () => void
  onExportRejected: () => void
  rejected: number
}) {
  const { t } = useTranslation('invite')
  if (phase.kind === 'creating') {
    return (
      <div className="isend isend-results">
        <h2 className="isend-title" tabIndex={-1}>
          {t('results.saving')}
        </h2>
        <div className="progress is-indeterminate">
          <div className="progress-fill" />
        </div>
      </div>
    )
  }
  if (phase.kind === 'sending') {
    const p = phase.progress
    const done = p ? p.total - p.counts.queued - p.counts.sending : 0
    return (
      <div className="isend isend-results" data-testid="send-progress">
        <h2 className="isend-title" tabIndex={-1}>
          {t('results.sending', { id: phase.batchId })}
        </h2>
        <div className={`progress${p ? '' : ' is-indeterminate'}`}>
          <div className="progress-fill" style={p ? { width: `${percent(done, p.total)}%` } : undefined} />
        </div>
        <p className="muted">
          {p ? t('results.answered', { done, total: p.total }) : t('results.starting')}
          {p && p.counts.queued > 0 && p.state === 'queued' ? ` · ${t('results.waitingForHq')}` : ''}
        </p>
        {network?.state === 'offline' && (
          <p className="callout callout-warn" data-testid="send-offline">
            <AlertIcon className="callout-icon" />
            <span>
              {network.message
                ? t('results.offlineBecause', { message: network.message })
                : t('results.offline')}
            </span>
          </p>
        )}
        {network?.state === 'waiting' && network.until !== null && (
          <p className="muted">{t('results.waitUntil', { time: formatClock(network.until) })}</p>
        )}
        {error && <p className="field-error">{error}</p>}
      </div>
    )
  }
  const s: BatchSummary = phase.summary
  const c = s.counts
  const queued = c.queued + c.sending
  const rejectedByHq = c.invalid_format + c.in_use + c.failed + c.refused
  const accounts = s.channel !== 'sms-registration'
  return (
    <div className="isend isend-results" data-testid="send-results">
      <h2 className="isend-title" tabIndex={-1}>
        {resultsHeadline(s, t)}
      </h2>
      <dl className="iresult-counts">
        <div className="iresult-ok">
          <dt>{accounts ? t('results.accountsCreated') : t('results.invited')}</dt>
          <dd data-testid="count-success">{formatCount(c.success)}</dd>
        </div>
        <div className={c.invalid_format ? 'iresult-bad' : undefined}>
          <dt>{t('results.invalid')}</dt>
          <dd>{formatCount(c.invalid_format)}</dd>
        </div>
        <div className={c.in_use ? 'iresult-bad' : undefined}>
          <dt>{t('results.inUse')}</dt>
          <dd>{formatCount(c.in_use)}</dd>
        </div>
        <div className={c.failed ? 'iresult-bad' : undefined}>
          <dt>{t('results.failed')}</dt>
          <dd>{formatCount(c.failed)}</dd>
        </div>
        <div className={c.unknown ? 'iresult-unknown' : undefined}>
          <dt>{t('results.unknown')}</dt>
          <dd>{formatCount(c.unknown)}</dd>
        </div>
        {c.pending > 0 && (
          <div className="iresult-queued">
            <dt>{t('results.pending')}</dt>
            <dd data-testid="count-pending">{formatCount(c.pending)}</dd>
          </div>
        )}
        {c.refused > 0 && (
          <div className="iresult-bad">
            <dt>{t('results.refused')}</dt>
            <dd data-testid="count-refused">{formatCount(c.refused)}</dd>
          </div>
        )}
        {queued > 0 && (
          <div className="iresult-queued">
            <dt>{t('results.queued')}</dt>
            <dd>{formatCount(queued)}</dd>
          </div>
        )}
      </dl>
      {s.state === 'done' && c.success > 0 && (
        <p className="callout callout-ok">
          <CheckIcon className="callout-icon" />
          <span>
            {s.channel === 'sms-registration'
              ? t('results.doneRegistration', { count: c.success })
              : s.channel === 'sms-confirmation'
                ? t('results.doneBySms', { count: c.success })
                : t('results.doneByEmail', { count: c.success })}
          </span>
        </p>
      )}
      {queued > 0 && s.state !== 'sending' && (
        <div className="callout callout-warn" data-testid="queued-banner">
          <AlertIcon className="callout-icon" />
          <div>
            <strong>{t('results.queuedTitle')}</strong>
            <p>
              {t('results.queuedText', { count: queued })}
              {s.error || error ? ` ${s.error ?? error}` : ''}
            </p>
            <button type="button" className="btn btn-primary btn-small" onClick={onSendNow}>
              {t('results.sendNow')}
            </button>
          </div>
        </div>
      )}
      {c.unknown > 0 && (
        <div className="callout callout-warn" data-testid="unknown-banner">
          <AlertIcon className="callout-icon" />
          <div>
            <strong>{t('results.unknownTitle', { count: c.unknown })}</strong>
            <p>
              {t('results.unknownText')} {t(`results.unknownAgain.${s.channel}`)}
            </p>
            <div className="iresult-actions">
              <button
                type="button"
                className="btn btn-small"
                disabled={unknownIds.length === 0}
                onClick={() => onResolveUnknown(unknownIds, 'resend')}
              >
                {t('results.sendAgain')}
              </button>
              <button
                type="button"
                className="btn btn-small"
                disabled={unknownIds.length === 0}
                onClick={() => onResolveUnknown(unknownIds, 'mark-failed')}
              >
                {t('results.markFailed')}
              </button>
            </div>
          </div>
        </div>
      )}
      {c.pending > 0 && (
        <p className="muted small" data-testid="pending-note">
          {t('results.pendingNote')}
        </p>
      )}
      {error && queued === 0 && <p className="field-error">{error}</p>}
      <div className="iresult-final">
        <button type="button" className="btn btn-primary" onClick={onNewList}>
          {t('results.newList')}
        </button>
        <button type="button" className="btn" onClick={onExportRejected} disabled={rejected === 0}>
          <DownloadIcon />{' '}
          {rejected > 0 ? t('results.exportRejected', { count: rejected }) : t('results.exportRejectedNone')}
        </button>
      </div>
      {rejectedByHq > 0 && <p className="muted small">{t('results.refusedHint')}</p>}
    </div>
  )
}

function resultsHeadline(s: BatchSummary, t: TFunction<'invite'>): string {
  return s.state === 'done'
    ? t('results.batchSent', { id: s.id })
    : s.state === 'needs-attention'
      ? t('results.batchNeedsDecision', { id: s.id })
      : t('results.batchNotFinished', { id: s.id })
}

/** What a screen reader hears about the send: one short sentence per phase. */
function announcement(phase: SendPhase, t: TFunction<'invite'>): string {
  switch (phase.kind) {
    case 'idle':
      return ''
    case 'creating':
      return t('results.saving')
    case 'sending': {
      const p = phase.progress
      const title = t('results.sending', { id: phase.batchId })
      if (!p) return title
      const done = p.total - p.counts.queued - p.counts.sending
      return `${title} ${t('results.answered', { done, total: p.total })}`
    }
    case 'finished': {
      const s = phase.summary
      return t('results.announced', {
        headline: resultsHeadline(s, t),
        label: s.channel === 'sms-registration' ? t('results.invited') : t('results.accountsCreated'),
        count: s.counts.success
      })
    }
  }
}

/** A big batch answers many times a second: progress is spoken at most this often. */
const PROGRESS_EVERY_MS = 5000

/**
 * The send's live region: always on the page (a region added together with its text is often not
 * read), polite, and quiet between progress steps so a long batch does not talk over everything.
 */
export function SendAnnouncer({ phase }: { phase: SendPhase }) {
  const { t } = useTranslation('invite')
  const text = announcement(phase, t)
  const [said, setSaid] = useState(text)
  const lastSaid = useRef(0)
  const progressing = phase.kind === 'sending'
  useEffect(() => {
    const wait = progressing ? Math.max(0, lastSaid.current + PROGRESS_EVERY_MS - Date.now()) : 0
    const timer = setTimeout(() => {
      // Only progress waits for progress: the first "Sending…" and the end are said at once.
      lastSaid.current = progressing ? Date.now() : 0
      setSaid(text)
    }, wait)
    return () => clearTimeout(timer)
  }, [text, progressing])
  return (
    <div
      className="visually-hidden"
      role="status"
      aria-live="polite"
      aria-atomic="true"
      data-testid="send-announcer"
    >
      {said}
    </div>
  )
}
