import { z } from 'zod'
import type { CountryCode } from '../phone/country'
import { isMobileType, normalisePhone, type PhoneResult, type PhoneType } from '../phone/normalise'
import {
  accountBase,
  accountResult,
  prepareAccounts,
  UsernameBook,
  USERNAME_PROBLEMS,
  USERNAME_SOURCES,
  type AccountBase,
  type AccountsContext,
  type PreparedAccounts,
  type UsernameLookups
} from './accounts'

export const ImportRowSchema = z.object({
  /** Row number as the source counts it (header = 1). */
  row: z.number().int().min(1),
  phone: z.string(),
  fields: z.record(z.string(), z.string()).optional(),
  /** Account columns (channels 2 and 3); see ColumnMapping's roles. */
  username: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  /** The full name, when the file has one column for it. */
  name: z.string().optional(),
  email: z.string().optional()
})
export type ImportRow = z.infer<typeof ImportRowSchema>

export const RegisteredWorkerSchema = z.object({ id: z.string(), username: z.string(), name: z.string() })
export type RegisteredWorker = z.infer<typeof RegisteredWorkerSchema>

export const PriorInvitationSchema = z.object({
  batchId: z.union([z.number().int(), z.string()]),
  invitedAt: z.string(),
  /** The outbox status of that number (see NumberStatus in ../invite). */
  status: z.string()
})
export type PriorInvitation = z.infer<typeof PriorInvitationSchema>

/** Where registered and already-invited numbers come from: the local database, keyed by digits. */
export interface PhoneLookups {
  findWorkerByDigits?(digits: string): RegisteredWorker | undefined
  findInvitationByDigits?(digits: string): PriorInvitation | undefined
}

export interface ValidationContext extends PhoneLookups, UsernameLookups {
  /** The list's country, for numbers written the national way; without it only +... numbers pass. */
  country?: CountryCode
  /**
   * Channels 2 and 3 (they create accounts): every row then gets a username, names and e-mail,
   * checked as HQ would. Without it rows are checked, and come out, exactly as for channel 1.
   */
  accounts?: AccountsContext
}

export const RowStatusSchema = z.enum(['ready', 'fixed', 'warning', 'error'])
export type RowStatus = z.infer<typeof RowStatusSchema>

export const ClashSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('duplicate'), firstRow: z.number().int() }),
  z.object({ kind: z.literal('registered'), worker: RegisteredWorkerSchema }),
  z.object({ kind: z.literal('invited'), batch: PriorInvitationSchema })
])
export type Clash = z.infer<typeof ClashSchema>

export const ValidatedRowSchema = z.object({
  row: z.number().int().min(1),
  /** The cell as it was in the file. */
  input: z.string(),
  status: RowStatusSchema,
  e164: z.string().nullable(),
  digits: z.string().nullable(),
  /** libphonenumber's type (MOBILE, FIXED_LINE, ...); null when invalid or unknown. */
  phoneType: z.string().nullable(),
  /** Everything to say about the row, most serious first; '' for a ready row. */
  message: z.string(),
  repairs: z.array(z.string()),
  clash: ClashSchema.optional(),
  fields: z.record(z.string(), z.string()),
  // Only with an accounts context (channels 2 and 3):
  /** The final username (lower case, before the @), unique in the list and the project; null: none. */
  username: z.string().nullable().optional(),
  /** Whether it came from the file's username column or from the template. */
  usernameSource: z.enum(USERNAME_SOURCES).optional(),
  /** What is wrong with the row's username, when something is (the message says it in words). */
  usernameProblem: z.enum(USERNAME_PROBLEMS).optional(),
  /** A username that would fix the problem, as the message suggests. */
  usernameSuggestion: z.string().optional(),
  firstName: z.string().nullable().optional(),
  lastName: z.string().nullable().optional(),
  /** A plausible e-mail address, else null. */
  email: z.string().nullable().optional()
})
export type ValidatedRow = z.infer<typeof ValidatedRowSchema>

export type StatusCounts = Record<RowStatus, number>

/** What one row's result depends on apart from the other rows. */
interface RowBase {
  input: string
  fields: Record<string, string>
  phone: PhoneResult
  worker?: RegisteredWorker
  invitation?: PriorInvitation
  account?: AccountBase
}

const INVITATION_STATUS_WORDS: Record<string, string> = {
  queued: 'waiting to be sent',
  sending: 'being sent',
  success: 'accepted by HQ',
  unknown: 'outcome unknown',
  failed: 'failed',
  invalid_format: 'rejected by HQ as invalid',
  in_use: 'HQ said the number is in use'
}

/** Validates a whole list at once. */
export function validateRows(rows: readonly ImportRow[], ctx: ValidationContext): ValidatedRow[] {
  return new ValidationIndex(ctx).load(rows)
}

/**
 * The validated list, kept up to date as the coordinator edits it. Rows are grouped by digits,
 * so editing one row only re-checks that row and the rows sharing its old or new number.
 */
export class ValidationIndex {
  private ctx: ValidationContext
  private accounts: PreparedAccounts | null
  /** Usernames of the list (with an accounts context only). */
  private book: UsernameBook | null
  private bases = new Map<number, RowBase>()
  private results = new Map<number, ValidatedRow>()
  /** digits -> row numbers holding them, ascending; the first is the original, the rest duplicates. */
  private groups = new Map<string, number[]>()

  constructor(ctx: ValidationContext) {
    this.ctx = plainContext(ctx.country, ctx)
    this.accounts = ctx.accounts ? prepareAccounts(ctx.accounts) : null
    this.book = this.accounts ? new UsernameBook(this.accounts.limit, this.takenFunction()) : null
  }

  /** Replaces the whole list; results come back in the order given. */
  load(rows: readonly ImportRow[]): ValidatedRow[] {
    this.bases.clear()
    this.results.clear()
    this.groups.clear()
    for (const row of rows) {
      const previous = this.bases.get(row.row)
      if (previous) this.leaveGroup(previous, row.row, new Set())
      const base = this.baseOf(row)
      this.bases.set(row.row, base)
      if (base.phone.ok) {
        const group = this.groups.get(base.phone.digits)
        if (group) group.push(row.row)
        else this.groups.set(base.phone.digits, [row.row])
      }
    }
    for (const group of this.groups.values()) {
      if (group.length > 1) group.sort((a, b) => a - b)
    }
    this.book?.load([...this.bases].map(([row, base]) => [row, base.account?.claim ?? null]))
    for (const [row, base] of this.bases) this.results.set(row, this.compose(row, base))
    const out: ValidatedRow[] = []
    for (const row of rows) {
      const result = this.results.get(row.row)
      if (result) out.push(result)
    }
    return out
  }

  /** Adds or replaces one row; returns every row whose result may have changed, this one included. */
  update(row: ImportRow): ValidatedRow[] {
    const touched = new Set<number>([row.row])
    const previous = this.bases.get(row.row)
    const base = this.baseOf(row)
    const oldDigits = previous?.phone.ok ? previous.phone.digits : undefined
    const newDigits = base.phone.ok ? base.phone.digits : undefined
    if (previous && oldDigits !== newDigits) this.leaveGroup(previous, row.row, touched)
    this.bases.set(row.row, base)
    if (newDigits !== undefined && oldDigits !== newDigits) this.joinGroup(newDigits, row.row, touched)
    if (this.book) for (const r of this.book.set(row.row, base.account?.claim ?? null)) touched.add(r)
    return this.recompose(touched)
  }

  /** Removes a row; returns the other rows whose result changed (a duplicate may now be the original). */
  remove(rowNumber: number): ValidatedRow[] {
    const previous = this.bases.get(rowNumber)
    if (!previous) return []
    const touched = new Set<number>()
    this.leaveGroup(previous, rowNumber, touched)
    if (this.book) for (const r of this.book.delete(rowNumber)) touched.add(r)
    this.bases.delete(rowNumber)
    this.results.delete(rowNumber)
    touched.delete(rowNumber)
    return this.recompose(touched)
  }

  /**
   * New lookups (after the registered and invited numbers were fetched, or after a sync) without
   * parsing the numbers again. Returns every row. The phone lookups are replaced; the taken
   * usernames only when `isUsernameTaken` is given.
   */
  setLookups(lookups: PhoneLookups & UsernameLookups): ValidatedRow[] {
    const taken = lookups.isUsernameTaken ? lookups : this.ctx
    this.ctx = plainContext(this.ctx.country, { ...lookupsOf(lookups), ...takenOf(taken) })
    for (const [row, base] of this.bases) {
      const updated = this.withLookups(base)
      this.bases.set(row, updated)
    }
    this.book?.setTaken(this.takenFunction())
    return this.recompose(new Set(this.bases.keys()))
  }

  /**
   * New taken usernames (the core's answer to usernameQueries(), or after a sync); returns only
   * the rows whose username changed. Without an accounts context, nothing changes.
   */
  setTakenUsernames(isUsernameTaken: (lowerUsername: string) => boolean): ValidatedRow[] {
    this.ctx = plainContext(this.ctx.country, { ...lookupsOf(this.ctx), isUsernameTaken })
    if (!this.book) return []
    return this.recompose(this.book.setTaken(this.takenFunction()))
  }

  /**
   * What to ask the core about (lower case): every username the rows want and the stems of their
   * numbered forms. The answer must hold each query that is taken and every taken
   * `<query><digits>`, so the suffixes are chosen in one round. [] without an accounts context.
   */
  usernameQueries(): string[] {
    return this.book?.queries() ?? []
  }

  get(rowNumber: number): ValidatedRow | undefined {
    return this.results.get(rowNumber)
  }

  /** All results by row number. */
  all(): ValidatedRow[] {
    return [...this.results.values()].sort((a, b) => a.row - b.row)
  }

  counts(): StatusCounts {
    const counts: StatusCounts = { ready: 0, fixed: 0, warning: 0, error: 0 }
    for (const r of this.results.values()) counts[r.status]++
    return counts
  }

  /** Every distinct valid number's digits: what to ask the database about. */
  digits(): string[] {
    return [...this.groups.keys()]
  }

  /** Rows holding these digits, ascending. */
  rowsWithDigits(digits: string): number[] {
    return [...(this.groups.get(digits) ?? [])]
  }

  private baseOf(row: ImportRow): RowBase {
    const phone = normalisePhone(row.phone, this.ctx.country)
    const base: RowBase = { input: row.phone, fields: row.fields ?? {}, phone }
    if (this.accounts) base.account = accountBase(row, phone.ok ? phone.digits : null, this.accounts)
    return this.withLookups(base)
  }

  private takenFunction(): (lowerUsername: string) => boolean {
    return (username) => this.ctx.isUsernameTaken?.(username) ?? false
  }

  private withLookups(base: RowBase): RowBase {
    const out: RowBase = { input: base.input, fields: base.fields, phone: base.phone }
    if (base.account) out.account = base.account
    if (!base.phone.ok) return out
    const worker = this.ctx.findWorkerByDigits?.(base.phone.digits)
    const invitation = this.ctx.findInvitationByDigits?.(base.phone.digits)
    if (worker) out.worker = worker
    if (invitation) out.invitation = invitation
    return out
  }

  private leaveGroup(base: RowBase, rowNumber: number, touched: Set<number>): void {
    if (!base.phone.ok) return
    const digits = base.phone.digits
    const group = this.groups.get(digits)
    if (!group) return
    const at = group.indexOf(rowNumber)
    if (at < 0) return
    group.splice(at, 1)
    if (group.length === 0) this.groups.delete(digits)
    // The others only change when the original left: the next row becomes the original.
    else if (at === 0) for (const r of group) touched.add(r)
  }

  private joinGroup(digits: string, rowNumber: number, touched: Set<number>): void {
    const group = this.groups.get(digits)
    if (!group) {
      this.groups.set(digits, [rowNumber])
      return
    }
    let at = group.length
    while (at > 0 && (group[at - 1] as number) > rowNumber) at--
    group.splice(at, 0, rowNumber)
    // A new original turns the old one (and the message of every later row) into a duplicate.
    if (at === 0) for (const r of group) touched.add(r)
  }

  private recompose(rows: Set<number>): ValidatedRow[] {
    const out: ValidatedRow[] = []
    for (const row of [...rows].sort((a, b) => a - b)) {
      const base = this.bases.get(row)
      if (!base) continue
      const result = this.compose(row, base)
      this.results.set(row, result)
      out.push(result)
    }
    return out
  }

  private compose(row: number, base: RowBase): ValidatedRow {
    const { phone } = base
    const errors: string[] = []
    const warnings: string[] = []
    let clash: Clash | undefined
    if (!phone.ok) {
      errors.push(phone.reason)
    } else {
      if (base.worker) {
        errors.push(`already registered as ${describeWorker(base.worker)}`)
        clash = { kind: 'registered', worker: base.worker }
      }
      const first = this.groups.get(phone.digits)?.[0]
      if (first !== undefined && first !== row) {
        errors.push(`same number as row ${first}`)
        clash ??= { kind: 'duplicate', firstRow: first }
      }
      if (base.invitation) {
        warnings.push(describeInvitation(base.invitation))
        clash ??= { kind: 'invited', batch: base.invitation }
      }
      if (phone.warning) warnings.push(phone.warning)
    }
    const account = base.account ? accountResult(base.account, this.book?.outcome(row)) : undefined
    if (account) {
      errors.push(...account.errors)
      warnings.push(...account.warnings)
    }
    const repairs = phone.repairs
    const status: RowStatus =
      errors.length > 0 ? 'error' : warnings.length > 0 ? 'warning' : repairs.length > 0 ? 'fixed' : 'ready'
    const result: ValidatedRow = {
      row,
      input: base.input,
      status,
      e164: phone.ok ? phone.e164 : null,
      digits: phone.ok ? phone.digits : null,
      phoneType: phone.ok ? (phone.type ?? null) : null,
      message: [...errors, ...warnings, ...repairs].join('; '),
      repairs,
      fields: base.fields
    }
    if (clash) result.clash = clash
    if (account) {
      result.username = account.username
      result.usernameSource = account.usernameSource
      if (account.usernameProblem) result.usernameProblem = account.usernameProblem
      if (account.usernameSuggestion) result.usernameSuggestion = account.usernameSuggestion
      result.firstName = account.firstName
      result.lastName = account.lastName
      result.email = account.email
    }
    return result
  }
}

/** Calls lookups as methods: they may be class instances whose methods live on the prototype. */
function plainContext(
  country: CountryCode | undefined,
  lookups: PhoneLookups & UsernameLookups
): ValidationContext {
  const ctx: ValidationContext = {}
  if (country) ctx.country = country
  if (lookups.findWorkerByDigits) ctx.findWorkerByDigits = (digits) => lookups.findWorkerByDigits?.(digits)
  if (lookups.findInvitationByDigits)
    ctx.findInvitationByDigits = (digits) => lookups.findInvitationByDigits?.(digits)
  if (lookups.isUsernameTaken)
    ctx.isUsernameTaken = (username) => lookups.isUsernameTaken?.(username) ?? false
  return ctx
}

function lookupsOf(lookups: PhoneLookups): PhoneLookups {
  const out: PhoneLookups = {}
  if (lookups.findWorkerByDigits) out.findWorkerByDigits = (d) => lookups.findWorkerByDigits?.(d)
  if (lookups.findInvitationByDigits) out.findInvitationByDigits = (d) => lookups.findInvitationByDigits?.(d)
  return out
}

function takenOf(lookups: UsernameLookups): UsernameLookups {
  return lookups.isUsernameTaken ? { isUsernameTaken: (u) => lookups.isUsernameTaken?.(u) ?? false } : {}
}

function describeWorker(worker: RegisteredWorker): string {
  const username = worker.username.replace(/@.*$/, '')
  return worker.name.trim() && worker.name.trim() !== username
    ? `${worker.name.trim()} (${username})`
    : username
}

function describeInvitation(invitation: PriorInvitation): string {
  const date = invitation.invitedAt.slice(0, 10)
  const status = INVITATION_STATUS_WORDS[invitation.status] ?? invitation.status
  return (
    `already invited on ${date} (batch ${invitation.batchId}, ${status}); ` +
    'inviting again sends a new SMS and the earlier link stops working'
  )
}

/**
 * Lookups over plain lists, e.g. the answer of the 'invite.lookup' call (its `takenUsernames`
 * give `isUsernameTaken`, compared in lower case).
 */
export function lookupsFromLists(lists: {
  registered?: readonly { digits: string; workerId: string; username: string; name: string }[]
  invited?: readonly { digits: string; batchId: number | string; invitedAt: string; status: string }[]
  takenUsernames?: readonly string[]
}): Required<PhoneLookups> & Required<UsernameLookups> {
  const workers = new Map<string, RegisteredWorker>()
  for (const w of lists.registered ?? [])
    workers.set(w.digits, { id: w.workerId, username: w.username, name: w.name })
  const invitations = new Map<string, PriorInvitation>()
  for (const i of lists.invited ?? []) {
    // Keep the latest invitation when a number was invited more than once.
    const known = invitations.get(i.digits)
    if (!known || known.invitedAt < i.invitedAt) {
      invitations.set(i.digits, { batchId: i.batchId, invitedAt: i.invitedAt, status: i.status })
    }
  }
  const taken = new Set((lists.takenUsernames ?? []).map((u) => u.toLowerCase()))
  return {
    findWorkerByDigits: (digits) => workers.get(digits),
    findInvitationByDigits: (digits) => invitations.get(digits),
    isUsernameTaken: (username) => taken.has(username.toLowerCase())
  }
}

/** A row ready to send (InviteRow's shape): account fields only when the row has them. */
export interface InvitableRow {
  row: number
  e164: string
  customUserData: Record<string, string>
  username?: string
  firstName?: string
  lastName?: string
  email?: string
}

/**
 * The rows to send: ready and fixed rows, plus warning rows the coordinator accepted
 * (non-mobile numbers, and already-invited numbers only when re-inviting on purpose). Rows
 * checked with an accounts context carry their username, names and e-mail.
 */
export function invitableRows(
  results: readonly ValidatedRow[],
  accept: { nonMobile?: boolean; reinvite?: boolean } = {}
): InvitableRow[] {
  const out: InvitableRow[] = []
  for (const r of results) {
    if (r.e164 === null || r.status === 'error') continue
    if (r.clash?.kind === 'invited' && !accept.reinvite) continue
    if (isNonMobile(r) && !accept.nonMobile) continue
    const row: InvitableRow = { row: r.row, e164: r.e164, customUserData: r.fields }
    if (r.username) row.username = r.username
    if (r.firstName) row.firstName = r.firstName
    if (r.lastName) row.lastName = r.lastName
    if (r.email) row.email = r.email
    out.push(row)
  }
  return out
}

/** A valid number whose type is known and cannot take SMS for sure (a landline, toll-free...). */
export function isNonMobile(r: Pick<ValidatedRow, 'phoneType'>): boolean {
  return r.phoneType !== null && !isMobileType(r.phoneType as PhoneType)
}
