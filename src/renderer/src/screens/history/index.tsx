import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import { createsAccounts } from '../../../../shared/channels'
import type { Facets, Project } from '../../../../shared/domain'
import type { BatchNumber, BatchSummary, NumberStatus } from '../../../../shared/invite'
import { useApi } from '../../api/context'
import { toApiError, useEvent, useQuery } from '../../api/hooks'
import { formatCount, formatPhone, formatWhen } from '../../lib/format'
import { AlertIcon, DownloadIcon, HistoryIcon, SendIcon } from '../../shell/icons'
import { useChannelName } from '../invite/ChannelPanel'
import { ConfirmDialog } from '../invite/ConfirmDialog'
import { downloadText } from '../invite/download'
import { OUTCOME_WORDS } from '../invite/sendPlan'
import { StatusBadge, useOutcomeWord } from '../invite/status'
import './history.css'

const ROW_HEIGHT = 36

type RegisteredFilter = 'all' | 'yes' | 'no'

type T = TFunction<'history'>

/** How a batch went out: channel 1's options, or (channels 2, 3) the location and group its accounts got. */
function optionsText(t: T, b: BatchSummary, facets: Facets | undefined): string {
  if (createsAccounts(b.channel)) {
    const parts: string[] = []
    if (b.locationId) {
      const name = facets?.locations.find((l) => l.id === b.locationId)?.name
      parts.push(t('options.location', { name: name ?? b.locationId }))
    }
    if (b.groupId)
      parts.push(
        t('options.group', { name: facets?.groups.find((g) => g.id === b.groupId)?.name ?? b.groupId })
      )
    return parts.join(' · ') || t('options.noPlacement')
  }
  const parts = [b.androidOnly ? t('options.androidOnly') : t('options.androidOrOther')]
  if (b.requireEmail) parts.push(t('options.emailRequired'))
  parts.push(b.message ? t('options.customMessage') : t('options.hqMessage'))
  return parts.join(' · ')
}

/** What HQ has not settled or refused, in the coordinator's words; short on the list, long in the detail. */
function problems(t: T, b: BatchSummary, long: boolean): string[] {
  const c = b.counts
  const form = long ? 'long' : 'short'
  return [
    c.pending > 0 && t(`problems.${form}.pending`, { count: c.pending }),
    c.refused > 0 && t(`problems.${form}.refused`, { count: c.refused }),
    c.unknown > 0 && t('problems.unknown', { count: c.unknown }),
    c.invalid_format > 0 && t('problems.invalid', { count: c.invalid_format }),
    c.in_use > 0 && t('problems.inUse', { count: c.in_use }),
    c.failed > 0 && t('problems.failed', { count: c.failed })
  ].filter((x): x is string => Boolean(x))
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
  const { t } = useTranslation('history')
  const channelName = useChannelName()
  const outcomeWord = useOutcomeWord()
  /** What a batch was for: channel 1 invites to an app; channels 2 and 3 create accounts. */
  const purposeText = (b: BatchSummary) =>
    createsAccounts(b.channel) ? channelName(b.channel) : (b.appName ?? b.appId)
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

  // The batch list is one Tab stop: the arrows move the selection (and focus) along it.
  const listRef = useRef<HTMLDivElement>(null)
  const onListKey = (event: React.KeyboardEvent) => {
    if (!list?.length) return
    const at = list.findIndex((b) => b.id === selected?.id)
    const next =
      event.key === 'ArrowDown'
        ? Math.min(list.length - 1, at + 1)
        : event.key === 'ArrowUp'
          ? Math.max(0, at - 1)
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? list.length - 1
              : null
    if (next === null) return
    event.preventDefault()
    selectBatch(list[next]!.id)
    listRef.current?.querySelectorAll<HTMLElement>('[role="option"]')[next]?.focus()
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
      setNotice({ kind: 'ok', text: t('notice.exported', { count: file.rows, filename: file.filename }) })
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
      setNotice({ kind: 'error', text: t('notice.failed', { label, error: toApiError(e).message }) })
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
    void act(t('notice.reinviteFailed'), async () => {
      const answer = await api.call('invite.reinvite', { batchId: selected.id, numberIds: ids })
      // Channel 1 makes a new batch to send; channels 2 and 3 answer what HQ did (or cannot do).
      if (answer.batchId === selected.id) {
        setChecked(new Set())
        // The core's own words when it has them (what HQ did or cannot do), as it sends them.
        return answer.message ?? t('notice.askedAgain', { count: ids.length })
      }
      await api.call('invite.send', { batchId: answer.batchId })
      setSelectedId(answer.batchId)
      setChecked(new Set())
      return answer.message ?? t('notice.batchCreated', { id: answer.batchId, count: ids.length })
    })
  }

  const sendNow = () => {
    if (!selected) return
    void act(t('notice.sendFailed'), async () => {
      await api.call('invite.send', { batchId: selected.id, confirmOffline: true })
      return t('notice.sendingQueued', { id: selected.id })
    })
  }

  const resolveUnknown = (action: 'resend' | 'mark-failed') => {
    if (!selected) return
    const ids = numbers
      .filter((n) => n.status === 'unknown' && (checked.size === 0 || checked.has(n.id)))
      .map((n) => n.id)
    if (ids.length === 0) return
    void act(t('notice.decisionFailed'), async () => {
      await api.call('invite.resolveUnknown', { batchId: selected.id, numberIds: ids, action })
      if (action === 'resend') await api.call('invite.send', { batchId: selected.id, confirmOffline: true })
      return action === 'resend'
        ? t('notice.sendingAgain', { count: ids.length })
        : t('notice.markedFailed', { count: ids.length })
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
          <h2>{t('empty.title')}</h2>
          <p className="muted">{t('empty.text')}</p>
        </div>
      </section>
    )
  }

  return (
    <section className="history-screen" aria-label={t('label')}>
      <div className="hlayout">
        <div
          className="hbatches"
          role="listbox"
          aria-label={t('batches')}
          data-testid="batch-list"
          ref={listRef}
          onKeyDown={onListKey}
        >
          {!list && <p className="muted hpad">{t('loading')}</p>}
          {list?.map((b, index) => {
            const isSelected = b.id === selected?.id
            return (
              <button
                type="button"
                role="option"
                aria-selected={isSelected}
                tabIndex={isSelected || (!selected && index === 0) ? 0 : -1}
                key={b.id}
                className={`hbatch${isSelected ? ' is-selected' : ''}`}
                onClick={() => selectBatch(b.id)}
              >
                <span className="hbatch-top">
                  <strong>{t('batch', { id: b.id })}</strong>
                  <span className={`hstate hstate-${b.state}`}>{t(`state.${b.state}`)}</span>
                </span>
                <span className="hbatch-when">{formatWhen(b.createdAt)}</span>
                <span className="hbatch-app">{purposeText(b)}</span>
                <span className="hbatch-opts muted">
                  {createsAccounts(b.channel)
                    ? optionsText(t, b, facets.data)
                    : `${channelName(b.channel)} · ${optionsText(t, b, facets.data)}`}
                </span>
                <Funnel batch={b} />
                {problems(t, b, false).length > 0 && (
                  <span className="hbatch-problems">{problems(t, b, false).join(' · ')}</span>
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
                  {t('batch', { id: selected.id })}{' '}
                  <span className="muted">· {formatWhen(selected.createdAt)}</span>
                </h2>
                <p className="muted">
                  {channelName(selected.channel)}
                  {createsAccounts(selected.channel) ? '' : ` · ${selected.appName ?? selected.appId}`} ·{' '}
                  {optionsText(t, selected, facets.data)} · {t('numbers', { count: selected.total })}
                </p>
                {problems(t, selected, true).length > 0 && (
                  <p className="hdetail-problems">{problems(t, selected, true).join(' · ')}</p>
                )}
              </div>
              <span className="hdetail-actions">
                <button
                  type="button"
                  className="btn btn-small btn-primary"
                  disabled={checked.size === 0 || working}
                  onClick={() => setConfirming(true)}
                >
                  <SendIcon /> {t('reinviteSelected')}
                </button>
                <button type="button" className="btn btn-small" onClick={() => void exportCsv()}>
                  <DownloadIcon /> {t('exportCsv')}
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
                  <strong>{t('queued.title')}</strong> {t('queued.text', { count: selected.counts.queued })}
                </span>
                <button
                  type="button"
                  className="btn btn-small btn-primary"
                  disabled={working}
                  onClick={sendNow}
                >
                  {t('queued.sendNow')}
                </button>
              </div>
            )}
            {selected.counts.unknown > 0 && (
              <div className="callout callout-warn hqueued">
                <AlertIcon className="callout-icon" />
                <span>
                  <strong>{t('unknown.title', { count: selected.counts.unknown })}</strong>
                  {checked.size > 0 ? ` ${t('unknown.checkedOnes')}` : ''}
                  {t('unknown.text')}
                </span>
                <span className="hqueued-actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={working}
                    onClick={() => resolveUnknown('resend')}
                  >
                    {t('unknown.sendAgain')}
                  </button>
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={working}
                    onClick={() => resolveUnknown('mark-failed')}
                  >
                    {t('unknown.markFailed')}
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
                <span>{t('filters.status')}</span>
                <select
                  value={status}
                  onChange={(e) => setStatus(e.target.value as NumberStatus | 'all')}
                  aria-label={t('filters.byStatus')}
                >
                  <option value="all">{t('filters.all', { n: formatCount(selected.total) })}</option>
                  {(Object.keys(OUTCOME_WORDS) as NumberStatus[]).map((s) => (
                    <option key={s} value={s} disabled={selected.counts[s] === 0}>
                      {t('filters.withCount', { word: outcomeWord(s), n: formatCount(selected.counts[s]) })}
                    </option>
                  ))}
                </select>
              </label>
              <label className="hfilter">
                <span>{t('filters.registered')}</span>
                <select
                  value={registered}
                  onChange={(e) => setRegistered(e.target.value as RegisteredFilter)}
                  aria-label={t('filters.byRegistration')}
                >
                  <option value="all">{t('filters.everyone')}</option>
                  <option value="yes">
                    {t('filters.registeredCount', { n: formatCount(selected.counts.registered) })}
                  </option>
                  <option value="no">{t('filters.notRegistered')}</option>
                </select>
              </label>
              <span className="hfilters-count muted">
                {detail.loading && !detail.data
                  ? t('loading')
                  : t('filters.shown', { count: numbers.length })}
                {checked.size > 0 ? ` · ${t('filters.checked', { count: checked.size })}` : ''}
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
          title={t(`reinvite.${selected.channel}.title`, { count: checked.size })}
          confirmLabel={t(`reinvite.${selected.channel}.confirm`, { count: checked.size })}
          onCancel={() => setConfirming(false)}
          onConfirm={reinvite}
          // Re-invite selected is disabled once the numbers are sent: focus the batch now shown.
          returnFocusTo={() => listRef.current?.querySelector<HTMLElement>('[aria-selected="true"]') ?? null}
        >
          <ul className="idialog-list">
            <li>{t(`reinvite.${selected.channel}.first`, { id: selected.id })}</li>
            <li>{t(`reinvite.${selected.channel}.second`)}</li>
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
  const { t } = useTranslation('history')
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
        aria-label={t('table.label')}
        aria-rowcount={numbers.length + 1}
      >
        <div className={rowClass} role="row">
          <span role="columnheader">
            <input
              type="checkbox"
              aria-label={t('table.checkAll')}
              checked={allChecked}
              onChange={onToggleAll}
            />
          </span>
          <span role="columnheader">{t('table.row')}</span>
          <span role="columnheader">{t('table.phone')}</span>
          {accounts && <span role="columnheader">{t('table.username')}</span>}
          {accounts && <span role="columnheader">{t('table.email')}</span>}
          <span role="columnheader">{t('table.answer')}</span>
          <span role="columnheader">{t('table.registered')}</span>
          <span role="columnheader">{t('table.details')}</span>
        </div>
        {numbers.length === 0 && <p className="muted hpad">{t('table.noMatch')}</p>}
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
                    aria-label={t('table.check', { phone: n.e164 })}
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
                      {t('table.accountCreated')}
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
                    <span className="muted">{accounts ? t('table.notConfirmed') : t('table.notYet')}</span>
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
  const { t } = useTranslation('history')
  const created = createsAccounts(b.channel)
  const values = { count: b.counts.success, registered: formatCount(b.counts.registered) }
  return (
    <span
      className="hbatch-funnel"
      aria-label={t(created ? 'funnel.labelAccounts' : 'funnel.labelInvited', values)}
    >
      <span>
        <strong>{formatCount(b.counts.success)}</strong>{' '}
        {t(created ? 'funnel.accounts' : 'funnel.invited', { count: b.counts.success })}
      </span>
      <span className="hbatch-arrow" aria-hidden="true">
        →
      </span>
      <span>
        <strong>{formatCount(b.counts.registered)}</strong>{' '}
        {t('funnel.registered', { count: b.counts.registered })}
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
