import { useId, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  gridColumns,
  isEditable,
  planReplace,
  type ColumnId,
  type GridAction,
  type GridState,
  type ReplaceSpec
} from './gridState'
import { columnTitle } from './ImportGrid'

/**
 * Find & replace over the grid: in one column or every editable one, over the rows shown, with
 * the number of matches as the coordinator types and one undo step for the whole replacement.
 * The changed rows are checked again like any edit.
 */
export function FindReplace({
  grid,
  dispatch,
  onClose
}: {
  grid: GridState
  dispatch: (action: GridAction) => void
  onClose: () => void
}) {
  const { t } = useTranslation('invite')
  const id = useId()
  const [find, setFind] = useState('')
  const [replace, setReplace] = useState('')
  const [column, setColumn] = useState<ColumnId | 'all'>('all')
  const [matchCase, setMatchCase] = useState(false)
  const [done, setDone] = useState<{ count: number; rows: number } | null>(null)
  const columns = useMemo(() => gridColumns(grid).filter(isEditable), [grid])
  const spec: ReplaceSpec = { find, replace, column, matchCase }
  const plan = useMemo(
    () => planReplace(grid, { find, replace, column, matchCase }),
    [grid, find, replace, column, matchCase]
  )

  const replaceAll = () => {
    if (plan.count === 0 || grid.locked) return
    setDone({ count: plan.count, rows: plan.rows })
    dispatch({ type: 'replace', spec })
  }

  return (
    <div
      className="ifind"
      role="search"
      aria-label={t('find.label')}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose()
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-find`}>{t('find.find')}</label>
        <input
          id={`${id}-find`}
          value={find}
          autoFocus
          spellCheck={false}
          onChange={(e) => {
            setFind(e.target.value)
            setDone(null)
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') replaceAll()
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-replace`}>{t('find.replaceWith')}</label>
        <input
          id={`${id}-replace`}
          value={replace}
          spellCheck={false}
          onChange={(e) => {
            setReplace(e.target.value)
            setDone(null)
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') replaceAll()
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-column`}>{t('find.in')}</label>
        <select
          id={`${id}-column`}
          value={column}
          onChange={(e) => {
            setColumn(e.target.value as ColumnId | 'all')
            setDone(null)
          }}
        >
          <option value="all">{t('find.everyColumn')}</option>
          {columns.map((c) => (
            <option key={c} value={c}>
              {columnTitle(t, c)}
            </option>
          ))}
        </select>
      </div>
      <label className="check-label">
        <input type="checkbox" checked={matchCase} onChange={(e) => setMatchCase(e.target.checked)} />
        {t('find.matchCase')}
      </label>
      <button
        type="button"
        className="btn btn-small btn-primary"
        disabled={plan.count === 0 || grid.locked}
        onClick={replaceAll}
      >
        {t('find.replaceAll')}
      </button>
      <button type="button" className="btn btn-small" onClick={onClose}>
        {t('find.close')}
      </button>
      <p className="ifind-result small" role="status" data-testid="replace-status">
        {done
          ? t('find.replaced', {
              count: done.count,
              matches: t('find.matches', { count: done.count }),
              rows: t('find.rows', { count: done.rows })
            })
          : find === ''
            ? grid.onlyProblems
              ? t('find.looksInShown')
              : t('find.looksInAll')
            : t('find.found', {
                matches: t('find.matches', { count: plan.count }),
                rows: t('find.rows', { count: plan.rows })
              })}
      </p>
    </div>
  )
}
