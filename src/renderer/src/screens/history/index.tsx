import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { Project } from '../../../../shared/domain'
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

function optionsText(b: BatchSummary): string {
  const parts = [b.androidOnly ? 'Android only' : 'Android or other']
  if (b.requireEmail) parts.push('email required')
  parts.push(b.message ? 'custom message' : 'HQ’s message')
  return parts.join(' · ')
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
      const { batchId } = await api.call('invite.reinvite', { batchId: selected.id, numberIds: ids })
      await api.call('invite.send', { batchId })
      setSelectedId(batchId)
      setChecked(new Set())
      return `Batch ${batchId} created with ${plural(ids.length, 'number')} and is being sent.`
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
                <span className="hbatch-app">{b.appName ?? b.appId}</span>
                <span className="hbatch-opts muted">{optionsText(b)}</span>
                <span
                  className="hbatch-funnel"
                  aria-label={`${b.counts.success} invited, ${b.counts.registered} registered`}
                >
                  <span>
                    <strong>{formatCount(b.counts.success)}</strong> invited
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
                {b.counts.unknown + b.counts.failed + b.counts.invalid_format + b.counts.in_use > 0 && (
                  <span className="hbatch-problems">
                    {[
                      b.counts.unknown && `${formatCount(b.counts.unknown)} unknown`,
                      b.counts.invalid_format && `${formatCount(b.counts.invalid_format)} invalid`,
                      b.counts.in_use && `${formatCount(b.counts.in_use)} in use`,
                      b.counts.failed && `${formatCount(b.counts.failed)} failed`
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </span>
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
                  {selected.appName ?? selected.appId} · {optionsText(selected)} ·{' '}
                  {plural(selected.total, 'number')}
                </p>
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
          title={`Invite ${plural(checked.size, 'number')} again?`}
          confirmLabel={`Send ${plural(checked.size, 'invitation')}`}
          onCancel={() => setConfirming(false)}
          onConfirm={reinvite}
        >
          <ul className="idialog-list">
            <li>
              A new batch is created with the same app and message as batch {selected.id}, and each number
              gets a new SMS.
            </li>
            <li>Any earlier link sent to these numbers stops working.</li>
          </ul>
        </ConfirmDialog>
      )}
    </section>
  )
}

function NumbersTable({
  numbers,
  checked,
  onToggle,
  allChecked,
  onToggleAll
}: {
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
        <div className="hrow hhead" role="row">
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
                className={`hrow${checked.has(n.id) ? ' is-checked' : ''}`}
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
                <span role="cell">
                  <StatusBadge
                    check={undefined}
                    outcome={{ numberId: n.id, status: n.status, reason: n.reason }}
                  />
                </span>
                <span role="cell">
                  {n.registeredAt ? (
                    <span className="hregistered">✓ {formatWhen(n.registeredAt)}</span>
                  ) : (
                    <span className="muted">not yet</span>
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
