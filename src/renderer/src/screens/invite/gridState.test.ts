import { describe, expect, it } from 'vitest'
import {
  canRedo,
  canUndo,
  countStatuses,
  emptyGrid,
  gridReducer,
  type GridAction,
  type GridState,
  type RowCheck
} from './gridState'

function load(phones: string[], fields: Record<string, string>[] = []): GridState {
  return gridReducer(emptyGrid(), {
    type: 'load',
    fieldKeys: ['village'],
    rows: phones.map((phone, i) => ({
      id: i + 1,
      row: i + 2,
      phone,
      fields: fields[i] ?? { village: `V${i}` }
    }))
  })
}

function run(state: GridState, ...actions: GridAction[]): GridState {
  return actions.reduce(gridReducer, state)
}

const ready: RowCheck = { status: 'ready', e164: '+254712345678', message: '' }
const bad: RowCheck = { status: 'error', e164: null, message: 'too short for a Kenyan number' }

describe('grid state', () => {
  it('loads rows with stable ids and puts the cursor on the first phone cell', () => {
    const s = load(['0712345678', '0722'])
    expect(s.rows.map((r) => r.id)).toEqual([1, 2])
    expect(s.visible).toEqual([1, 2])
    expect(s.cursor).toEqual({ id: 1, col: 1 })
    expect(s.patch).toBeNull()
  })

  it('edits a cell, leaves a patch for the validation engine, and undoes and redoes it', () => {
    let s = load(['0712345678', '0722'])
    s = run(s, { type: 'select', id: 2, col: 1 }, { type: 'startEdit' })
    expect(s.editing).toEqual({ id: 2, col: 1, draft: '0722' })
    s = run(s, { type: 'draft', draft: '0722000111' }, { type: 'commit', then: 'stay' })
    expect(s.rows[1]!.phone).toBe('0722000111')
    expect(s.patch).toEqual({ upsert: [s.rows[1]], remove: [] })
    const seq = s.patchSeq
    expect(canUndo(s)).toBe(true)

    s = gridReducer(s, { type: 'undo' })
    expect(s.rows[1]!.phone).toBe('0722')
    expect(s.patch?.upsert.map((r) => r.phone)).toEqual(['0722'])
    expect(s.patchSeq).toBe(seq + 1)
    expect(canRedo(s)).toBe(true)

    s = gridReducer(s, { type: 'redo' })
    expect(s.rows[1]!.phone).toBe('0722000111')
    expect(canRedo(s)).toBe(false)
  })

  it('cancels an edit without changing the cell or the undo history', () => {
    let s = load(['0712345678'])
    s = run(s, { type: 'startEdit', initial: '9' }, { type: 'draft', draft: '99' }, { type: 'cancel' })
    expect(s.rows[0]!.phone).toBe('0712345678')
    expect(s.editing).toBeNull()
    expect(canUndo(s)).toBe(false)
  })

  it('does not record an edit that leaves the value as it was', () => {
    let s = load(['0712345678'])
    s = run(s, { type: 'startEdit' }, { type: 'commit' })
    expect(canUndo(s)).toBe(false)
    expect(s.patch).toBeNull()
  })

  it('edits custom fields and never the computed columns', () => {
    let s = load(['0712345678'])
    s = run(
      s,
      { type: 'select', id: 1, col: 5 },
      { type: 'startEdit' },
      { type: 'draft', draft: 'Kisumu' },
      { type: 'commit' }
    )
    expect(s.rows[0]!.fields).toEqual({ village: 'Kisumu' })
    const before = s
    s = run(s, { type: 'select', id: 1, col: 3 }, { type: 'startEdit' })
    expect(s.editing).toBeNull()
    expect(s.rows).toBe(before.rows)
  })

  it('moves the cursor with the arrow keys and stops at the edges', () => {
    let s = load(['1', '2', '3'])
    s = run(s, { type: 'move', dRow: 1, dCol: 0 }, { type: 'move', dRow: 5, dCol: 0 })
    expect(s.cursor).toEqual({ id: 3, col: 1 })
    s = run(s, { type: 'move', dRow: 0, dCol: -4 })
    expect(s.cursor).toEqual({ id: 3, col: 0 })
    s = run(s, { type: 'move', dRow: 0, dCol: 99 })
    expect(s.cursor).toEqual({ id: 3, col: 5 })
    s = run(s, { type: 'moveTo', where: 'first' })
    expect(s.cursor?.id).toBe(1)
  })

  it('commits the edit when the cursor moves away with Tab', () => {
    let s = load(['1', '2'])
    s = run(s, { type: 'startEdit', initial: '07' }, { type: 'commit', then: 'right' })
    expect(s.rows[0]!.phone).toBe('07')
    expect(s.cursor).toEqual({ id: 1, col: 2 })
  })

  it('shows only rows with problems and keeps an edited row in view until the filter changes', () => {
    let s = load(['0712345678', '0722', '0733'])
    s = gridReducer(s, {
      type: 'checks',
      checks: [
        [1, ready],
        [2, bad],
        [3, bad]
      ],
      replace: true
    })
    s = gridReducer(s, { type: 'setFilter', onlyProblems: true })
    expect(s.visible).toEqual([2, 3])
    expect(s.cursor?.id).toBe(2)

    s = run(s, { type: 'startEdit', initial: '0722000111' }, { type: 'commit', then: 'stay' })
    s = gridReducer(s, { type: 'checks', checks: [[2, ready]] })
    // Fixed, but still shown so the coordinator sees it turn ready.
    expect(s.visible).toEqual([2, 3])

    s = run(s, { type: 'setFilter', onlyProblems: false }, { type: 'setFilter', onlyProblems: true })
    expect(s.visible).toEqual([3])
  })

  it('counts rows per status, with rows still being checked apart', () => {
    let s = load(['a', 'b', 'c', 'd'])
    s = gridReducer(s, {
      type: 'checks',
      checks: [
        [1, ready],
        [2, bad],
        [3, { status: 'warning', e164: '+254733000111', message: 'invited before', invitedBefore: true }]
      ]
    })
    expect(countStatuses(s)).toEqual({
      total: 4,
      ready: 1,
      fixed: 0,
      warning: 1,
      error: 1,
      pending: 1,
      invitedBefore: 1
    })
  })

  it('deletes the selected rows in one step and puts them back in place on undo', () => {
    let s = load(['a', 'b', 'c', 'd'])
    s = gridReducer(s, {
      type: 'checks',
      checks: [
        [2, bad],
        [4, bad]
      ]
    })
    s = run(s, { type: 'toggleSelect', id: 2 }, { type: 'toggleSelect', id: 4 }, { type: 'deleteRows' })
    expect(s.rows.map((r) => r.phone)).toEqual(['a', 'c'])
    expect(s.patch).toEqual({ upsert: [], remove: [2, 4] })
    expect(s.checks.has(2)).toBe(false)
    expect(s.selected.size).toBe(0)

    s = gridReducer(s, { type: 'undo' })
    expect(s.rows.map((r) => r.phone)).toEqual(['a', 'b', 'c', 'd'])
    expect(s.patch?.upsert.map((r) => r.id).sort()).toEqual([2, 4])
    expect(s.patch?.remove).toEqual([])

    s = gridReducer(s, { type: 'redo' })
    expect(s.rows.map((r) => r.phone)).toEqual(['a', 'c'])
  })

  it('deletes the row under the cursor when nothing is selected and moves to the next row', () => {
    let s = load(['a', 'b', 'c'])
    s = run(s, { type: 'select', id: 2, col: 1 }, { type: 'deleteRows' })
    expect(s.rows.map((r) => r.phone)).toEqual(['a', 'c'])
    expect(s.cursor?.id).toBe(3)
  })

  it('selects a range of rows with shift', () => {
    let s = load(['a', 'b', 'c', 'd'])
    s = run(s, { type: 'toggleSelect', id: 1 }, { type: 'toggleSelect', id: 3, range: true })
    expect([...s.selected].sort()).toEqual([1, 2, 3])
  })

  it('adds a row by hand, numbered after the last source row, and starts editing its phone', () => {
    let s = load(['a', 'b'])
    s = gridReducer(s, { type: 'addRow' })
    expect(s.rows).toHaveLength(3)
    expect(s.rows[2]).toMatchObject({ id: 3, row: 4, phone: '' })
    expect(s.editing).toEqual({ id: 3, col: 1, draft: '' })
    s = run(s, { type: 'draft', draft: '0712345678' }, { type: 'commit' })
    expect(s.rows[2]!.phone).toBe('0712345678')
    s = run(s, { type: 'undo' }, { type: 'undo' })
    expect(s.rows).toHaveLength(2)
  })

  it('pastes a block at the cursor across editable columns and adds rows past the end, as one undo step', () => {
    let s = load(['a', 'b'])
    s = run(s, { type: 'select', id: 2, col: 1 })
    s = gridReducer(s, {
      type: 'paste',
      cells: [
        ['0711000111', 'Kisumu', 'ignored'],
        ['0722000222', 'Nakuru']
      ]
    })
    expect(s.rows.map((r) => [r.phone, r.fields.village])).toEqual([
      ['a', 'V0'],
      ['0711000111', 'Kisumu'],
      ['0722000222', 'Nakuru']
    ])
    expect(s.rows[2]!.row).toBe(4)
    s = gridReducer(s, { type: 'undo' })
    expect(s.rows.map((r) => r.phone)).toEqual(['a', 'b'])
    expect(s.rows[1]!.fields.village).toBe('V1')
  })

  it('clears the cell under the cursor with Delete as an undoable edit', () => {
    let s = load(['a'])
    s = gridReducer(s, { type: 'clearCells' })
    expect(s.rows[0]!.phone).toBe('')
    s = gridReducer(s, { type: 'undo' })
    expect(s.rows[0]!.phone).toBe('a')
  })

  it('refuses every change once the rows are locked for sending', () => {
    let s = load(['a', 'b'])
    s = gridReducer(s, { type: 'lock', locked: true })
    const locked = s
    s = run(
      s,
      { type: 'startEdit' },
      { type: 'setCell', id: 1, column: 'phone', value: 'x' },
      { type: 'deleteRows' },
      { type: 'addRow' },
      { type: 'paste', cells: [['x']] },
      { type: 'undo' }
    )
    expect(s.rows).toBe(locked.rows)
    expect(s.editing).toBeNull()
  })

  it('lists rows whose send did not succeed among the problems', () => {
    let s = load(['a', 'b', 'c'])
    s = gridReducer(s, {
      type: 'checks',
      checks: [
        [1, ready],
        [2, ready],
        [3, ready]
      ]
    })
    s = gridReducer(s, {
      type: 'outcomes',
      outcomes: [
        [1, { numberId: 10, status: 'success', reason: null }],
        [2, { numberId: 11, status: 'unknown', reason: 'HQ did not answer' }],
        [3, { numberId: 12, status: 'in_use', reason: null }]
      ]
    })
    s = gridReducer(s, { type: 'setFilter', onlyProblems: true })
    expect(s.visible).toEqual([2, 3])
  })

  it('keeps at most 200 undo steps', () => {
    let s = load(['a'])
    for (let i = 0; i < 210; i++)
      s = gridReducer(s, { type: 'setCell', id: 1, column: 'phone', value: String(i) })
    expect(s.undo).toHaveLength(200)
  })
})
