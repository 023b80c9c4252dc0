import { z } from 'zod'
import type { CountryCode } from '../phone/country'
import { isMobileType, normalisePhone, type PhoneResult, type PhoneType } from '../phone/normalise'

export const ImportRowSchema = z.object({
  /** Row number as the source counts it (header = 1). */
  row: z.number().int().min(1),
  phone: z.string(),
  fields: z.record(z.string(), z.string()).optional()
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

export interface ValidationContext extends PhoneLookups {
  /** The list's country, for numbers written the national way; without it only +... numbers pass. */
  country?: CountryCode
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
  fields: z.record(z.string(), z.string())
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
  private bases = new Map<number, RowBase>()
  private results = new Map<number, ValidatedRow>()
  /** digits -> row numbers holding them, ascending; the first is the original, the rest duplicates. */
  private groups = new Map<string, number[]>()

  constructor(ctx: ValidationContext) {
    this.ctx = plainContext(ctx.country, ctx)
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
    return this.recompose(touched)
  }

  /** Removes a row; returns the other rows whose result changed (a duplicate may now be the original). */
  remove(rowNumber: number): ValidatedRow[] {
    const previous = this.bases.get(rowNumber)
    if (!previous) return []
    const touched = new Set<number>()
    this.leaveGroup(previous, rowNumber, touched)
    this.bases.delete(rowNumber)
    this.results.delete(rowNumber)
    touched.delete(rowNumber)
    return this.recompose(touched)
  }

  /**
   * New lookups (after the registered and invited numbers were fetched, or after a sync) without
   * parsing the numbers again. Returns every row.
   */
  setLookups(lookups: PhoneLookups): ValidatedRow[] {
    this.ctx = plainContext(this.ctx.country, lookups)
    for (const [row, base] of this.bases) {
      const updated = this.withLookups({ input: base.input, fields: base.fields, phone: base.phone })
      this.bases.set(row, updated)
    }
    return this.recompose(new Set(this.bases.keys()))
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
    return this.withLookups({
      input: row.phone,
      fields: row.fields ?? {},
      phone: normalisePhone(row.phone, this.ctx.country)
    })
  }

  private withLookups(base: RowBase): RowBase {
    if (!base.phone.ok) return base
    const worker = this.ctx.findWorkerByDigits?.(base.phone.digits)
    const invitation = this.ctx.findInvitationByDigits?.(base.phone.digits)
    const out: RowBase = { input: base.input, fields: base.fields, phone: base.phone }
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
    return result
  }
}

/** Calls lookups as methods: they may be class instances whose methods live on the prototype. */
function plainContext(country: CountryCode | undefined, lookups: PhoneLookups): ValidationContext {
  const ctx: ValidationContext = {}
  if (country) ctx.country = country
  if (lookups.findWorkerByDigits) ctx.findWorkerByDigits = (digits) => lookups.findWorkerByDigits?.(digits)
  if (lookups.findInvitationByDigits)
    ctx.findInvitationByDigits = (digits) => lookups.findInvitationByDigits?.(digits)
  return ctx
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

/** Lookups over plain lists, e.g. the answer of the 'invite.lookup' call. */
export function lookupsFromLists(lists: {
  registered?: readonly { digits: string; workerId: string; username: string; name: string }[]
  invited?: readonly { digits: string; batchId: number | string; invitedAt: string; status: string }[]
}): Required<PhoneLookups> {
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
  return {
    findWorkerByDigits: (digits) => workers.get(digits),
    findInvitationByDigits: (digits) => invitations.get(digits)
  }
}

/**
 * The rows to send: ready and fixed rows, plus warning rows the coordinator accepted
 * (non-mobile numbers, and already-invited numbers only when re-inviting on purpose).
 */
export function invitableRows(
  results: readonly ValidatedRow[],
  accept: { nonMobile?: boolean; reinvite?: boolean } = {}
): { row: number; e164: string; customUserData: Record<string, string> }[] {
  const out: { row: number; e164: string; customUserData: Record<string, string> }[] = []
  for (const r of results) {
    if (r.e164 === null || r.status === 'error') continue
    if (r.clash?.kind === 'invited' && !accept.reinvite) continue
    if (isNonMobile(r) && !accept.nonMobile) continue
    out.push({ row: r.row, e164: r.e164, customUserData: r.fields })
  }
  return out
}

/** A valid number whose type is known and cannot take SMS for sure (a landline, toll-free...). */
export function isNonMobile(r: Pick<ValidatedRow, 'phoneType'>): boolean {
  return r.phoneType !== null && !isMobileType(r.phoneType as PhoneType)
}
