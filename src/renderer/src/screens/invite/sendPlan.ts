/**
 * Which grid rows go into a batch, which stay behind and why, and how the batch's answers map
 * back onto the rows. Pure functions over the grid state.
 */
import Papa from 'papaparse'
import { createsAccounts, type Channel } from '../../../../shared/channels'
import type { BatchNumber, InviteRow, NumberStatus } from '../../../../shared/invite'
import { isProblem, type GridRow, type GridState, type RowCheck, type RowOutcome } from './gridState'

export interface SendChoices {
  /** Invite again numbers an earlier batch already invited (their earlier link stops working). */
  reinvite: boolean
  /** Invite numbers that look like landlines or other numbers that may not receive SMS. */
  nonMobile: boolean
}

/** One row of the batch, as invite.create takes it. */
export type PlanRow = Omit<InviteRow, 'customUserData' | 'registeredTo'> & {
  customUserData: Record<string, string>
}

export interface SendPlan {
  rows: PlanRow[]
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

/**
 * Channels 2 and 3 need a username per row (the check gives the one the account will get) and
 * channel 3 an e-mail address; a row without them cannot be sent, like a row with an error.
 */
export function accountProblem(row: GridRow, check: RowCheck, channel: Channel): string | null {
  if (!createsAccounts(channel)) return null
  if (!usernameOf(row, check)) return 'no username'
  if (channel === 'email-confirmation' && !row.account?.email?.trim()) return 'no e-mail address'
  return null
}

function usernameOf(row: GridRow, check: RowCheck | undefined): string {
  return check?.username ?? row.account?.username?.trim() ?? ''
}

/** A full name split the way HQ stores it: the first word, and the rest. */
function splitName(name: string): { firstName?: string; lastName?: string } {
  const [first, ...rest] = name.trim().split(/\s+/)
  const out: { firstName?: string; lastName?: string } = {}
  if (first) out.firstName = first
  if (rest.length) out.lastName = rest.join(' ')
  return out
}

/**
 * The account's part of a batch row (channels 2 and 3): blanks left out. The check's account is
 * the one validated; the cells stand in while a row has not been checked with accounts.
 */
function accountOf(row: GridRow, check: RowCheck): Partial<PlanRow> {
  const a = row.account ?? {}
  const out: Partial<PlanRow> = {}
  const username = usernameOf(row, check)
  if (username) out.username = username
  if (check.username !== undefined) {
    if (check.firstName) out.firstName = check.firstName
    if (check.lastName) out.lastName = check.lastName
    if (check.email) out.email = check.email
    return out
  }
  const first = a.first_name?.trim()
  const last = a.last_name?.trim()
  if (first || last) {
    if (first) out.firstName = first
    if (last) out.lastName = last
  } else if (a.name?.trim()) Object.assign(out, splitName(a.name))
  const email = a.email?.trim()
  if (email) out.email = email
  return out
}

export function planSend(
  state: Pick<GridState, 'rows' | 'checks'>,
  choices: SendChoices,
  channel: Channel = 'sms-registration'
): SendPlan {
  const accounts = createsAccounts(channel)
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
    if (check.status === 'error' || !check.e164 || accountProblem(row, check, channel)) {
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
    const sent: PlanRow = { row: row.row, e164: check.e164, customUserData: nonEmpty(row.fields) }
    plan.rows.push(accounts ? { ...sent, ...accountOf(row, check) } : sent)
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
  choices: SendChoices,
  row?: GridRow,
  channel: Channel = 'sms-registration'
): string | null {
  if (outcome) {
    if (!isProblem(undefined, outcome)) return null
    return `${OUTCOME_WORDS[outcome.status]}${outcome.reason ? `: ${outcome.reason}` : ''}`
  }
  if (!check) return null
  if (check.status === 'error' || !check.e164) return check.message || 'not a phone number'
  const account = row ? accountProblem(row, check, channel) : null
  if (account) return account
  if (check.invitedBefore && !choices.reinvite) return check.message || 'already invited'
  if (check.nonMobile && !choices.nonMobile) return check.message || 'may not receive SMS'
  return null
}

/** How many rows rejectedCsv would list. */
export function rejectedCount(
  state: Pick<GridState, 'rows' | 'checks' | 'outcomes'>,
  choices: SendChoices,
  channel: Channel = 'sms-registration'
): number {
  let count = 0
  for (const row of state.rows) {
    if (rejectionReason(state.checks.get(row.id), state.outcomes.get(row.id), choices, row, channel) !== null)
      count++
  }
  return count
}

/** Cells Excel would run as formulas start with these; a phone number starting with "+" and a digit is safe. */
function safeCell(value: string): string {
  return /^[=@\t\r]/.test(value) || /^[+-][^\d]/.test(value) ? `'${value}` : value
}

/** The rows that are not invited, with the reason and every mapped field, as CSV text. */
export function rejectedCsv(
  state: Pick<GridState, 'rows' | 'checks' | 'outcomes' | 'fieldKeys'> &
    Partial<Pick<GridState, 'accountKeys'>>,
  choices: SendChoices,
  channel: Channel = 'sms-registration'
): { csv: string; count: number } {
  const accountKeys = state.accountKeys ?? []
  const header = ['row', 'phone', 'reason', 'e164', ...accountKeys, ...state.fieldKeys]
  const lines: string[][] = []
  const push = (row: GridRow, reason: string) => {
    const check = state.checks.get(row.id)
    lines.push(
      [
        String(row.row),
        row.phone,
        reason,
        check?.e164 ?? '',
        ...accountKeys.map((k) => (k === 'username' ? usernameOf(row, check) : (row.account?.[k] ?? ''))),
        ...state.fieldKeys.map((k) => row.fields[k] ?? '')
      ].map(safeCell)
    )
  }
  for (const row of state.rows) {
    const reason = rejectionReason(
      state.checks.get(row.id),
      state.outcomes.get(row.id),
      choices,
      row,
      channel
    )
    if (reason !== null) push(row, reason)
  }
  // A BOM so Excel opens accented names in UTF-8.
  return { csv: '\uFEFF' + Papa.unparse([header, ...lines], { newline: '\r\n' }), count: lines.length }
}
