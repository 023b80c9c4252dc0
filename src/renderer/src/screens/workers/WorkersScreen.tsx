import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Trans, useTranslation } from 'react-i18next'
import type { Facets, Project } from '../../../../shared/domain'
import { useApi } from '../../api/context'
import { toApiError, useDebounced, useQuery } from '../../api/hooks'
import { useSession } from '../../session'
import { i18n } from '../../i18n'
import { isShortcut, shortcutLabel } from '../../lib/keys'
import { prefs } from '../../lib/storage'
import { downloadText } from '../../lib/download'
import { CloseIcon, CloudIcon, DownloadIcon, SearchIcon, SyncIcon } from '../../shell/icons'
import { BASE_COLUMNS, FIELD_PREFIX, fieldColumn, type SortKey } from './columns'
import { ColumnPicker } from './ColumnPicker'
import { DetailPane } from './DetailPane'
import { Filters, NO_FILTERS, filtersActive, type FilterState, type StatusFilter } from './Filters'
import { SyncProblem, SyncProgressPanel } from './SyncStatus'
import type { RowWindowCache } from './rowCache'
import { useWorkerRows, type RowsQuery } from './useWorkerRows'
import { WorkerTable, type WorkerTableHandle } from './WorkerTable'

export const SEARCH_DEBOUNCE_MS = 120

export function WorkersScreen({
  project,
  onOpenBatch
}: {
  project: Project
  /** Shows an invitation batch in History (the app's one way there, as the waiting-batch banner). */
  onOpenBatch: (batchId: number) => void
}) {
  const { t } = useTranslation('workers')
  const api = useApi()
  const { sync, startSync, cancelSync, dataVersion, network } = useSession()
  const waitingUntil = network.state === 'waiting' ? network.until : null
  const projectId = project.id

  const [text, setText] = useState('')
  const [filters, setFilters] = useState<FilterState>(NO_FILTERS)
  const [sort, setSort] = useState<{ key: SortKey; dir: 'asc' | 'desc' }>({ key: 'name', dir: 'asc' })
  const [customColumns, setCustomColumns] = useState<string[]>(() => prefs.customColumns(projectId))
  const [selection, setSelection] = useState<{ rows: RowWindowCache; index: number } | null>(null)
  const [openId, setOpenId] = useState<string | null>(null)
  const [exporting, setExporting] = useState(false)
  const [exportNote, setExportNote] = useState<{ ok: boolean; text: string } | null>(null)
  const searchRef = useRef<HTMLInputElement>(null)
  const tableRef = useRef<WorkerTableHandle>(null)

  const facets = useQuery(`facets:${projectId}`, (a) => a.call('workers.facets', { projectId }), dataVersion)

  const searchText = useDebounced(text.trim(), SEARCH_DEBOUNCE_MS)
  const fieldValue = useDebounced(filters.fieldValue, SEARCH_DEBOUNCE_MS)
  const filter = useMemo(
    () => ({
      projectId,
      text: searchText || undefined,
      groupId: filters.groupId || undefined,
      locationId: filters.locationId || undefined,
      status: filters.status,
      hasPhone: filters.hasPhone || undefined,
      field: filters.fieldKey && fieldValue ? { key: filters.fieldKey, value: fieldValue } : undefined
    }),
    [
      projectId,
      searchText,
      filters.groupId,
      filters.locationId,
      filters.status,
      filters.hasPhone,
      filters.fieldKey,
      fieldValue
    ]
  )
  const columns = useMemo(() => {
    const known = new Set(facets.data?.customFieldKeys ?? customColumns)
    return [...BASE_COLUMNS, ...customColumns.filter((k) => known.has(k)).map(fieldColumn)]
  }, [customColumns, facets.data])

  // Sorting by a custom field whose column was taken away would order the rows by something
  // no longer on screen: fall back to names.
  const sortShown = columns.some((c) => c.sort === sort.key)
  const sortKey = sortShown ? sort.key : 'name'
  const sortDir = sortShown ? sort.dir : 'asc'
  const query = useMemo<RowsQuery>(
    () => ({ ...filter, sort: sortKey, dir: sortDir }),
    [filter, sortKey, sortDir]
  )

  const neverSynced = !project.lastGoodSync
  const rosterSize = facets.data ? facets.data.counts.active + facets.data.counts.archived : null
  const showEmptyState = neverSynced && (rosterSize === null || rosterSize === 0)

  const { rows, pending } = useWorkerRows(showEmptyState ? null : query, dataVersion)

  // A selection belongs to the rows it was made on. While a new search loads, the previous rows
  // stay on screen: a row clicked then must not become whichever worker lands at that index.
  const selectedIndex = selection && selection.rows === rows ? selection.index : null
  const selectedRow = selectedIndex !== null ? rows?.rowAt(selectedIndex) : undefined

  const select = useCallback(
    (index: number, open: boolean) => {
      if (rows) setSelection({ rows, index })
      const row = rows?.rowAt(index)
      if (row && (open || openId !== null)) setOpenId(row.id)
    },
    [rows, openId]
  )

  // Moving the selection by keyboard onto a row still loading: open it once it arrives.
  const selectedRowId = selectedRow?.id
  useEffect(() => {
    if (selectedRowId && openId !== null && openId !== selectedRowId) setOpenId(selectedRowId)
    // Only a change of the selected row should move the pane, not the pane's own changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedRowId])

  const closeDetail = useCallback(() => {
    setOpenId(null)
    tableRef.current?.focus()
  }, [])

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isShortcut(event, 'f')) {
        event.preventDefault()
        searchRef.current?.focus()
        searchRef.current?.select()
      } else if (event.key === 'Escape' && openId !== null && !event.defaultPrevented) {
        const target = event.target as HTMLElement | null
        // Escape in a filled search box clears it first (handled there).
        if (target === searchRef.current && text) return
        closeDetail()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [openId, text, closeDetail])

  const chooseColumns = (keys: string[]) => {
    setCustomColumns(keys)
    prefs.setCustomColumns(projectId, keys)
  }

  const onSort = (key: SortKey) =>
    setSort(key === sortKey ? { key, dir: sortDir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' })

  async function exportCsv() {
    setExporting(true)
    setExportNote(null)
    try {
      const result = await api.call('workers.exportCsv', {
        ...filter,
        columns: exportColumns(
          columns.filter((c) => c.id.startsWith(FIELD_PREFIX)).map((c) => c.id.slice(FIELD_PREFIX.length))
        )
      })
      downloadText(result.filename, result.csv)
      setExportNote({ ok: true, text: t('export.done', { count: result.rows, filename: result.filename }) })
    } catch (error) {
      setExportNote({ ok: false, text: t('export.failed', { message: toApiError(error).message }) })
    } finally {
      setExporting(false)
    }
  }

  const total = rows?.total ?? null
  const anyFilter = Boolean(searchText) || filtersActive(filters)
  const clearAll = () => {
    setText('')
    setFilters(NO_FILTERS)
  }

  if (showEmptyState) {
    return (
      <div className="workers-screen">
        <EmptyRoster
          project={project}
          onSync={() => void startSync()}
          onCancel={() => void cancelSync()}
          facetsError={facets.error?.message}
        />
      </div>
    )
  }

  return (
    <div className="workers-screen">
      <div className="toolbar">
        <div className="search">
          <SearchIcon className="search-icon" />
          <input
            ref={searchRef}
            type="search"
            aria-label={t('search.label')}
            placeholder={t('search.placeholder')}
            value={text}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && text) {
                e.preventDefault()
                setText('')
              } else if (e.key === 'ArrowDown' && total) {
                e.preventDefault()
                select(selectedIndex ?? 0, false)
                tableRef.current?.focus()
              }
            }}
          />
          <kbd className="search-kbd" aria-hidden="true">
            {shortcutLabel('f')}
          </kbd>
        </div>
        <div className="toolbar-actions">
          <ColumnPicker
            keys={facets.data?.customFieldKeys ?? []}
            chosen={customColumns}
            onChange={chooseColumns}
          />
          <button
            type="button"
            className="btn"
            onClick={() => void exportCsv()}
            disabled={exporting || !total}
            title={t('export.title')}
          >
            <DownloadIcon /> {exporting ? t('export.busy') : t('export.button')}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void startSync()}
            disabled={sync.running}
            title={t('sync.title', { shortcut: shortcutLabel('s', { shift: true }) })}
          >
            <SyncIcon className={sync.running ? 'spin' : undefined} />{' '}
            {sync.running ? t('sync.running') : t('sync.button')}
          </button>
        </div>
      </div>

      <Filters facets={facets.data} value={filters} onChange={setFilters} />

      {sync.running && (
        <SyncProgressPanel sync={sync} onCancel={() => void cancelSync()} waitingUntil={waitingUntil} />
      )}
      <SyncProblem project={project} sync={sync} />
      {exportNote && (
        <div
          className={`callout ${exportNote.ok ? 'callout-ok' : 'callout-error'} callout-dismissable`}
          role={exportNote.ok ? 'status' : 'alert'}
        >
          <div>{exportNote.text}</div>
          <button
            type="button"
            className="icon-button"
            aria-label={t('common:actions.dismiss')}
            onClick={() => setExportNote(null)}
          >
            <CloseIcon />
          </button>
        </div>
      )}

      <div className="result-bar">
        <span className="result-count" role="status" aria-live="polite">
          {countText(total, filters.status, facets.data, anyFilter)}
          {pending && <span className="muted"> · {t('search.searching')}</span>}
        </span>
        {anyFilter && (
          <button type="button" className="link-button" onClick={clearAll}>
            {t('search.clear')}
          </button>
        )}
      </div>

      <div className={`table-area${openId ? ' has-detail' : ''}`}>
        <div className="table-wrap">
          {rows?.error && (
            <div className="callout callout-error table-error" role="alert">
              <div>{rows.error.message}</div>
              <button type="button" className="btn btn-small" onClick={() => rows.retry()}>
                {t('common:actions.tryAgain')}
              </button>
            </div>
          )}
          <WorkerTable
            rows={rows}
            columns={columns}
            sort={sortKey}
            dir={sortDir}
            onSort={onSort}
            selectedIndex={selectedIndex}
            onSelect={select}
            label={t('table.label')}
            handle={tableRef}
          />
          {total === 0 && (
            <div className="table-empty">
              <p>
                {anyFilter
                  ? searchText
                    ? t('table.noMatch', { text: searchText })
                    : t('table.noMatchFilters')
                  : t('table.empty')}
              </p>
              {anyFilter && (
                <button type="button" className="btn btn-small" onClick={clearAll}>
                  {t('search.clear')}
                </button>
              )}
            </div>
          )}
        </div>
        {openId && (
          <DetailPane
            projectId={projectId}
            workerId={openId}
            dataVersion={dataVersion}
            onClose={closeDetail}
            onOpenBatch={onOpenBatch}
          />
        )}
      </div>
    </div>
  )
}

/**
 * The CSV gets the table's columns, spelled as the core's export names them (custom fields are
 * "data:<key>"), plus the identity columns a spreadsheet user needs to match rows back to HQ.
 */
export function exportColumns(customKeys: readonly string[]): string[] {
  return [
    'name',
    'first_name',
    'last_name',
    'username',
    'default_phone',
    'phones',
    'email',
    'groups',
    'location',
    'status',
    ...customKeys.map((key) => `data:${key}`),
    'id'
  ]
}

/** "2,345 of 100,000 workers" (filtered) or "100,000 workers" (everything in that status). */
export function countText(
  total: number | null,
  status: StatusFilter,
  facets: Facets | undefined,
  filtered: boolean
): string {
  const t = (key: string, values?: Record<string, unknown>) => i18n.t(key, { ns: 'workers', ...values })
  if (total === null) return t('count.loading')
  const everyone = facets
    ? status === 'active'
      ? facets.counts.active
      : status === 'archived'
        ? facets.counts.archived
        : facets.counts.active + facets.counts.archived
    : null
  // Accounts Roster created and not yet confirmed are inactive in HQ, but not archived: say how many
  // (of the whole status; a narrower filter has no count of its own for them).
  const invited = status === 'active' ? 0 : (facets?.counts.invited ?? 0)
  const tail = invited > 0 ? t('count.invitedTail', { count: invited }) : ''
  if (!filtered || everyone === null) return t(`count.${status}`, { count: total }) + (filtered ? '' : tail)
  return t(`count.${status}Of`, { count: everyone, shown: total }) + (total === everyone ? tail : '')
}

function EmptyRoster({
  project,
  onSync,
  onCancel,
  facetsError
}: {
  project: Project
  onSync: () => void
  onCancel: () => void
  facetsError: string | undefined
}) {
  const { t } = useTranslation('workers')
  const { sync, network } = useSession()
  return (
    <div className="empty-state">
      <div className="empty-card">
        <CloudIcon className="empty-icon" />
        <h2>{t('empty.title')}</h2>
        <p className="muted">
          <Trans
            t={t}
            i18nKey="empty.text"
            values={{ project: project.label || project.domain }}
            components={{ strong: <strong /> }}
          />
        </p>
        {sync.running ? (
          <SyncProgressPanel
            sync={sync}
            onCancel={onCancel}
            waitingUntil={network.state === 'waiting' ? network.until : null}
          />
        ) : (
          <button
            type="button"
            className="btn btn-primary btn-large"
            onClick={onSync}
            disabled={!project.hasKey}
          >
            <SyncIcon /> {t('empty.syncNow')}
          </button>
        )}
        {!project.hasKey && <p className="field-error">{t('empty.noKey')}</p>}
        <SyncProblem project={project} sync={sync} />
        {facetsError && (
          <p className="field-error" role="alert">
            {facetsError}
          </p>
        )}
        <p className="muted small">
          {t('empty.shortcut', { shortcut: shortcutLabel('s', { shift: true }) })}
        </p>
      </div>
    </div>
  )
}
