import { useId, useMemo, useState } from 'react'
import { plural } from '../../lib/format'
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
      aria-label="Find and replace"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose()
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-find`}>Find</label>
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
        <label htmlFor={`${id}-replace`}>Replace with</label>
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
        <label htmlFor={`${id}-column`}>In</label>
        <select
          id={`${id}-column`}
          value={column}
          onChange={(e) => {
            setColumn(e.target.value as ColumnId | 'all')
            setDone(null)
          }}
        >
          <option value="all">Every column</option>
          {columns.map((c) => (
            <option key={c} value={c}>
              {columnTitle(c)}
            </option>
          ))}
        </select>
      </div>
      <label className="check-label">
        <input type="checkbox" checked={matchCase} onChange={(e) => setMatchCase(e.target.checked)} />
        Match case
      </label>
      <button
        type="button"
        className="btn btn-small btn-primary"
        disabled={plan.count === 0 || grid.locked}
        onClick={replaceAll}
      >
        Replace all
      </button>
      <button type="button" className="btn btn-small" onClick={onClose}>
        Close
      </button>
      <p className="ifind-result small" role="status" data-testid="replace-status">
        {done
          ? `Replaced ${plural(done.count, 'match', 'matches')} in ${plural(done.rows, 'row')}. Undo puts them all back.`
          : find === ''
            ? grid.onlyProblems
              ? 'Looks in the rows shown (only rows with problems).'
              : 'Looks in every row.'
            : `${plural(plan.count, 'match', 'matches')} in ${plural(plan.rows, 'row')}`}
      </p>
    </div>
  )
}
