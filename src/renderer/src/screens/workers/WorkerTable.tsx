import { useTranslation } from 'react-i18next'
import { useEffect, useId, useImperativeHandle, useRef, type KeyboardEvent, type Ref } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { RowWindowCache } from './rowCache'
import { minTableWidth, type Column, type SortKey } from './columns'

export const ROW_HEIGHT = 40
const HEADER_HEIGHT = 38
/** Rows fetched beyond the visible ones, so a page is usually there before it scrolls into view. */
const PREFETCH = 60

export interface WorkerTableHandle {
  focus: () => void
}

export interface WorkerTableProps {
  rows: RowWindowCache | null
  columns: readonly Column[]
  sort: SortKey
  dir: 'asc' | 'desc'
  onSort: (key: SortKey) => void
  selectedIndex: number | null
  /** `open` is true for a click or Enter, false for arrow keys. */
  onSelect: (index: number, open: boolean) => void
  label: string
  handle?: Ref<WorkerTableHandle>
}

/**
 * The roster as an ARIA grid. Only the rows in view (plus a few) are in the DOM: every row has
 * the same height, so scroll position maps straight to a row index and 100,000 rows scroll as
 * smoothly as 100. Rows not fetched yet show as placeholders until their page arrives.
 */
export function WorkerTable({
  rows,
  columns,
  sort,
  dir,
  onSort,
  selectedIndex,
  onSelect,
  label,
  handle
}: WorkerTableProps) {
  const { t } = useTranslation('workers')
  const header = (column: Column) => (column.translated ? t(column.label) : column.label)
  const scrollRef = useRef<HTMLDivElement>(null)
  const gridId = useId()
  const count = rows?.total ?? 0
  const version = rows?.version ?? 0

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    paddingStart: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? -1

  useEffect(() => {
    if (last >= 0) rows?.ensure(first - PREFETCH, last + PREFETCH)
  }, [rows, first, last, version])

  useImperativeHandle(handle, () => ({ focus: () => scrollRef.current?.focus() }), [])

  // Keep the selected row in view when it moves by keyboard.
  useEffect(() => {
    if (selectedIndex !== null && selectedIndex < count)
      virtualizer.scrollToIndex(selectedIndex, { align: 'auto' })
  }, [selectedIndex, count, virtualizer])

  const template = columns.map((c) => c.width).join(' ')
  const minWidth = minTableWidth(columns)
  const pageRows = Math.max(
    1,
    Math.floor(((scrollRef.current?.clientHeight ?? 400) - HEADER_HEIGHT) / ROW_HEIGHT) - 1
  )

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (!count) return
    const current = selectedIndex ?? -1
    let next: number | null = null
    switch (event.key) {
      case 'ArrowDown':
        next = Math.min(count - 1, current + 1)
        break
      case 'ArrowUp':
        next = Math.max(0, current - 1)
        break
      case 'PageDown':
        next = Math.min(count - 1, Math.max(0, current) + pageRows)
        break
      case 'PageUp':
        next = Math.max(0, current - pageRows)
        break
      case 'Home':
        next = 0
        break
      case 'End':
        next = count - 1
        break
      case 'Enter':
      case ' ':
        if (selectedIndex !== null) {
          event.preventDefault()
          onSelect(selectedIndex, true)
        }
        return
      default:
        return
    }
    event.preventDefault()
    onSelect(next, false)
  }

  const activeId =
    selectedIndex !== null && items.some((i) => i.index === selectedIndex)
      ? `${gridId}-r${selectedIndex}`
      : undefined

  return (
    <div
      ref={scrollRef}
      className="grid-scroll"
      role="grid"
      aria-label={label}
      aria-rowcount={count + 1}
      aria-colcount={columns.length}
      aria-busy={rows ? !rows.settled : true}
      aria-activedescendant={activeId}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div className="grid-inner" style={{ minWidth, height: virtualizer.getTotalSize() }}>
        <div role="rowgroup" className="grid-head">
          <div
            role="row"
            aria-rowindex={1}
            className="grid-row grid-header-row"
            style={{ gridTemplateColumns: template }}
          >
            {columns.map((column, i) => {
              const sorted = column.sort === sort
              return (
                <div
                  key={column.id}
                  role="columnheader"
                  aria-colindex={i + 1}
                  aria-sort={
                    column.sort ? (sorted ? (dir === 'asc' ? 'ascending' : 'descending') : 'none') : undefined
                  }
                  className="grid-cell grid-header-cell"
                >
                  {column.sort ? (
                    <button
                      type="button"
                      className={`sort-button${sorted ? ' is-sorted' : ''}`}
                      onClick={() => onSort(column.sort!)}
                    >
                      <span>{header(column)}</span>
                      <span className="sort-arrow" aria-hidden="true">
                        {sorted ? (dir === 'asc' ? '▲' : '▼') : '▲'}
                      </span>
                    </button>
                  ) : (
                    <span className="header-label">{header(column)}</span>
                  )}
                </div>
              )
            })}
          </div>
        </div>
        <div role="rowgroup">
          {items.map((item) => {
            const row = rows?.rowAt(item.index)
            const selected = item.index === selectedIndex
            return (
              <div
                key={item.index}
                id={`${gridId}-r${item.index}`}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={selected}
                className={`grid-row grid-body-row${selected ? ' is-selected' : ''}${row ? '' : ' is-loading'}${item.index % 2 ? ' is-odd' : ''}`}
                style={{
                  gridTemplateColumns: template,
                  height: ROW_HEIGHT,
                  transform: `translateY(${item.start}px)`
                }}
                onClick={() => onSelect(item.index, true)}
              >
                {columns.map((column, i) => (
                  <div
                    key={column.id}
                    role="gridcell"
                    aria-colindex={i + 1}
                    className={`grid-cell cell-${column.id.replace(/[^a-z0-9-]/gi, '_')}`}
                    title={row ? column.title?.(row) : undefined}
                  >
                    {row ? column.render(row) : <span className="skeleton" />}
                  </div>
                ))}
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}
