import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useMemo, useRef, type ClipboardEvent, type KeyboardEvent, type MouseEvent } from 'react'
import Papa from 'papaparse'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import { isShortcut } from '../../lib/keys'
import {
  cellValue,
  columnsOf,
  isEditable,
  type ColumnId,
  type GridAction,
  type GridRow,
  type GridState,
  type RowCheck,
  type RowOutcome
} from './gridState'
import { StatusBadge, statusOf, toneLabel } from './status'

export const GRID_ROW_HEIGHT = 34

const WIDTHS: Record<string, string> = {
  row: '52px',
  phone: 'minmax(146px, 1fr)',
  status: '118px',
  e164: '132px',
  message: 'minmax(200px, 2.2fr)',
  username: 'minmax(150px, 1fr)',
  email: 'minmax(160px, 1fr)'
}
const FIELD_WIDTH = 'minmax(110px, 1fr)'
/** The sum of the minimum widths of these columns: narrower than this, the grid scrolls sideways. */
function minWidth(columns: readonly ColumnId[]): number {
  return columns.reduce((sum, c) => sum + (Number(/(\d+)px/.exec(WIDTHS[c] ?? FIELD_WIDTH)?.[1]) || 110), 0)
}

/** A column's title: Roster's own columns in the coordinator's language, custom data by its key. */
export function columnTitle(t: TFunction<'invite'>, column: ColumnId): string {
  return column.startsWith('field:') ? column.slice(6) : t(`column.${column}`)
}

/**
 * A block copied from a spreadsheet as cells: tab-separated lines, quoted cells as Excel writes
 * them. (Papaparse directly: the shared file readers bring the encoding detector, which only the
 * import worker needs.)
 */
export function clipboardCells(text: string): string[][] {
  const body = text.replace(/\r?\n$/, '')
  if (body === '') return []
  return Papa.parse<string[]>(body, { delimiter: '\t', header: false }).data
}

export interface ImportGridProps {
  grid: GridState
  dispatch: (action: GridAction) => void
  /** Per-row action for numbers whose outcome is unknown. */
  onResolveUnknown?: (numberIds: number[], action: 'resend' | 'mark-failed') => void
  /** Shown when there are no rows to show. */
  empty?: string
}

/**
 * The review grid: a spreadsheet over the import's rows, virtualised so 100,000 rows scroll as
 * smoothly as ten. Keyboard first: arrows, Tab, Enter/F2 to edit, Esc to cancel, typing replaces
 * the cell, Delete clears it, Ctrl+V pastes a block, Ctrl+Z/Ctrl+Y undo and redo.
 */
export function ImportGrid({ grid, dispatch, onResolveUnknown, empty }: ImportGridProps) {
  const { t } = useTranslation('invite')
  const scrollRef = useRef<HTMLDivElement>(null)
  const gridRef = useRef<HTMLDivElement>(null)
  const columns = useMemo(
    () => columnsOf(grid.fieldKeys, grid.accountKeys),
    [grid.fieldKeys, grid.accountKeys]
  )
  const template = columns.map((c) => WIDTHS[c] ?? FIELD_WIDTH).join(' ')
  const byId = useMemo(() => new Map(grid.rows.map((r) => [r.id, r])), [grid.rows])

  const virtualizer = useVirtualizer({
    count: grid.visible.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => GRID_ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 1200, height: 600 },
    scrollPaddingStart: GRID_ROW_HEIGHT
  })

  const cursorIndex = grid.cursor ? grid.visible.indexOf(grid.cursor.id) : -1
  useEffect(() => {
    if (cursorIndex >= 0) virtualizer.scrollToIndex(cursorIndex, { align: 'auto' })
  }, [cursorIndex, virtualizer])

  // After an edit ends the input is gone and focus with it: keys go back to the grid, unless the
  // coordinator moved on to something else (a button, another field).
  const editing = grid.editing !== null
  const wasEditing = useRef(false)
  useEffect(() => {
    if (wasEditing.current && !editing) {
      const active = document.activeElement
      const lost = !active || active === document.body || scrollRef.current?.contains(active)
      if (lost) gridRef.current?.focus({ preventScroll: true })
    }
    wasEditing.current = editing
  }, [editing])

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (grid.editing) return
    if (isShortcut(event, 'z')) {
      event.preventDefault()
      dispatch({ type: 'undo' })
      return
    }
    if (isShortcut(event, 'y') || isShortcut(event, 'z', { shift: true })) {
      event.preventDefault()
      dispatch({ type: 'redo' })
      return
    }
    if (isShortcut(event, 'a')) {
      event.preventDefault()
      dispatch({ type: 'selectAll' })
      return
    }
    const ctrl = event.ctrlKey || event.metaKey
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / GRID_ROW_HEIGHT) - 1)
    const moves: Record<string, GridAction> = {
      ArrowDown: { type: 'move', dRow: 1, dCol: 0 },
      ArrowUp: { type: 'move', dRow: -1, dCol: 0 },
      ArrowLeft: { type: 'move', dRow: 0, dCol: -1 },
      ArrowRight: { type: 'move', dRow: 0, dCol: 1 },
      PageDown: { type: 'page', rows: page },
      PageUp: { type: 'page', rows: -page },
      Home: ctrl ? { type: 'moveTo', where: 'first' } : { type: 'moveTo', where: 'rowStart' },
      End: ctrl ? { type: 'moveTo', where: 'last' } : { type: 'moveTo', where: 'rowEnd' }
    }
    if (event.key === 'Tab') {
      const atEdge = event.shiftKey ? grid.cursor?.col === 0 : grid.cursor?.col === columns.length - 1
      if (atEdge) return // let focus leave the grid
      event.preventDefault()
      dispatch({ type: 'move', dRow: 0, dCol: event.shiftKey ? -1 : 1 })
      return
    }
    const move = moves[event.key]
    if (move) {
      event.preventDefault()
      dispatch(move)
      return
    }
    if (event.key === 'Enter' || event.key === 'F2') {
      event.preventDefault()
      if (isEditable(columns[grid.cursor?.col ?? -1])) dispatch({ type: 'startEdit' })
      else dispatch({ type: 'move', dRow: event.shiftKey ? -1 : 1, dCol: 0 })
      return
    }
    if (event.key === ' ' && event.shiftKey && grid.cursor) {
      event.preventDefault()
      dispatch({ type: 'toggleSelect', id: grid.cursor.id })
      return
    }
    if (event.key === 'Escape') {
      dispatch({ type: 'clearSelection' })
      return
    }
    if ((event.key === 'Delete' || event.key === 'Backspace') && ctrl) {
      event.preventDefault()
      dispatch({ type: 'deleteRows' })
      return
    }
    if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault()
      dispatch({ type: 'clearCells' })
      return
    }
    if (event.key.length === 1 && !ctrl && !event.altKey && isEditable(columns[grid.cursor?.col ?? -1])) {
      event.preventDefault()
      dispatch({ type: 'startEdit', initial: event.key })
    }
  }

  const onPaste = (event: ClipboardEvent<HTMLDivElement>) => {
    if (grid.editing) return
    const cells = clipboardCells(event.clipboardData.getData('text/plain'))
    if (cells.length === 0) return
    event.preventDefault()
    dispatch({ type: 'paste', cells })
  }

  const onCopy = (event: ClipboardEvent<HTMLDivElement>) => {
    if (grid.editing || !grid.cursor) return
    const row = byId.get(grid.cursor.id)
    const column = columns[grid.cursor.col]
    if (!row || !column) return
    event.preventDefault()
    event.clipboardData.setData(
      'text/plain',
      displayValue(t, row, column, grid.checks.get(row.id), grid.outcomes.get(row.id))
    )
  }

  const items = virtualizer.getVirtualItems()
  const activeId = grid.cursor ? `grid-cell-${grid.cursor.id}-${grid.cursor.col}` : undefined

  return (
    <div className="igrid-scroll" ref={scrollRef}>
      <div
        ref={gridRef}
        className="igrid"
        role="grid"
        aria-label={t('grid.label')}
        aria-rowcount={grid.visible.length + 1}
        aria-colcount={columns.length}
        aria-multiselectable="true"
        aria-activedescendant={activeId}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        onCopy={onCopy}
        style={{
          height: virtualizer.getTotalSize() + GRID_ROW_HEIGHT,
          minWidth: minWidth(columns)
        }}
      >
        <div
          className="igrid-row igrid-head"
          role="row"
          aria-rowindex={1}
          style={{ gridTemplateColumns: template }}
        >
          {columns.map((column, col) => (
            <div
              key={column}
              role="columnheader"
              aria-colindex={col + 1}
              className={`igrid-cell igrid-col-${column.startsWith('field:') ? 'field' : column}`}
              title={column.startsWith('field:') ? t('grid.fieldTitle', { key: column.slice(6) }) : undefined}
            >
              {column.startsWith('field:') && <span className="igrid-field-tag">{t('grid.dataTag')}</span>}
              {columnTitle(t, column)}
              {isEditable(column) && <span className="visually-hidden"> {t('grid.editable')}</span>}
            </div>
          ))}
        </div>
        {grid.visible.length === 0 && <div className="igrid-empty">{empty ?? t('grid.empty')}</div>}
        {items.map((item) => {
          const id = grid.visible[item.index]!
          const row = byId.get(id)
          if (!row) return null
          return (
            <GridLine
              key={id}
              row={row}
              index={item.index}
              top={item.start + GRID_ROW_HEIGHT}
              columns={columns}
              template={template}
              grid={grid}
              dispatch={dispatch}
              onResolveUnknown={onResolveUnknown}
            />
          )
        })}
      </div>
    </div>
  )
}

function displayValue(
  t: TFunction<'invite'>,
  row: GridRow,
  column: ColumnId,
  check: RowCheck | undefined,
  outcome: RowOutcome | undefined
): string {
  switch (column) {
    case 'row':
      return String(row.row)
    case 'status':
      return outcome ? toneLabel(t, outcome.status) : check ? toneLabel(t, check.status) : ''
    case 'e164':
      return check?.e164 ?? ''
    case 'message':
      return outcome?.reason ?? check?.message ?? ''
    case 'username':
      return cellValue(row, column) || (check?.username ?? '')
    default:
      return cellValue(row, column)
  }
}

interface GridLineProps {
  row: GridRow
  index: number
  top: number
  columns: ColumnId[]
  template: string
  grid: GridState
  dispatch: (action: GridAction) => void
  onResolveUnknown?: ((numberIds: number[], action: 'resend' | 'mark-failed') => void) | undefined
}

function GridLine({ row, index, top, columns, template, grid, dispatch, onResolveUnknown }: GridLineProps) {
  const { t } = useTranslation('invite')
  const check = grid.checks.get(row.id)
  const outcome = grid.outcomes.get(row.id)
  const status = statusOf(check, outcome)
  const selected = grid.selected.has(row.id)
  const cursorHere = grid.cursor?.id === row.id

  const onMouseDown = (col: number) => (event: MouseEvent) => {
    if (col === 0 && (event.ctrlKey || event.metaKey || event.shiftKey)) {
      event.preventDefault()
      dispatch({ type: 'toggleSelect', id: row.id, range: event.shiftKey })
      return
    }
    if (grid.editing?.id === row.id && grid.editing.col === col) return
    dispatch({ type: 'select', id: row.id, col })
  }

  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-row={row.row}
      data-status={status}
      className={`igrid-row igrid-status-${status}${selected ? ' is-selected' : ''}${cursorHere ? ' has-cursor' : ''}`}
      style={{ transform: `translateY(${top}px)`, gridTemplateColumns: template }}
    >
      {columns.map((column, col) => {
        const isCursor = cursorHere && grid.cursor?.col === col
        const isEditing = grid.editing?.id === row.id && grid.editing.col === col
        const editable = isEditable(column) && !grid.locked
        return (
          <div
            key={column}
            id={`grid-cell-${row.id}-${col}`}
            role="gridcell"
            aria-colindex={col + 1}
            aria-readonly={!editable}
            data-col={column}
            className={`igrid-cell igrid-col-${column.startsWith('field:') ? 'field' : column}${isCursor ? ' is-cursor' : ''}${editable ? ' is-editable' : ''}`}
            onMouseDown={onMouseDown(col)}
            onDoubleClick={() => editable && dispatch({ type: 'startEdit' })}
          >
            {isEditing ? (
              <CellEditor
                value={grid.editing!.draft}
                dispatch={dispatch}
                label={t('grid.cellLabel', { column: columnTitle(t, column), row: row.row })}
              />
            ) : (
              <Cell
                row={row}
                column={column}
                check={check}
                outcome={outcome}
                onResolveUnknown={onResolveUnknown}
                onUseUsername={
                  grid.locked
                    ? undefined
                    : (id, username) => dispatch({ type: 'setCell', id, column: 'username', value: username })
                }
              />
            )}
          </div>
        )
      })}
    </div>
  )
}

function Cell({
  row,
  column,
  check,
  outcome,
  onResolveUnknown,
  onUseUsername
}: {
  row: GridRow
  column: ColumnId
  check: RowCheck | undefined
  outcome: RowOutcome | undefined
  onResolveUnknown?: ((numberIds: number[], action: 'resend' | 'mark-failed') => void) | undefined
  /** Takes the username the check suggests (absent while the rows cannot change). */
  onUseUsername?: ((id: number, username: string) => void) | undefined
}) {
  const { t } = useTranslation('invite')
  switch (column) {
    case 'row':
      return <span className="igrid-rownum">{row.row}</span>
    case 'status':
      return <StatusBadge check={check} outcome={outcome} />
    case 'e164':
      return <span className="tabular">{check?.e164 ?? ''}</span>
    case 'message': {
      const text = outcome
        ? (outcome.reason ?? (outcome.status === 'success' ? t('grid.smsSent') : ''))
        : (check?.message ?? '')
      return (
        <>
          <span className="igrid-message" title={text}>
            {text}
          </span>
          {!outcome && check?.usernameSuggestion && onUseUsername && (
            <span className="igrid-row-actions">
              <button
                type="button"
                className="btn btn-small"
                onClick={() => onUseUsername(row.id, check.usernameSuggestion!)}
              >
                {t('grid.useUsername', { username: check.usernameSuggestion })}
              </button>
            </span>
          )}
          {outcome?.status === 'unknown' && onResolveUnknown && (
            <span className="igrid-row-actions">
              <button
                type="button"
                className="btn btn-small"
                onClick={() => onResolveUnknown([outcome.numberId], 'resend')}
              >
                {t('results.sendAgain')}
              </button>
              <button
                type="button"
                className="btn btn-small"
                onClick={() => onResolveUnknown([outcome.numberId], 'mark-failed')}
              >
                {t('results.markFailed')}
              </button>
            </span>
          )}
        </>
      )
    }
    case 'username': {
      const own = cellValue(row, column)
      if (own !== '') return <span>{own}</span>
      // Made from the template: shown, but set apart from what the coordinator typed.
      return check?.username ? (
        <span className="igrid-made" title={t('grid.madeFromTemplate')}>
          {check.username}
        </span>
      ) : (
        <span className="igrid-placeholder">{t('grid.typeUsername')}</span>
      )
    }
    default: {
      const value = cellValue(row, column)
      return value === '' && column === 'phone' ? (
        <span className="igrid-placeholder">{t('grid.typeNumber')}</span>
      ) : (
        <span>{value}</span>
      )
    }
  }
}

function CellEditor({
  value,
  dispatch,
  label
}: {
  value: string
  dispatch: (a: GridAction) => void
  label: string
}) {
  const ref = useRef<HTMLInputElement>(null)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    el.focus({ preventScroll: true })
    el.setSelectionRange(el.value.length, el.value.length)
  }, [])
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    event.stopPropagation()
    switch (event.key) {
      case 'Enter':
        event.preventDefault()
        dispatch({ type: 'commit', then: event.shiftKey ? 'up' : 'down' })
        break
      case 'Tab':
        event.preventDefault()
        dispatch({ type: 'commit', then: event.shiftKey ? 'left' : 'right' })
        break
      case 'Escape':
        event.preventDefault()
        dispatch({ type: 'cancel' })
        break
      case 'ArrowUp':
        event.preventDefault()
        dispatch({ type: 'commit', then: 'up' })
        break
      case 'ArrowDown':
        event.preventDefault()
        dispatch({ type: 'commit', then: 'down' })
        break
    }
  }
  return (
    <input
      ref={ref}
      className="igrid-input"
      aria-label={label}
      value={value}
      spellCheck={false}
      autoComplete="off"
      onChange={(e) => dispatch({ type: 'draft', draft: e.target.value })}
      onKeyDown={onKeyDown}
      onBlur={() => dispatch({ type: 'commit', then: 'stay' })}
      onPaste={(e) => e.stopPropagation()}
    />
  )
}
