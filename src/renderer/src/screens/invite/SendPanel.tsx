import { useId, type ReactNode } from 'react'
import type { Channel } from '../../../../shared/channels'
import type { Application, Connectivity } from '../../../../shared/domain'
import type { BatchSummary } from '../../../../shared/invite'
import { formatClock, formatCount, plural } from '../../lib/format'
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
  return (
    <div className="isend" aria-label="Send options">
      <h2 className="isend-title">Send invitations</h2>
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
          <strong>{formatCount(plan.rows.length)}</strong>{' '}
          {channel === 'sms-registration' || channel === null
            ? `${plan.rows.length === 1 ? 'number' : 'numbers'} will be invited`
            : `${plan.rows.length === 1 ? 'account' : 'accounts'} will be created`}
        </p>
        <ul className="isend-skips">
          {plan.errors > 0 && (
            <li>
              <span className="ibadge-icon ibadge-error" aria-hidden="true">
                ✕
              </span>
              {plural(plan.errors, 'row')} with errors skipped
            </li>
          )}
          {plan.pending > 0 && <li>{plural(plan.pending, 'row')} still being checked</li>}
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
              Invite again {plural(plan.invitedBefore, 'number')} already invited
              <span className="muted small"> — their earlier link stops working and each gets a new SMS</span>
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
              Also invite {plural(plan.nonMobile, 'number')} that may not receive SMS
              <span className="muted small"> (landlines and the like)</span>
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
        <SendIcon /> Send {plan.rows.length > 0 ? plural(plan.rows.length, 'invitation') : 'invitations'}…
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
  const appId = useId()
  return (
    <>
      <div className="field">
        <label htmlFor={appId}>App</label>
        <select
          id={appId}
          value={form.appId}
          disabled={disabled || !apps?.length}
          onChange={(e) => onForm({ ...form, appId: e.target.value })}
        >
          {!form.appId && (
            <option value="">{apps === undefined ? 'Loading apps…' : 'Choose the app…'}</option>
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
        {apps?.length === 0 && !appsError && (
          <div className="field-hint">
            No apps known for this project yet: sync it on the Workers screen to fetch them.
          </div>
        )}
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
            Android only{' '}
            <span className="muted small">— send the link at once, no “reply 1 or 2” question</span>
          </span>
        </label>
        <label className="check-label">
          <input
            type="checkbox"
            checked={form.requireEmail}
            disabled={disabled}
            onChange={(e) => onForm({ ...form, requireEmail: e.target.checked })}
          />
          <span>Ask for an email address when they register</span>
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

/** After Send: progress, then what HQ answered, with the decisions only the coordinator can make. */
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
  if (phase.kind === 'creating') {
    return (
      <div className="isend isend-results" role="status">
        <h2 className="isend-title">Saving the batch…</h2>
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
      <div className="isend isend-results" role="status" data-testid="send-progress">
        <h2 className="isend-title">Sending batch {phase.batchId}…</h2>
        <div className={`progress${p ? '' : ' is-indeterminate'}`}>
          <div className="progress-fill" style={p ? { width: `${percent(done, p.total)}%` } : undefined} />
        </div>
        <p className="muted">
          {p ? `${formatCount(done)} of ${formatCount(p.total)} answered by HQ` : 'Starting…'}
          {p && p.counts.queued > 0 && p.state === 'queued' ? ' · waiting for HQ' : ''}
        </p>
        {network?.state === 'offline' && (
          <p className="callout callout-warn" data-testid="send-offline">
            <AlertIcon className="callout-icon" />
            <span>
              HQ cannot be reached right now{network.message ? ` (${network.message})` : ''}. Roster keeps
              trying for a while; numbers not sent stay queued and nothing is sent twice.
            </span>
          </p>
        )}
        {network?.state === 'waiting' && network.until !== null && (
          <p className="muted">
            HQ asked Roster to wait until {formatClock(network.until)}; sending goes on then.
          </p>
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
      <h2 className="isend-title">
        Batch {s.id}:{' '}
        {s.state === 'done' ? 'sent' : s.state === 'needs-attention' ? 'needs your decision' : 'not finished'}
      </h2>
      <dl className="iresult-counts">
        <div className="iresult-ok">
          <dt>{accounts ? 'Accounts created' : 'Invited'}</dt>
          <dd data-testid="count-success">{formatCount(c.success)}</dd>
        </div>
        <div className={c.invalid_format ? 'iresult-bad' : undefined}>
          <dt>Invalid</dt>
          <dd>{formatCount(c.invalid_format)}</dd>
        </div>
        <div className={c.in_use ? 'iresult-bad' : undefined}>
          <dt>In use</dt>
          <dd>{formatCount(c.in_use)}</dd>
        </div>
        <div className={c.failed ? 'iresult-bad' : undefined}>
          <dt>Failed</dt>
          <dd>{formatCount(c.failed)}</dd>
        </div>
        <div className={c.unknown ? 'iresult-unknown' : undefined}>
          <dt>Unknown</dt>
          <dd>{formatCount(c.unknown)}</dd>
        </div>
        {c.pending > 0 && (
          <div className="iresult-queued">
            <dt>Waiting for HQ</dt>
            <dd data-testid="count-pending">{formatCount(c.pending)}</dd>
          </div>
        )}
        {c.refused > 0 && (
          <div className="iresult-bad">
            <dt>Refused</dt>
            <dd data-testid="count-refused">{formatCount(c.refused)}</dd>
          </div>
        )}
        {queued > 0 && (
          <div className="iresult-queued">
            <dt>Queued</dt>
            <dd>{formatCount(queued)}</dd>
          </div>
        )}
      </dl>
      {s.state === 'done' && c.success > 0 && (
        <p className="callout callout-ok">
          <CheckIcon className="callout-icon" />
          <span>
            {s.channel === 'sms-registration'
              ? `HQ accepted ${plural(c.success, 'number')} and sent the SMS. They appear on the Workers screen once they register and you sync.`
              : `HQ created ${plural(c.success, 'account')} and ${s.channel === 'sms-confirmation' ? 'texts' : 'e-mails'} each worker a link to confirm it. They show as “Invited — not confirmed yet” on the Workers screen until they do.`}
          </span>
        </p>
      )}
      {queued > 0 && s.state !== 'sending' && (
        <div className="callout callout-warn" data-testid="queued-banner">
          <AlertIcon className="callout-icon" />
          <div>
            <strong>Queued — will send when you confirm.</strong>
            <p>
              {plural(queued, 'number waits', 'numbers wait')} in the outbox, not sent.
              {s.error || error ? ` ${s.error ?? error}` : ''}
            </p>
            <button type="button" className="btn btn-primary btn-small" onClick={onSendNow}>
              Send now
            </button>
          </div>
        </div>
      )}
      {c.unknown > 0 && (
        <div className="callout callout-warn" data-testid="unknown-banner">
          <AlertIcon className="callout-icon" />
          <div>
            <strong>{plural(c.unknown, 'number has', 'numbers have')} an unknown outcome.</strong>
            <p>
              HQ may or may not have received them (the connection broke after they left).{' '}
              {s.channel === 'sms-registration'
                ? 'Sending again costs an SMS and replaces the first link if it did arrive.'
                : s.channel === 'email-confirmation'
                  ? 'Sending again creates no second account: HQ refuses a username it already has, and the row then says so.'
                  : 'Uploading again creates no second account: HQ refuses the usernames it already has. Roster keeps looking for the accounts.'}
            </p>
            <div className="iresult-actions">
              <button
                type="button"
                className="btn btn-small"
                disabled={unknownIds.length === 0}
                onClick={() => onResolveUnknown(unknownIds, 'resend')}
              >
                Send again
              </button>
              <button
                type="button"
                className="btn btn-small"
                disabled={unknownIds.length === 0}
                onClick={() => onResolveUnknown(unknownIds, 'mark-failed')}
              >
                Mark as failed
              </button>
            </div>
          </div>
        </div>
      )}
      {c.pending > 0 && (
        <p className="muted small" data-testid="pending-note">
          HQ took the upload and creates the accounts in the background; Roster looks for them until they
          appear, and the next sync settles the rest.
        </p>
      )}
      {error && queued === 0 && <p className="field-error">{error}</p>}
      <div className="iresult-final">
        <button type="button" className="btn btn-primary" onClick={onNewList}>
          Start a new list
        </button>
        <button type="button" className="btn" onClick={onExportRejected} disabled={rejected === 0}>
          <DownloadIcon /> Export {rejected > 0 ? plural(rejected, 'rejected row') : 'rejected rows'}
        </button>
      </div>
      {rejectedByHq > 0 && (
        <p className="muted small">
          Rows HQ refused are listed under “Only rows with problems” in the grid, with HQ’s reason.
        </p>
      )}
    </div>
  )
}
