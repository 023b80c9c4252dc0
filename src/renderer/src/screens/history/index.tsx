import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { CHANNEL_NAMES, createsAccounts, type Channel } from '../../../../shared/channels'
import type { Facets, Project } from '../../../../shared/domain'
import type { BatchNumber, BatchSummary, NumberStatus } from '../../../../shared/invite'
import { useApi } from '../../api/context'
import { toApiError, useEvent, useQuery } from '../../api/hooks'
import { formatCount, formatPhone, formatWhen, plural } from '../../lib/format'
import { AlertIcon, DownloadIcon, HistoryIcon, SendIcon } from '../../shell/icons'
import { ConfirmDialog } from '../invite/ConfirmDialog'
import { downloadText } from '../invite/download'
import { OUTCOME_WORDS } from '../invite/sendPlan'
import { StatusBadge } from '../invite/status'
import './history.css'

const ROW_HEIGHT = 36

type RegisteredFilter = 'all' | 'yes' | 'no'

const STATE_WORDS: Record<BatchSummary['state'], string> = {
  queued: 'Queued',
  sending: 'Sending',
  done: 'Sent',
  stopped: 'Stopped',
  'needs-attention': 'Needs your decision'
}

/** How a batch went out: channel 1's options, or (channels 2, 3) the location and group its accounts got. */
function optionsText(b: BatchSummary, facets: Facets | undefined): string {
  if (createsAccounts(b.channel)) {
    const parts: string[] = []
    if (b.locationId) {
      const name = facets?.locations.find((l) => l.id === b.locationId)?.name
      parts.push(`location ${name ?? b.locationId}`)
    }
    if (b.groupId) parts.push(`group ${facets?.groups.find((g) => g.id === b.groupId)?.name ?? b.groupId}`)
    return parts.join(' · ') || 'no location or group'
  }
  const parts = [b.androidOnly ? 'Android only' : 'Android or other']
  if (b.requireEmail) parts.push('email required')
  parts.push(b.message ? 'custom message' : 'HQ’s message')
  return parts.join(' · ')
}

/** What a batch was for: channel 1 invites to an app; channels 2 and 3 create accounts. */
function purposeText(b: BatchSummary): string {
  return createsAccounts(b.channel) ? CHANNEL_NAMES[b.channel] : (b.appName ?? b.appId)
}

/** What HQ has not settled or refused, in the coordinator's words; short on the list, long in the detail. */
function problems(b: BatchSummary, long: boolean): string[] {
  const c = b.counts
  return [
    c.pending > 0 &&
      `${formatCount(c.pending)} ${long ? 'waiting for HQ to create the account' : 'waiting for HQ'}`,
    c.refused > 0 &&
      `${formatCount(c.refused)} ${long ? 'HQ did not create the account' : 'not created by HQ'}`,
    c.unknown > 0 && `${formatCount(c.unknown)} unknown`,
    c.invalid_format > 0 && `${formatCount(c.invalid_format)} invalid`,
    c.in_use > 0 && `${formatCount(c.in_use)} in use`,
    c.failed > 0 && `${formatCount(c.failed)} failed`
  ].filter((x): x is string => Boolean(x))
}

/** The confirmation before inviting again: what happens depends on the channel. */
const REINVITE_WORDS: Record<Channel, { title: string; confirm: string; points: (id: number) => string[] }> =
  {
    'sms-registration': {
      title: 'Invite {n} again?',
      confirm: 'Send {n}',
      points: (id) => [
        `A new batch is created with the same app and message as batch ${id}, and each number gets a new SMS.`,
        'Any earlier link sent to these numbers stops working.'
      ]
    },
    'sms-confirmation': {
      title: 'Send the confirmation SMS to {n} again?',
      confirm: 'Ask HQ',
      points: () => [
        'HQ has no way for Roster to re-send its confirmation SMS: it is done on HQ’s Mobile Workers page.',
        'Roster tells you where, and changes nothing.'
      ]
    },
    'email-confirmation': {
      title: 'Send the confirmation e-mail to {n} again?',
      confirm: 'Re-send {n}',
      points: () => [
        'HQ e-mails each of these workers a new link to confirm their account.',
        'No second account is created.'
      ]
    }
  }

/**
 * History: every batch sent from this computer, what HQ answered for each number, and who has
 * registered since (a later sync is the proof). Numbers can be exported or invited again.
 */
export function HistoryScreen({
  project,
  focus = null
}: {
  project: Project
  /** A batch to show (from the "waiting to be sent" banner); a new object each time it is asked for. */
  focus?: { batchId: number } | null
}) {
  const api = useApi()
  const batches = useQuery(`batches:${project.id}`, (a) =>
    a.call('invite.batches', { projectId: project.id })
  )
  // Names for the location and group a batch gave its accounts; without them the ids show.
  const facets = useQuery(`facets:${project.id}`, (a) => a.call('workers.facets', { projectId: project.id }))
  const [selectedId, setSelectedId] = useState<number | null>(null)
  const [status, setStatus] = useState<NumberStatus | 'all'>('all')
  const [registered, setRegistered] = useState<RegisteredFilter>('all')
  const [checked, setChecked] = useState<ReadonlySet<number>>(new Set())
  const [confirming, setConfirming] = useState(false)
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null)
  const [working, setWorking] = useState(false)

  const list = batches.data
  const selected = list?.find((b) => b.id === selectedId) ?? list?.[0] ?? null
  const batchKey = selected
    ? `batch:${selected.id}:${status}:${registered}:${selected.state}:${selected.counts.registered}:${selected.total - selected.counts.queued}`
    : null
  const detail = useQuery(batchKey, (a) =>
    a.call('invite.batch', {
      batchId: selected!.id,
      ...(status === 'all' ? {} : { status }),
      ...(registered === 'all' ? {} : { registered: registered === 'yes' })
    })
  )

  // A batch being sent (here or from the Invite screen) changes the counts: follow along.
  const refetchBatches = batches.refetch
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null)
  useEvent('invite.progress', () => {
    if (refetchTimer.current) return
    refetchTimer.current = setTimeout(() => {
      refetchTimer.current = null
      refetchBatches()
    }, 400)
  })
  useEffect(
    () => () => {
      if (refetchTimer.current) clearTimeout(refetchTimer.current)
    },
    []
  )

  const selectBatch = (id: number) => {
    setSelectedId(id)
    setChecked(new Set())
    setStatus('all')
    setRegistered('all')
    setNotice(null)
  }

  useEffect(() => {
    if (focus) selectBatch(focus.batchId)
    // Only a new request to show a batch moves the selection.
  }, [focus])

  const numbers = useMemo(() => detail.data?.numbers ?? [], [detail.data])
  const checkedShown = numbers.filter((n) => checked.has(n.id)).length
  const allShownChecked = numbers.length > 0 && checkedShown === numbers.length

  const toggle = useCallback((id: number) => {
    setChecked((prev) => {
      const next = new Set(prev)
      if (next.has(id)) next.delete(id)
      else next.add(id)
      return next
    })
  }, [])

  const exportCsv = async () => {
    if (!selected) return
    try {
      const file = await api.call('invite.exportCsv', { batchId: selected.id })
      downloadText(file.filename, file.csv)
      setNotice({ kind: 'ok', text: `Exported ${plural(file.rows, 'number')} to ${file.filename}.` })
    } catch (e) {
      setNotice({ kind: 'error', text: toApiError(e).message })
    }
  }

  const act = async (label: string, work: () => Promise<string>) => {
    setWorking(true)
    setNotice(null)
    try {
      setNotice({ kind: 'ok', text: await work() })
    } catch (e) {
      setNotice({ kind: 'error', text: `${label}: ${toApiError(e).message}` })
    } finally {
      setWorking(false)
      batches.refetch()
      detail.refetch()
    }
  }

  const reinvite = () => {
    if (!selected) return
    const ids = numbers.filter((n) => checked.has(n.id)).map((n) => n.id)
    setConfirming(false)
    void act('Could not invite again', async () => {
      const answer = await api.call('invite.reinvite', { batchId: selected.id, numberIds: ids })
      // Channel 1 makes a new batch to send; channels 2 and 3 answer what HQ did (or cannot do).
      if (answer.batchId === selected.id) {
        setChecked(new Set())
        return answer.message ?? `HQ was asked again for ${plural(ids.length, 'number')}.`
      }
      await api.call('invite.send', { batchId: answer.batchId })
      setSelectedId(answer.batchId)
      setChecked(new Set())
      return (
        answer.message ??
        `Batch ${answer.batchId} created with ${plural(ids.length, 'number')} and is being sent.`
      )
    })
  }

  const sendNow = () => {
    if (!selected) return
    void act('Could not send', async () => {
      await api.call('invite.send', { batchId: selected.id, confirmOffline: true })
      return `Sending the queued numbers of batch ${selected.id}.`
    })
  }

  const resolveUnknown = (action: 'resend' | 'mark-failed') => {
    if (!selected) return
    const ids = numbers
      .filter((n) => n.status === 'unknown' && (checked.size === 0 || checked.has(n.id)))
      .map((n) => n.id)
    if (ids.length === 0) return
    void act('Could not record your decision', async () => {
      await api.call('invite.resolveUnknown', { batchId: selected.id, numberIds: ids, action })
      if (action === 'resend') await api.call('invite.send', { batchId: selected.id, confirmOffline: true })
      return action === 'resend'
        ? `Sending ${plural(ids.length, 'number')} again.`
        : `${plural(ids.length, 'number')} marked as failed.`
    })
  }

  if (batches.error && !list) {
    return (
      <section className="history-screen">
        <div className="callout callout-error" role="alert">
          <AlertIcon className="callout-icon" /> <span>{batches.error.message}</span>
        </div>
      </section>
    )
  }

  if (list && list.length === 0) {
    return (
      <section className="history-screen">
        <div className="hempty">
          <HistoryIcon className="hempty-icon" />
          <h2>No invitations sent yet</h2>
          <p className="muted">
            Batches you send from the Invite screen appear here, with HQ’s answer for every number and who has
            registered since.
          </p>
        </div>
      </section>
    )
  }

  return (
    <section className="history-screen" aria-label="Invitation history">
      <div className="hlayout">
        <div className="hbatches" role="listbox" aria-label="Batches" data-testid="batch-list">
          {!list && <p className="muted hpad">Loading…</p>}
          {list?.map((b) => {
            const isSelected = b.id === selected?.id
            return (
              <button
                type="button"
                role="option"
                aria-selected={isSelected}
                key={b.id}
                className={`hbatch${isSelected ? ' is-selected' : ''}`}
                onClick={() => selectBatch(b.id)}
              >
                <span className="hbatch-top">
                  <strong>Batch {b.id}</strong>
                  <span className={`hstate hstate-${b.state}`}>{STATE_WORDS[b.state]}</span>
                </span>
                <span className="hbatch-when">{formatWhen(b.createdAt)}</span>
                <span className="hbatch-app">{purposeText(b)}</span>
                <span className="hbatch-opts muted">
                  {createsAccounts(b.channel)
                    ? optionsText(b, facets.data)
                    : `${CHANNEL_NAMES[b.channel]} · ${optionsText(b, facets.data)}`}
                </span>
                <Funnel batch={b} />
                {problems(b, false).length > 0 && (
                  <span className="hbatch-problems">{problems(b, false).join(' · ')}</span>
                )}
              </button>
            )
          })}
        </div>

        {selected && (
          <div className="hdetail" data-testid="batch-detail">
            <div className="hdetail-head">
              <div>
                <h2>
                  Batch {selected.id} <span className="muted">· {formatWhen(selected.createdAt)}</span>
                </h2>
                <p className="muted">
                  {CHANNEL_NAMES[selected.channel]}
                  {createsAccounts(selected.channel) ? '' : ` · ${selected.appName ?? selected.appId}`} ·{' '}
                  {optionsText(selected, facets.data)} · {plural(selected.total, 'number')}
                </p>
                {problems(selected, true).length > 0 && (
                  <p className="hdetail-problems">{problems(selected, true).join(' · ')}</p>
                )}
              </div>
              <span className="hdetail-actions">
                <button
                  type="button"
                  className="btn btn-small btn-primary"
                  disabled={checked.size === 0 || working}
                  onClick={() => setConfirming(true)}
                >
                  <SendIcon /> Re-invite selected
                </button>
                <button type="button" className="btn btn-small" onClick={() => void exportCsv()}>
                  <DownloadIcon /> Export CSV
                </button>
              </span>
            </div>
            {selected.message && <p className="hmessage">“{selected.message}”</p>}
            {selected.error && (
              <div className="callout callout-warn">
                <AlertIcon className="callout-icon" /> <span>{selected.error}</span>
              </div>
            )}
            {(selected.state === 'queued' || selected.state === 'stopped') && selected.counts.queued > 0 && (
              <div className="callout callout-warn hqueued">
                <AlertIcon className="callout-icon" />
                <span>
                  <strong>Queued — will send when you confirm.</strong>{' '}
                  {plural(selected.counts.queued, 'number waits', 'numbers wait')} in the outbox.
                </span>
                <button
                  type="button"
                  className="btn btn-small btn-primary"
                  disabled={working}
                  onClick={sendNow}
                >
                  Send now
                </button>
              </div>
            )}
            {selected.counts.unknown > 0 && (
              <div className="callout callout-warn hqueued">
                <AlertIcon className="callout-icon" />
                <span>
                  <strong>
                    {plural(selected.counts.unknown, 'number has', 'numbers have')} an unknown outcome
                  </strong>
                  {checked.size > 0 ? ' (the checked ones are concerned)' : ''}: HQ may or may not have
                  received them.
                </span>
                <span className="hqueued-actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={working}
                    onClick={() => resolveUnknown('resend')}
                  >
                    Send again
                  </button>
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={working}
                    onClick={() => resolveUnknown('mark-failed')}
                  >
                    Mark as failed
                  </button>
                </span>
              </div>
            )}
            {notice && (
              <div
                className={`callout ${notice.kind === 'ok' ? 'callout-ok' : 'callout-error'}`}
                role={notice.kind === 'error' ? 'alert' : 'status'}
              >
                <span>{notice.text}</span>
              </div>
            )}
            <div className="hfilters">
              <label className="hfilter">
                <span>Status</span>
                <select
                  value={status}
                  onChange={(e) => setStatus(e.target.value as NumberStatus | 'all')}
                  aria-label="Filter by status"
                >
                  <option value="all">All ({formatCount(selected.total)})</option>
                  {(Object.keys(OUTCOME_WORDS) as NumberStatus[]).map((s) => (
                    <option key={s} value={s} disabled={selected.counts[s] === 0}>
                      {OUTCOME_WORDS[s]} ({formatCount(selected.counts[s])})
                    </option>
                  ))}
                </select>
              </label>
              <label className="hfilter">
                <span>Registered</span>
                <select
                  value={registered}
                  onChange={(e) => setRegistered(e.target.value as RegisteredFilter)}
                  aria-label="Filter by registration"
                >
                  <option value="all">Everyone</option>
                  <option value="yes">Registered ({formatCount(selected.counts.registered)})</option>
                  <option value="no">Not registered yet</option>
                </select>
              </label>
              <span className="hfilters-count muted">
                {detail.loading && !detail.data ? 'Loading…' : plural(numbers.length, 'number') + ' shown'}
                {checked.size > 0 ? ` · ${formatCount(checked.size)} checked` : ''}
              </span>
            </div>
            {detail.error && <p className="field-error">{detail.error.message}</p>}
            <NumbersTable
              accounts={createsAccounts(selected.channel)}
              numbers={numbers}
              checked={checked}
              onToggle={toggle}
              allChecked={allShownChecked}
              onToggleAll={() => setChecked(allShownChecked ? new Set() : new Set(numbers.map((n) => n.id)))}
            />
          </div>
        )}
      </div>
      {confirming && selected && (
        <ConfirmDialog
          title={REINVITE_WORDS[selected.channel].title.replace('{n}', plural(checked.size, 'number'))}
          confirmLabel={REINVITE_WORDS[selected.channel].confirm.replace(
            '{n}',
            plural(checked.size, selected.channel === 'email-confirmation' ? 'e-mail' : 'invitation')
          )}
          onCancel={() => setConfirming(false)}
          onConfirm={reinvite}
        >
          <ul className="idialog-list">
            {REINVITE_WORDS[selected.channel].points(selected.id).map((point) => (
              <li key={point}>{point}</li>
            ))}
          </ul>
        </ConfirmDialog>
      )}
    </section>
  )
}

function NumbersTable({
  accounts,
  numbers,
  checked,
  onToggle,
  allChecked,
  onToggleAll
}: {
  /** Channels 2 and 3: each number's account (username, e-mail) gets its columns. */
  accounts: boolean
  numbers: BatchNumber[]
  checked: ReadonlySet<number>
  onToggle: (id: number) => void
  allChecked: boolean
  onToggleAll: () => void
}) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: numbers.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    initialRect: { width: 900, height: 500 }
  })
  const rowClass = `hrow hhead${accounts ? ' hrow-accounts' : ''}`
  const fieldKeys = useMemo(
    () => [...new Set(numbers.slice(0, 2000).flatMap((n) => Object.keys(n.customUserData)))],
    [numbers]
  )
  return (
    <div className="hnumbers" ref={scrollRef}>
      <div
        className="hnumbers-inner"
        role="table"
        aria-label="Numbers in the batch"
        aria-rowcount={numbers.length + 1}
      >
        <div className={rowClass} role="row">
          <span role="columnheader">
            <input
              type="checkbox"
              aria-label="Check every number shown"
              checked={allChecked}
              onChange={onToggleAll}
            />
          </span>
          <span role="columnheader">Row</span>
          <span role="columnheader">Phone</span>
          {accounts && <span role="columnheader">Username</span>}
          {accounts && <span role="columnheader">E-mail</span>}
          <span role="columnheader">HQ’s answer</span>
          <span role="columnheader">Registered</span>
          <span role="columnheader">Details</span>
        </div>
        {numbers.length === 0 && <p className="muted hpad">No number matches these filters.</p>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const n = numbers[item.index]!
            const data = fieldKeys
              .filter((k) => n.customUserData[k])
              .map((k) => `${k}: ${n.customUserData[k]}`)
            return (
              <div
                key={n.id}
                role="row"
                className={`hrow${accounts ? ' hrow-accounts' : ''}${checked.has(n.id) ? ' is-checked' : ''}`}
                style={{ transform: `translateY(${item.start}px)` }}
                data-status={n.status}
              >
                <span role="cell">
                  <input
                    type="checkbox"
                    aria-label={`Check ${n.e164}`}
                    checked={checked.has(n.id)}
                    onChange={() => onToggle(n.id)}
                  />
                </span>
                <span role="cell" className="muted tabular">
                  {n.row}
                </span>
                <span role="cell" className="tabular hphone">
                  {formatPhone(n.e164)}
                </span>
                {accounts && (
                  <span role="cell" className="husername" title={n.username ?? undefined}>
                    {n.username ?? <span className="muted">—</span>}
                  </span>
                )}
                {accounts && (
                  <span role="cell" title={n.email ?? undefined}>
                    {n.email || <span className="muted">—</span>}
                  </span>
                )}
                <span role="cell">
                  {accounts && n.status === 'success' ? (
                    // For channels 2 and 3 HQ's "success" is an account it created, not an SMS.
                    <span className="ibadge ibadge-success">
                      <span className="ibadge-icon" aria-hidden="true">
                        ✓
                      </span>
                      Account created
                    </span>
                  ) : (
                    <StatusBadge
                      check={undefined}
                      outcome={{ numberId: n.id, status: n.status, reason: n.reason }}
                    />
                  )}
                </span>
                <span role="cell">
                  {n.registeredAt ? (
                    <span className="hregistered">✓ {formatWhen(n.registeredAt)}</span>
                  ) : (
                    <span className="muted">{accounts ? 'not confirmed yet' : 'not yet'}</span>
                  )}
                </span>
                <span
                  role="cell"
                  className="hdetails"
                  title={[n.reason, ...data].filter(Boolean).join(' · ')}
                >
                  {n.reason && <span className="hreason">{n.reason}</span>}
                  {data.length > 0 && <span className="muted">{data.join(' · ')}</span>}
                </span>
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}

/** Invited (or accounts created) → registered, with a bar of the share. */
function Funnel({ batch: b }: { batch: BatchSummary }) {
  const word = createsAccounts(b.channel) ? 'accounts created' : 'invited'
  return (
    <span
      className="hbatch-funnel"
      aria-label={`${b.counts.success} ${word}, ${b.counts.registered} registered`}
    >
      <span>
        <strong>{formatCount(b.counts.success)}</strong> {word}
      </span>
      <span className="hbatch-arrow" aria-hidden="true">
        →
      </span>
      <span>
        <strong>{formatCount(b.counts.registered)}</strong> registered
      </span>
      <span className="hbar" aria-hidden="true">
        <span
          style={{
            width: `${b.counts.success ? Math.round((b.counts.registered / b.counts.success) * 100) : 0}%`
          }}
        />
      </span>
    </span>
  )
}
