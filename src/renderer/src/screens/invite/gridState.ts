/**
 * The review grid's state as plain data and one pure reducer: rows and their cells, the cursor
 * and the cell being edited, the "only problems" filter, row selection, and undo/redo. The
 * validation verdicts (from the import worker) and send outcomes (from the core) are merged in
 * by actions too, so everything the grid draws is derived from this one value.
 *
 * Every change to cell values leaves a `patch` (rows to revalidate, rows removed) that the screen
 * forwards to the validation engine; the engine answers with `checks` for every row whose verdict
 * changed (a duplicate fixed in one row also clears its twin).
 */
import type { NumberStatus } from '../../../../shared/invite'

export type CheckStatus = 'ready' | 'fixed' | 'warning' | 'error'

/**
 * The columns an account needs (channels 2 and 3), as the column mapping names their roles.
 * `name` is a full name, for lists that do not split it.
 */
export const ACCOUNT_KEYS = ['username', 'first_name', 'last_name', 'name', 'email'] as const
export type AccountKey = (typeof ACCOUNT_KEYS)[number]

/** One row as the coordinator sees and edits it. `id` is stable for the life of the import. */
export interface GridRow {
  id: number
  /** Row number in the source (header = 1), or the next free number for rows typed by hand. */
  row: number
  phone: string
  fields: Record<string, string>
  /** The account's cells (channels 2 and 3); a missing key is an empty cell. */
  account?: Partial<Record<AccountKey, string>>
}

/** The validation verdict for one row. */
export interface RowCheck {
  status: CheckStatus
  e164: string | null
  /** What was fixed, what is wrong, or what to watch out for; '' when there is nothing to say. */
  message: string
  /** The row was invited before (HQ may already have sent it a link): sending again is a choice. */
  invitedBefore?: boolean
  /** A valid number of a type that probably cannot receive SMS (a landline...): sending is a choice. */
  nonMobile?: boolean
  /**
   * Channels 2 and 3: the username the account will get (the row's own, or one made from the
   * template), before "@<domain>.commcarehq.org"; absent when there is none to give.
   */
  username?: string
  /** The username was made by Roster (from the template), not typed or read from the list. */
  usernameMade?: boolean
  /** A username that would fix the row's username problem (the message says it too). */
  usernameSuggestion?: string
  /** The account's names and e-mail as they will be sent (checked with accounts only). */
  firstName?: string
  lastName?: string
  email?: string
}

/** What happened when the row was sent (matched by E.164 after the batch ran). */
export interface RowOutcome {
  numberId: number
  status: NumberStatus
  reason: string | null
}

/** The column a cell lives in; `field:<key>` for custom user data. */
export type ColumnId = 'row' | 'phone' | 'status' | 'e164' | 'message' | AccountKey | `field:${string}`

/** The username sits by the phone (both are checked); the other account cells after the verdict. */
export function columnsOf(fieldKeys: readonly string[], accountKeys: readonly AccountKey[] = []): ColumnId[] {
  const shown = new Set(accountKeys)
  return [
    'row',
    'phone',
    ...(shown.has('username') ? (['username'] as const) : []),
    'status',
    'e164',
    'message',
    ...ACCOUNT_KEYS.filter((k) => k !== 'username' && shown.has(k)),
    ...fieldKeys.map((k) => `field:${k}` as const)
  ]
}

export function gridColumns(state: Pick<GridState, 'fieldKeys' | 'accountKeys'>): ColumnId[] {
  return columnsOf(state.fieldKeys, state.accountKeys)
}

function isAccountKey(column: string | undefined): column is AccountKey {
  return (ACCOUNT_KEYS as readonly string[]).includes(column ?? '')
}

export function isEditable(column: ColumnId | undefined): boolean {
  return column === 'phone' || isAccountKey(column) || (column?.startsWith('field:') ?? false)
}

export interface Cursor {
  id: number
  col: number
}

export interface Editing {
  id: number
  col: number
  draft: string
}

type Change =
  | { kind: 'set'; id: number; column: ColumnId; before: string; after: string }
  | { kind: 'remove'; items: { index: number; row: GridRow }[] }
  | { kind: 'add'; items: { index: number; row: GridRow }[] }

/** One undo step: everything one action changed. */
type Step = Change[]

export interface Patch {
  /** Rows whose values changed or that came back (undo of a delete): revalidate them. */
  upsert: GridRow[]
  /** Rows that are gone. */
  remove: number[]
}

export interface GridState {
  rows: GridRow[]
  fieldKeys: string[]
  /** Account columns shown (channels 2 and 3), in ACCOUNT_KEYS order. */
  accountKeys: AccountKey[]
  checks: ReadonlyMap<number, RowCheck>
  outcomes: ReadonlyMap<number, RowOutcome>
  onlyProblems: boolean
  /** Rows kept in view while the filter is on because they were just edited. */
  pinned: ReadonlySet<number>
  /** Ids in display order after the filter. */
  visible: number[]
  selected: ReadonlySet<number>
  cursor: Cursor | null
  editing: Editing | null
  undo: Step[]
  redo: Step[]
  nextId: number
  /** The last change to cell values, for the validation engine; `seq` grows with each one. */
  patch: Patch | null
  patchSeq: number
  /** Rows cannot be changed while (or after) they are sent. */
  locked: boolean
}

export type GridAction =
  | { type: 'load'; rows: GridRow[]; fieldKeys: string[]; accountKeys?: AccountKey[] }
  /** Shows these account columns (the channel changed); rows and history stay. */
  | { type: 'accountColumns'; keys: AccountKey[] }
  | { type: 'checks'; checks: Iterable<readonly [number, RowCheck]>; replace?: boolean }
  | { type: 'outcomes'; outcomes: Iterable<readonly [number, RowOutcome]> }
  | { type: 'lock'; locked: boolean }
  | { type: 'select'; id: number; col?: number }
  | { type: 'move'; dRow: number; dCol: number }
  | { type: 'moveTo'; where: 'first' | 'last' | 'rowStart' | 'rowEnd' }
  | { type: 'page'; rows: number }
  | { type: 'startEdit'; initial?: string }
  | { type: 'draft'; draft: string }
  | { type: 'commit'; then?: 'down' | 'up' | 'right' | 'left' | 'stay' }
  | { type: 'cancel' }
  | { type: 'setCell'; id: number; column: ColumnId; value: string }
  | { type: 'paste'; cells: string[][] }
  | { type: 'clearCells' }
  | { type: 'addRow' }
  | { type: 'toggleSelect'; id: number; range?: boolean }
  | { type: 'selectAll'; ids?: number[] }
  | { type: 'clearSelection' }
  | { type: 'deleteRows'; ids?: number[] }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'setFilter'; onlyProblems: boolean }
  /** Find & replace over the rows shown: one undo step. */
  | { type: 'replace'; spec: ReplaceSpec }

const UNDO_LIMIT = 200

export function emptyGrid(): GridState {
  return {
    rows: [],
    fieldKeys: [],
    accountKeys: [],
    checks: new Map(),
    outcomes: new Map(),
    onlyProblems: false,
    pinned: new Set(),
    visible: [],
    selected: new Set(),
    cursor: null,
    editing: null,
    undo: [],
    redo: [],
    nextId: 1,
    patch: null,
    patchSeq: 0,
    locked: false
  }
}

/** Outcomes that are, or may still become, an invitation: not a problem to show. */
const UNDER_WAY = new Set<NumberStatus>(['success', 'queued', 'sending', 'pending'])

/** A row counts as a problem when it cannot be sent as is, or its send did not succeed. */
export function isProblem(check: RowCheck | undefined, outcome?: RowOutcome): boolean {
  if (outcome) return !UNDER_WAY.has(outcome.status)
  return check?.status === 'warning' || check?.status === 'error'
}

function computeVisible(
  rows: readonly GridRow[],
  onlyProblems: boolean,
  checks: ReadonlyMap<number, RowCheck>,
  outcomes: ReadonlyMap<number, RowOutcome>,
  pinned: ReadonlySet<number>
): number[] {
  if (!onlyProblems) return rows.map((r) => r.id)
  const ids: number[] = []
  for (const r of rows) {
    if (pinned.has(r.id) || isProblem(checks.get(r.id), outcomes.get(r.id))) ids.push(r.id)
  }
  return ids
}

function withVisible(state: GridState): GridState {
  const visible = computeVisible(state.rows, state.onlyProblems, state.checks, state.outcomes, state.pinned)
  let cursor = state.cursor
  if (cursor && !visible.includes(cursor.id)) {
    cursor = visible.length ? { id: visible[0]!, col: cursor.col } : null
  }
  if (!cursor && visible.length) cursor = { id: visible[0]!, col: 1 }
  return { ...state, visible, cursor }
}

export function cellValue(row: GridRow, column: ColumnId): string {
  if (column === 'phone') return row.phone
  if (isAccountKey(column)) return row.account?.[column] ?? ''
  if (column.startsWith('field:')) return row.fields[column.slice(6)] ?? ''
  return ''
}

function withCell(row: GridRow, column: ColumnId, value: string): GridRow {
  if (column === 'phone') return { ...row, phone: value }
  if (isAccountKey(column)) return { ...row, account: { ...row.account, [column]: value } }
  return { ...row, fields: { ...row.fields, [column.slice(6)]: value } }
}

function indexById(rows: readonly GridRow[]): Map<number, number> {
  const map = new Map<number, number>()
  rows.forEach((r, i) => map.set(r.id, i))
  return map
}

/** Applies a step forwards (or backwards for undo) and says which rows the engine must look at. */
function applyStep(rows: GridRow[], step: Step, backwards: boolean): { rows: GridRow[]; patch: Patch } {
  let next = rows.slice()
  const upsert = new Map<number, GridRow>()
  const remove = new Set<number>()
  const changes = backwards ? step.slice().reverse() : step
  for (const change of changes) {
    if (change.kind === 'set') {
      const index = next.findIndex((r) => r.id === change.id)
      if (index === -1) continue
      const row = withCell(next[index]!, change.column, backwards ? change.before : change.after)
      next[index] = row
      upsert.set(row.id, row)
      continue
    }
    const adding = (change.kind === 'add') !== backwards
    if (adding) {
      // Items are sorted by their final index, so inserting in order restores every position.
      for (const item of change.items) {
        next.splice(Math.min(item.index, next.length), 0, item.row)
        upsert.set(item.row.id, item.row)
        remove.delete(item.row.id)
      }
    } else {
      const gone = new Set(change.items.map((i) => i.row.id))
      next = next.filter((r) => !gone.has(r.id))
      for (const id of gone) {
        remove.add(id)
        upsert.delete(id)
      }
    }
  }
  return { rows: next, patch: { upsert: [...upsert.values()], remove: [...remove] } }
}

function record(state: GridState, step: Step, rows: GridRow[], patch: Patch, pin: number[]): GridState {
  if (step.length === 0) return state
  const undo = [...state.undo, step]
  if (undo.length > UNDO_LIMIT) undo.shift()
  return commitRows({ ...state, undo, redo: [] }, rows, patch, pin)
}

function commitRows(state: GridState, rows: GridRow[], patch: Patch, pin: number[]): GridState {
  const checks = new Map(state.checks)
  const outcomes = new Map(state.outcomes)
  const selected = new Set(state.selected)
  for (const id of patch.remove) {
    checks.delete(id)
    outcomes.delete(id)
    selected.delete(id)
  }
  const pinned = state.onlyProblems ? new Set([...state.pinned, ...pin]) : state.pinned
  return withVisible({
    ...state,
    rows,
    checks,
    outcomes,
    selected,
    pinned,
    patch,
    patchSeq: state.patchSeq + 1
  })
}

function moveCursor(state: GridState, dRow: number, dCol: number): GridState {
  const columns = gridColumns(state)
  if (!state.cursor || state.visible.length === 0) return withVisible(state)
  const at = state.visible.indexOf(state.cursor.id)
  const rowIndex = Math.max(0, Math.min(state.visible.length - 1, (at === -1 ? 0 : at) + dRow))
  const col = Math.max(0, Math.min(columns.length - 1, state.cursor.col + dCol))
  return { ...state, cursor: { id: state.visible[rowIndex]!, col } }
}

function commitEdit(state: GridState): GridState {
  const editing = state.editing
  if (!editing) return state
  const cleared = { ...state, editing: null }
  const row = state.rows.find((r) => r.id === editing.id)
  const column = gridColumns(state)[editing.col]
  if (!row || !column || !isEditable(column)) return cleared
  return setCells(cleared, [{ id: row.id, column, value: editing.draft }])
}

function setCells(state: GridState, cells: { id: number; column: ColumnId; value: string }[]): GridState {
  if (state.locked) return state
  const index = indexById(state.rows)
  const step: Change[] = []
  for (const cell of cells) {
    const i = index.get(cell.id)
    if (i === undefined || !isEditable(cell.column)) continue
    const before = cellValue(state.rows[i]!, cell.column)
    if (before === cell.value) continue
    step.push({ kind: 'set', id: cell.id, column: cell.column, before, after: cell.value })
  }
  if (step.length === 0) return state
  const { rows, patch } = applyStep(state.rows, step, false)
  return record(
    state,
    step,
    rows,
    patch,
    cells.map((c) => c.id)
  )
}

function nextRowNumber(rows: readonly GridRow[]): number {
  let max = 1
  for (const r of rows) if (r.row > max) max = r.row
  return max + 1
}

export function gridReducer(state: GridState, action: GridAction): GridState {
  switch (action.type) {
    case 'load': {
      const rows = action.rows
      const fresh = emptyGrid()
      return withVisible({
        ...fresh,
        rows,
        fieldKeys: action.fieldKeys,
        accountKeys: action.accountKeys ?? state.accountKeys,
        nextId: rows.reduce((max, r) => Math.max(max, r.id), 0) + 1,
        patchSeq: state.patchSeq,
        cursor: rows.length ? { id: rows[0]!.id, col: 1 } : null
      })
    }
    case 'accountColumns': {
      const keys = ACCOUNT_KEYS.filter((k) => action.keys.includes(k))
      if (keys.join() === state.accountKeys.join()) return state
      // The cursor stays on the same column where it can.
      const column = state.cursor ? gridColumns(state)[state.cursor.col] : undefined
      const next = { ...state, accountKeys: keys, editing: null }
      const col = column ? gridColumns(next).indexOf(column) : -1
      return state.cursor ? { ...next, cursor: { id: state.cursor.id, col: col >= 0 ? col : 1 } } : next
    }
    case 'checks': {
      const checks = action.replace ? new Map<number, RowCheck>() : new Map(state.checks)
      for (const [id, check] of action.checks) checks.set(id, check)
      return withVisible({ ...state, checks })
    }
    case 'outcomes': {
      const outcomes = new Map(state.outcomes)
      for (const [id, outcome] of action.outcomes) outcomes.set(id, outcome)
      return withVisible({ ...state, outcomes })
    }
    case 'lock':
      return { ...state, locked: action.locked, editing: action.locked ? null : state.editing }
    case 'select': {
      if (!state.visible.includes(action.id)) return state
      const col = action.col ?? state.cursor?.col ?? 1
      const moved = state.editing ? commitEdit(state) : state
      return { ...moved, cursor: { id: action.id, col } }
    }
    case 'move':
      return moveCursor(state.editing ? commitEdit(state) : state, action.dRow, action.dCol)
    case 'page':
      return moveCursor(state, action.rows, 0)
    case 'moveTo': {
      if (!state.cursor || state.visible.length === 0) return state
      const last = gridColumns(state).length - 1
      switch (action.where) {
        case 'first':
          return { ...state, cursor: { id: state.visible[0]!, col: state.cursor.col } }
        case 'last':
          return { ...state, cursor: { id: state.visible[state.visible.length - 1]!, col: state.cursor.col } }
        case 'rowStart':
          return { ...state, cursor: { ...state.cursor, col: 0 } }
        case 'rowEnd':
          return { ...state, cursor: { ...state.cursor, col: last } }
      }
      return state
    }
    case 'startEdit': {
      if (state.locked || !state.cursor) return state
      const column = gridColumns(state)[state.cursor.col]
      const row = state.rows.find((r) => r.id === state.cursor!.id)
      if (!row || !isEditable(column)) return state
      return {
        ...state,
        editing: { id: row.id, col: state.cursor.col, draft: action.initial ?? cellValue(row, column!) }
      }
    }
    case 'draft':
      return state.editing ? { ...state, editing: { ...state.editing, draft: action.draft } } : state
    case 'commit': {
      const committed = commitEdit(state)
      switch (action.then ?? 'down') {
        case 'down':
          return moveCursor(committed, 1, 0)
        case 'up':
          return moveCursor(committed, -1, 0)
        case 'right':
          return moveCursor(committed, 0, 1)
        case 'left':
          return moveCursor(committed, 0, -1)
        default:
          return committed
      }
    }
    case 'cancel':
      return { ...state, editing: null }
    case 'setCell':
      return setCells(state, [{ id: action.id, column: action.column, value: action.value }])
    case 'clearCells': {
      if (!state.cursor) return state
      const column = gridColumns(state)[state.cursor.col]
      if (!column || !isEditable(column)) return state
      const ids = state.selected.size ? [...state.selected] : [state.cursor.id]
      return setCells(
        state,
        ids.map((id) => ({ id, column, value: '' }))
      )
    }
    case 'paste':
      return paste(state, action.cells)
    case 'addRow': {
      if (state.locked) return state
      const row: GridRow = { id: state.nextId, row: nextRowNumber(state.rows), phone: '', fields: {} }
      const step: Step = [{ kind: 'add', items: [{ index: state.rows.length, row }] }]
      const { rows, patch } = applyStep(state.rows, step, false)
      const next = record({ ...state, nextId: state.nextId + 1, editing: null }, step, rows, patch, [row.id])
      return { ...next, cursor: { id: row.id, col: 1 }, editing: { id: row.id, col: 1, draft: '' } }
    }
    case 'toggleSelect': {
      const selected = new Set(state.selected)
      if (action.range && state.cursor) {
        const a = state.visible.indexOf(state.cursor.id)
        const b = state.visible.indexOf(action.id)
        if (a !== -1 && b !== -1) {
          for (let i = Math.min(a, b); i <= Math.max(a, b); i++) selected.add(state.visible[i]!)
          return { ...state, selected, cursor: { id: action.id, col: state.cursor.col } }
        }
      }
      if (selected.has(action.id)) selected.delete(action.id)
      else selected.add(action.id)
      return { ...state, selected, cursor: { id: action.id, col: state.cursor?.col ?? 0 } }
    }
    case 'selectAll':
      return { ...state, selected: new Set(action.ids ?? state.visible) }
    case 'clearSelection':
      return state.selected.size ? { ...state, selected: new Set() } : state
    case 'deleteRows': {
      if (state.locked) return state
      const ids = new Set(
        action.ids ?? (state.selected.size ? state.selected : state.cursor ? [state.cursor.id] : [])
      )
      if (ids.size === 0) return state
      const items: { index: number; row: GridRow }[] = []
      state.rows.forEach((row, index) => {
        if (ids.has(row.id)) items.push({ index, row })
      })
      if (items.length === 0) return state
      const step: Step = [{ kind: 'remove', items }]
      // Keep the cursor near where it was: on the next row still in view after the deleted ones.
      const at = state.cursor ? state.visible.indexOf(state.cursor.id) : -1
      const after = state.visible.slice(Math.max(0, at)).find((id) => !ids.has(id))
      const before = state.visible
        .slice(0, Math.max(0, at))
        .reverse()
        .find((id) => !ids.has(id))
      const { rows, patch } = applyStep(state.rows, step, false)
      const next = record({ ...state, editing: null, selected: new Set() }, step, rows, patch, [])
      const target = after ?? before
      return target !== undefined && state.cursor
        ? { ...next, cursor: { id: target, col: state.cursor.col } }
        : next
    }
    case 'undo':
    case 'redo': {
      if (state.locked) return state
      const from = action.type === 'undo' ? state.undo : state.redo
      const step = from[from.length - 1]
      if (!step) return state
      const { rows, patch } = applyStep(state.rows, step, action.type === 'undo')
      const rest = from.slice(0, -1)
      const moved =
        action.type === 'undo'
          ? { ...state, undo: rest, redo: [...state.redo, step], editing: null }
          : { ...state, redo: rest, undo: [...state.undo, step], editing: null }
      const next = commitRows(
        moved,
        rows,
        patch,
        patch.upsert.map((r) => r.id)
      )
      // Put the cursor on what changed, so the coordinator sees what was undone.
      const focus = patch.upsert[0]
      const setChange = step.find((c) => c.kind === 'set')
      if (focus && next.visible.includes(focus.id)) {
        const columns = gridColumns(next)
        const col =
          setChange?.kind === 'set' ? Math.max(0, columns.indexOf(setChange.column)) : (next.cursor?.col ?? 1)
        return { ...next, cursor: { id: focus.id, col } }
      }
      return next
    }
    case 'replace': {
      if (state.locked) return state
      return setCells(state, planReplace(state, action.spec).cells)
    }
    case 'setFilter': {
      if (state.onlyProblems === action.onlyProblems) return state
      return withVisible({ ...state, onlyProblems: action.onlyProblems, pinned: new Set(), editing: null })
    }
  }
}

/**
 * Spreadsheet paste: the block lands at the cursor, across the editable columns to its right and
 * down the visible rows, adding rows at the end when the block is longer than what is left.
 * One undo step.
 */
function paste(state: GridState, cells: string[][]): GridState {
  if (state.locked || cells.length === 0) return state
  const columns = gridColumns(state)
  const editable = columns.map((c, i) => ({ c, i })).filter(({ c }) => isEditable(c))
  const startCol = state.cursor?.col ?? 1
  const targets = editable.filter(({ i }) => i >= startCol).map(({ c }) => c)
  if (targets.length === 0) targets.push('phone')
  const startAt = state.cursor ? Math.max(0, state.visible.indexOf(state.cursor.id)) : state.visible.length
  const sets: { id: number; column: ColumnId; value: string }[] = []
  const added: { index: number; row: GridRow }[] = []
  let nextId = state.nextId
  let rowNumber = nextRowNumber(state.rows)
  cells.forEach((values, r) => {
    let id = state.visible[startAt + r]
    let fresh: GridRow | undefined
    if (id === undefined) {
      fresh = { id: nextId++, row: rowNumber++, phone: '', fields: {} }
      id = fresh.id
    }
    values.slice(0, targets.length).forEach((value, c) => {
      const column = targets[c]!
      if (fresh) fresh = withCell(fresh, column, value)
      else sets.push({ id: id!, column, value })
    })
    if (fresh) added.push({ index: state.rows.length + added.length, row: fresh })
  })
  const index = indexById(state.rows)
  const step: Step = []
  for (const s of sets) {
    const before = cellValue(state.rows[index.get(s.id)!]!, s.column)
    if (before !== s.value) step.push({ kind: 'set', id: s.id, column: s.column, before, after: s.value })
  }
  if (added.length) step.push({ kind: 'add', items: added })
  const { rows, patch } = applyStep(state.rows, step, false)
  const pin = [...sets.map((s) => s.id), ...added.map((a) => a.row.id)]
  return record({ ...state, nextId, editing: null }, step, rows, patch, pin)
}

export interface StatusCounts {
  total: number
  ready: number
  fixed: number
  warning: number
  error: number
  /** Rows whose verdict has not come back yet. */
  pending: number
  /** Rows that were invited before (a subset of the others). */
  invitedBefore: number
}

export function countStatuses(state: Pick<GridState, 'rows' | 'checks'>): StatusCounts {
  const counts: StatusCounts = {
    total: 0,
    ready: 0,
    fixed: 0,
    warning: 0,
    error: 0,
    pending: 0,
    invitedBefore: 0
  }
  for (const row of state.rows) {
    counts.total++
    const check = state.checks.get(row.id)
    if (!check) counts.pending++
    else {
      counts[check.status]++
      if (check.invitedBefore) counts.invitedBefore++
    }
  }
  return counts
}

export function canUndo(state: GridState): boolean {
  return !state.locked && state.undo.length > 0
}

export function canRedo(state: GridState): boolean {
  return !state.locked && state.redo.length > 0
}

export interface ReplaceSpec {
  find: string
  replace: string
  /** One editable column, or every editable column shown. */
  column: ColumnId | 'all'
  matchCase?: boolean
}

export interface ReplacePlan {
  cells: { id: number; column: ColumnId; value: string }[]
  /** Occurrences replaced, and rows touched. */
  count: number
  rows: number
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * What find & replace would change, over the rows shown (the "only problems" filter narrows it)
 * and the editable columns. A username Roster made from the template counts as the cell's text:
 * replacing in it makes it the row's own.
 */
export function planReplace(
  state: Pick<GridState, 'rows' | 'visible' | 'fieldKeys' | 'accountKeys' | 'checks'>,
  spec: ReplaceSpec
): ReplacePlan {
  const plan: ReplacePlan = { cells: [], count: 0, rows: 0 }
  if (spec.find === '') return plan
  const columns = gridColumns(state).filter(
    (c) => isEditable(c) && (spec.column === 'all' || c === spec.column)
  )
  const pattern = new RegExp(escapeRegExp(spec.find), spec.matchCase ? 'g' : 'gi')
  const byId = new Map(state.rows.map((r) => [r.id, r]))
  for (const id of state.visible) {
    const row = byId.get(id)
    if (!row) continue
    let touched = false
    for (const column of columns) {
      let text = cellValue(row, column)
      if (column === 'username' && text === '') text = state.checks.get(id)?.username ?? ''
      const found = text.match(pattern)
      if (!found) continue
      const value = text.replace(pattern, () => spec.replace)
      if (value === cellValue(row, column)) continue
      plan.count += found.length
      plan.cells.push({ id, column, value })
      touched = true
    }
    if (touched) plan.rows++
  }
  return plan
}
