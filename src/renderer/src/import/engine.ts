/**
 * The import pipeline behind the worker boundary: read a source, map its columns to grid rows,
 * validate every number, and keep the verdicts current as rows are edited. Plain code with no
 * DOM or worker globals, so the worker runs it and tests (and browsers without workers) can run
 * it in-process through the same client.
 */
import {
  ENCODING_CHOICES,
  defaultMapping,
  importRows,
  isNonMobile,
  isSpreadsheet,
  openWorkbook,
  parseDelimited,
  parsePaste,
  ValidationIndex,
  ACCOUNT_ROLES,
  type AccountsContext,
  type ColumnMapping,
  type ImportRow,
  type ParsedTable,
  type PriorInvitation,
  type RegisteredWorker,
  type ValidatedRow,
  type Workbook
} from '../../../shared/import'
import { toCountryCode } from '../../../shared/phone'
import type { InviteLookup, NumberStatus } from '../../../shared/invite'
import type { AccountKey, GridRow, RowCheck } from '../screens/invite/gridState'
import type { ChecksResult, Progress, ReadOptions, Request, RowsResult, SourceInfo } from './protocol'

const PREVIEW_ROWS = 4
/** Rows checked between two progress reports. */
const CHUNK = 2000

type Source =
  { kind: 'file'; name: string; data: Uint8Array; workbook?: Workbook } | { kind: 'text'; text: string }

function hasBom(data: Uint8Array): boolean {
  return (
    (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) ||
    (data[0] === 0xff && data[1] === 0xfe) ||
    (data[0] === 0xfe && data[1] === 0xff)
  )
}

/**
 * Invitations whose link may still reach the person: waiting, being sent, accepted by HQ, with
 * an outcome nobody knows, or an account HQ is still creating. A number HQ refused (invalid
 * format, in use, account refused) or that failed was never invited: sending it again needs no re-invite choice.
 */
const LIVE_INVITATION = new Set<string>([
  'queued',
  'sending',
  'success',
  'unknown',
  // An uploaded account HQ has not created yet (channel 2): it may still appear.
  'pending'
] satisfies NumberStatus[])

export function isLiveInvitation(status: string): boolean {
  return LIVE_INVITATION.has(status)
}

export function toRowCheck(result: ValidatedRow): RowCheck {
  const check: RowCheck = { status: result.status, e164: result.e164, message: result.message }
  // Checked with accounts (channels 2 and 3): the account as it will be created.
  if (result.usernameSource !== undefined) {
    if (result.username) check.username = result.username
    if (result.usernameSource === 'template') check.usernameMade = true
    if (result.usernameSuggestion) check.usernameSuggestion = result.usernameSuggestion
    if (result.firstName) check.firstName = result.firstName
    if (result.lastName) check.lastName = result.lastName
    if (result.email) check.email = result.email
  }
  if (result.clash?.kind === 'invited' && isLiveInvitation(result.clash.batch.status))
    check.invitedBefore = true
  if (result.status !== 'error' && isNonMobile(result)) check.nonMobile = true
  return check
}

/** Keys of the mapped custom fields, in column order (account columns are not custom data). */
export function fieldKeysOf(mapping: ColumnMapping): string[] {
  const roles = new Set(Object.values(mapping.roles ?? {}))
  return mapping.fields
    .filter((f) => !f.skip && f.index !== mapping.phone && !roles.has(f.index))
    .map((f) => f.key)
}

/** The account columns a mapping gives, in the grid's order. */
export function accountKeysOf(mapping: ColumnMapping): AccountKey[] {
  return ACCOUNT_ROLES.filter((role) => {
    const index = mapping.roles?.[role]
    return index !== undefined && index !== mapping.phone
  })
}

const IMPORT_PROPERTIES = {
  username: 'username',
  first_name: 'firstName',
  last_name: 'lastName',
  name: 'name',
  email: 'email'
} as const satisfies Record<AccountKey, keyof ImportRow>

/** A grid row as validation reads it. */
export function importRowOf(row: GridRow): ImportRow {
  const out: ImportRow = { row: row.row, phone: row.phone, fields: row.fields }
  if (!row.account) return out
  for (const key of ACCOUNT_ROLES) {
    const value = row.account[key]?.trim()
    if (value) out[IMPORT_PROPERTIES[key]] = value
  }
  return out
}

/** The account cells of a row read from the file. */
function accountOf(row: ImportRow): GridRow['account'] {
  const account: NonNullable<GridRow['account']> = {}
  for (const key of ACCOUNT_ROLES) {
    const value = row[IMPORT_PROPERTIES[key]]
    if (value !== undefined) account[key] = value
  }
  return Object.keys(account).length ? account : undefined
}

export class ImportEngine {
  private source: Source | null = null
  private table: ParsedTable | null = null
  private options: ReadOptions = {}
  private index: ValidationIndex | null = null
  /** Grid id -> row as last given to the index (its `row` is the index key). */
  private rows = new Map<number, GridRow>()
  private idByRow = new Map<number, number>()
  private workers = new Map<string, RegisteredWorker>()
  private invitations = new Map<string, PriorInvitation>()
  /** Digits already handed out for a lookup: asking twice would only cost time. */
  private asked = new Set<string>()
  private waitingForFirstLookup = false
  /** Channels 2 and 3: how accounts are checked; null for channel 1. */
  private accounts: AccountsContext | null = null
  private country: string | undefined
  private fieldKeys: string[] = []
  /** Usernames (lower case) the core says are taken, and those already asked about. */
  private taken = new Set<string>()
  private askedUsernames = new Set<string>()

  async handle(request: Request, progress: (p: Progress) => void = () => {}): Promise<unknown> {
    switch (request.op) {
      case 'openFile':
        this.source = { kind: 'file', name: request.name, data: new Uint8Array(request.data) }
        return this.read(request.options ?? {}, progress)
      case 'openText':
        this.source = { kind: 'text', text: request.text }
        return this.read(request.options ?? {}, progress)
      case 'reread':
        return this.read(request.options, progress)
      case 'rows':
        return this.fromMapping(request.mapping, request.country, progress)
      case 'start':
        return this.start(request.rows, request.country, progress)
      case 'lookups':
        return this.applyLookup(request.lookup)
      case 'update':
        return this.update(request.upsert, request.remove)
      case 'accounts':
        return this.setAccounts(request.accounts)
    }
  }

  private read(options: ReadOptions, progress: (p: Progress) => void): SourceInfo {
    const source = this.source
    if (!source) throw new Error('Open a file or paste cells first.')
    progress({ phase: 'reading', done: 0, total: null })
    let table: ParsedTable
    let name: string
    let bytes: number | undefined
    let bom: boolean | undefined
    if (source.kind === 'text') {
      table = parsePaste(source.text, options.hasHeader === undefined ? {} : { hasHeader: options.hasHeader })
      name = 'Pasted cells'
    } else {
      name = source.name
      bytes = source.data.byteLength
      if (isSpreadsheet(source.name, source.data)) {
        source.workbook ??= openWorkbook(source.data)
        table = source.workbook.readSheet({
          ...(options.sheet ? { sheet: options.sheet } : {}),
          ...(options.hasHeader === undefined ? {} : { hasHeader: options.hasHeader })
        })
      } else {
        bom = hasBom(source.data)
        table = parseDelimited(source.data, {
          ...(options.encoding ? { encoding: options.encoding } : {}),
          ...(options.delimiter ? { delimiter: options.delimiter } : {}),
          ...(options.hasHeader === undefined ? {} : { hasHeader: options.hasHeader })
        })
      }
    }
    this.table = table
    this.options = options
    const info: SourceInfo = {
      kind: table.kind,
      name,
      hasHeader: table.hasHeader,
      headers: table.headers,
      preview: table.rows.slice(0, PREVIEW_ROWS),
      rowCount: table.rows.length,
      errors: table.errors.slice(0, 50),
      // Channels 2 and 3 also look for the username, name and e-mail columns by their titles.
      mapping: defaultMapping(table.headers, table.rows, {
        hasHeader: table.hasHeader,
        accounts: this.accounts !== null
      })
    }
    if (bytes !== undefined) info.bytes = bytes
    if (table.kind === 'delimited') {
      info.encoding = table.encoding
      info.encodingConfidence = table.encodingConfidence
      info.encodingSource = table.encodingSource
      info.delimiter = table.delimiter
      info.encodingChoices = ENCODING_CHOICES.map((c) => ({ ...c }))
      if (bom !== undefined) info.bom = bom
    }
    if (table.kind === 'sheet') {
      info.sheet = table.sheet
      info.sheets = table.sheets
    }
    return info
  }

  private fromMapping(
    mapping: ColumnMapping,
    country: string | undefined,
    progress: (p: Progress) => void
  ): RowsResult {
    if (!this.table) throw new Error('Open a file or paste cells first.')
    const imported = importRows(this.table, mapping)
    const rows: GridRow[] = imported.map((r, i) => {
      const row: GridRow = { id: i + 1, row: r.row, phone: r.phone, fields: r.fields ?? {} }
      const account = accountOf(r)
      if (account) row.account = account
      return row
    })
    const fieldKeys = fieldKeysOf(mapping)
    return {
      ...this.start(rows, country, progress, fieldKeys),
      fieldKeys,
      accountKeys: accountKeysOf(mapping)
    }
  }

  private newIndex(): ValidationIndex {
    const code = toCountryCode(this.country)
    return new ValidationIndex({
      ...(code ? { country: code } : {}),
      ...(this.accounts ? { accounts: { ...this.accounts, fieldKeys: this.fieldKeys } } : {}),
      findWorkerByDigits: (digits) => this.workers.get(digits),
      findInvitationByDigits: (digits) => this.invitations.get(digits),
      isUsernameTaken: (username) => this.taken.has(username)
    })
  }

  /** The channel changed: every row is checked again, with or without accounts. */
  private setAccounts(accounts: AccountsContext | null): ChecksResult {
    this.accounts = accounts
    if (!this.index) return { checks: [], needLookup: [], needUsernames: [] }
    this.index = this.newIndex()
    const results = this.index.load([...this.rows.values()].map(importRowOf))
    return { checks: this.checksOf(results), needLookup: [], needUsernames: this.unaskedUsernames() }
  }

  private unaskedUsernames(): string[] {
    const out: string[] = []
    for (const q of this.index?.usernameQueries() ?? []) {
      if (this.askedUsernames.has(q)) continue
      this.askedUsernames.add(q)
      out.push(q)
    }
    return out
  }

  private start(
    rows: GridRow[],
    country: string | undefined,
    progress: (p: Progress) => void,
    fieldKeys?: string[]
  ): RowsResult {
    this.country = country
    this.fieldKeys = fieldKeys ?? [...new Set(rows.flatMap((r) => Object.keys(r.fields)))]
    this.index = this.newIndex()
    this.rows.clear()
    this.idByRow.clear()
    // Row by row rather than load(), so a long list reports progress; the result is the same.
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!
      this.rows.set(row.id, row)
      this.idByRow.set(row.row, row.id)
      this.index.update(importRowOf(row))
      if (i % CHUNK === 0) progress({ phase: 'checking', done: i, total: rows.length })
    }
    progress({ phase: 'checking', done: rows.length, total: rows.length })
    this.waitingForFirstLookup = true
    return {
      rows,
      fieldKeys: this.fieldKeys,
      digits: this.unasked(this.index.digits()),
      usernames: this.unaskedUsernames()
    }
  }

  private unasked(digits: Iterable<string>): string[] {
    const out: string[] = []
    for (const d of digits) {
      if (this.asked.has(d)) continue
      this.asked.add(d)
      out.push(d)
    }
    return out
  }

  private checksOf(results: ValidatedRow[]): [number, RowCheck][] {
    const out: [number, RowCheck][] = []
    for (const r of results) {
      const id = this.idByRow.get(r.row)
      if (id !== undefined) out.push([id, toRowCheck(r)])
    }
    return out
  }

  private applyLookup(lookup: InviteLookup): ChecksResult {
    const index = this.requireIndex()
    const touched = new Set<string>()
    for (const w of lookup.registered) {
      this.workers.set(w.digits, { id: w.workerId, username: w.username, name: w.name })
      touched.add(w.digits)
    }
    for (const inv of lookup.invited) {
      // Only live invitations count (the core may send every earlier attempt): a failed one
      // must not turn the row into a warning that asks for the re-invite choice.
      if (!isLiveInvitation(inv.status)) continue
      const known = this.invitations.get(inv.digits)
      // The latest invitation of a number is the one that says whether its link still works.
      if (!known || known.invitedAt < inv.invitedAt) {
        this.invitations.set(inv.digits, {
          batchId: inv.batchId,
          invitedAt: inv.invitedAt,
          status: inv.status
        })
        touched.add(inv.digits)
      }
    }
    const changed: ValidatedRow[] = []
    const takenBefore = this.taken.size
    for (const u of lookup.takenUsernames) this.taken.add(u.toLowerCase())
    if (this.taken.size !== takenBefore) changed.push(...index.setTakenUsernames((u) => this.taken.has(u)))
    for (const digits of touched) {
      for (const rowNumber of index.rowsWithDigits(digits)) {
        const id = this.idByRow.get(rowNumber)
        const row = id === undefined ? undefined : this.rows.get(id)
        if (row) changed.push(...index.update(importRowOf(row)))
      }
    }
    if (this.waitingForFirstLookup) {
      this.waitingForFirstLookup = false
      return { checks: this.checksOf(index.all()), needLookup: [], needUsernames: [] }
    }
    return { checks: this.checksOf(changed), needLookup: [], needUsernames: [] }
  }

  private update(upsert: GridRow[], remove: number[]): ChecksResult {
    const index = this.requireIndex()
    const changed = new Map<number, ValidatedRow>()
    for (const id of remove) {
      const row = this.rows.get(id)
      if (!row) continue
      this.rows.delete(id)
      this.idByRow.delete(row.row)
      for (const r of index.remove(row.row)) changed.set(r.row, r)
      changed.delete(row.row)
    }
    const fresh: string[] = []
    for (const row of upsert) {
      this.rows.set(row.id, row)
      this.idByRow.set(row.row, row.id)
      for (const r of index.update(importRowOf(row))) {
        changed.set(r.row, r)
        if (r.row === row.row && r.digits) fresh.push(r.digits)
      }
    }
    return {
      checks: this.checksOf([...changed.values()]),
      needLookup: this.unasked(fresh),
      needUsernames: this.unaskedUsernames()
    }
  }

  private requireIndex(): ValidationIndex {
    if (!this.index) throw new Error('There is no list to check yet.')
    return this.index
  }
}
