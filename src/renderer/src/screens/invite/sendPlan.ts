/**
 * Which grid rows go into a batch, which stay behind and why, and how the batch's answers map
 * back onto the rows. Pure functions over the grid state.
 */
import Papa from 'papaparse'
import type { BatchNumber, NumberStatus } from '../../../../shared/invite'
import { isProblem, type GridRow, type GridState, type RowCheck, type RowOutcome } from './gridState'

export interface SendChoices {
  /** Invite again numbers an earlier batch already invited (their earlier link stops working). */
  reinvite: boolean
  /** Invite numbers that look like landlines or other numbers that may not receive SMS. */
  nonMobile: boolean
}

export interface SendPlan {
  rows: { row: number; e164: string; customUserData: Record<string, string> }[]
  /** Grid ids of the rows in `rows`, same order. */
  ids: number[]
  errors: number
  invitedBefore: number
  nonMobile: number
  skippedInvited: number
  skippedNonMobile: number
  /** Rows still being checked: sending waits for them. */
  pending: number
}

export function planSend(state: Pick<GridState, 'rows' | 'checks'>, choices: SendChoices): SendPlan {
  const plan: SendPlan = {
    rows: [],
    ids: [],
    errors: 0,
    invitedBefore: 0,
    nonMobile: 0,
    skippedInvited: 0,
    skippedNonMobile: 0,
    pending: 0
  }
  for (const row of state.rows) {
    const check = state.checks.get(row.id)
    if (!check) {
      plan.pending++
      continue
    }
    if (check.status === 'error' || !check.e164) {
      plan.errors++
      continue
    }
    if (check.invitedBefore) {
      plan.invitedBefore++
      if (!choices.reinvite) {
        plan.skippedInvited++
        continue
      }
    }
    if (check.nonMobile) {
      plan.nonMobile++
      if (!choices.nonMobile) {
        plan.skippedNonMobile++
        continue
      }
    }
    plan.rows.push({ row: row.row, e164: check.e164, customUserData: nonEmpty(row.fields) })
    plan.ids.push(row.id)
  }
  return plan
}

/**
 * Trimmed fields, blanks left out. Kept per fields object (a row's fields are replaced, never
 * changed, on edit): the plan is redone on every verdict and choice, and 100,000 rows need not
 * be trimmed again each time.
 */
const trimmed = new WeakMap<Record<string, string>, Record<string, string>>()

function nonEmpty(fields: Record<string, string>): Record<string, string> {
  const known = trimmed.get(fields)
  if (known) return known
  const out: Record<string, string> = {}
  for (const key in fields) {
    const v = fields[key]!.trim()
    if (v !== '') out[key] = v
  }
  trimmed.set(fields, out)
  return out
}

/** The batch's numbers matched to the rows that were sent, by E.164. */
export function outcomesFor(
  state: Pick<GridState, 'rows' | 'checks'>,
  sentIds: readonly number[],
  numbers: readonly BatchNumber[]
): [number, RowOutcome][] {
  const byE164 = new Map<string, BatchNumber>()
  for (const n of numbers) byE164.set(n.e164, n)
  const sent = new Set(sentIds)
  const out: [number, RowOutcome][] = []
  for (const row of state.rows) {
    if (!sent.has(row.id)) continue
    const e164 = state.checks.get(row.id)?.e164
    const n = e164 ? byE164.get(e164) : undefined
    if (n) out.push([row.id, { numberId: n.id, status: n.status, reason: n.reason }])
  }
  return out
}

export const OUTCOME_WORDS: Record<NumberStatus, string> = {
  queued: 'Waiting to send',
  sending: 'Sending',
  success: 'Invited',
  invalid_format: 'Invalid format',
  in_use: 'In use',
  failed: 'Failed',
  unknown: 'Unknown',
  pending: 'Waiting for HQ',
  refused: 'Refused by HQ'
}

/** Why a row is not (or was not) invited, or null when it was or will be. */
export function rejectionReason(
  check: RowCheck | undefined,
  outcome: RowOutcome | undefined,
  choices: SendChoices
): string | null {
  if (outcome) {
    if (!isProblem(undefined, outcome)) return null
    return `${OUTCOME_WORDS[outcome.status]}${outcome.reason ? `: ${outcome.reason}` : ''}`
  }
  if (!check) return null
  if (check.status === 'error' || !check.e164) return check.message || 'not a phone number'
  if (check.invitedBefore && !choices.reinvite) return check.message || 'already invited'
  if (check.nonMobile && !choices.nonMobile) return check.message || 'may not receive SMS'
  return null
}

/** How many rows rejectedCsv would list. */
export function rejectedCount(
  state: Pick<GridState, 'rows' | 'checks' | 'outcomes'>,
  choices: SendChoices
): number {
  let count = 0
  for (const row of state.rows) {
    if (rejectionReason(state.checks.get(row.id), state.outcomes.get(row.id), choices) !== null) count++
  }
  return count
}

/** Cells Excel would run as formulas start with these; a phone number starting with "+" and a digit is safe. */
function safeCell(value: string): string {
  return /^[=@\t\r]/.test(value) || /^[+-][^\d]/.test(value) ? `'${value}` : value
}

/** The rows that are not invited, with the reason and every mapped field, as CSV text. */
export function rejectedCsv(
  state: Pick<GridState, 'rows' | 'checks' | 'outcomes' | 'fieldKeys'>,
  choices: SendChoices
): { csv: string; count: number } {
  const header = ['row', 'phone', 'reason', 'e164', ...state.fieldKeys]
  const lines: string[][] = []
  const push = (row: GridRow, reason: string) => {
    const check = state.checks.get(row.id)
    lines.push(
      [
        String(row.row),
        row.phone,
        reason,
        check?.e164 ?? '',
        ...state.fieldKeys.map((k) => row.fields[k] ?? '')
      ].map(safeCell)
    )
  }
  for (const row of state.rows) {
    const reason = rejectionReason(state.checks.get(row.id), state.outcomes.get(row.id), choices)
    if (reason !== null) push(row, reason)
  }
  // A BOM so Excel opens accented names in UTF-8.
  return { csv: '\uFEFF' + Papa.unparse([header, ...lines], { newline: '\r\n' }), count: lines.length }
}
