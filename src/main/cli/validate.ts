/**
 * `roster validate FILE`: checks a phone list the way the Invite screen does, without sending.
 * Exit codes: 0 no row has an error, 1 some row has an error or the file cannot be read, 2 usage
 * (also a --db that does not exist or an unknown --domain), 3 a bug.
 */
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import type { parseArgs, ParseArgsConfig } from 'node:util'
import {
  columnLetter,
  defaultMapping,
  foldHeader,
  guessAccountRoles,
  importRows,
  isReservedKey,
  openWorkbook,
  parseDelimited,
  isSpreadsheet,
  slugifyKey,
  validateRows,
  type AccountRoles,
  type AccountsContext,
  type ColumnMapping,
  type ParsedTable,
  type PriorInvitation,
  type RegisteredWorker,
  type RowStatus,
  type ValidatedRow,
  type ValidationContext
} from '../../shared/import'
import { repairInput, toCountryCode, type CountryCode } from '../../shared/phone'
import { classifyError, internalErrorLine } from './errors'
import { EXIT, Failure, messageOf, parseCommandLine, UsageError } from './io'
import { formatTable } from './table'

/** What the database layer provides: numbers already registered or invited in the project. */
export interface ValidateLookup {
  findWorkerByDigits(digits: string): RegisteredWorker | undefined
  findInvitationByDigits(digits: string): PriorInvitation | undefined
  /** Channels 2 and 3: a username (lower case, before the @) a worker or a live invitation holds. */
  isUsernameTaken?(lowerUsername: string): boolean
  /** The project's country (ISO code), for numbers written the national way when --country is not given. */
  defaultCountry?: string
  /** Releases the database behind the lookups, when the command opened one for them. */
  close?(): void
  /** Why registered and invited numbers could not be checked (no database, several projects). */
  unchecked?: string
}

export interface ValidateIo {
  stdout: (s: string) => void
  stderr: (s: string) => void
  /** Lookups already opened by the caller. */
  lookup?: ValidateLookup
  /**
   * Or a way to open them from --db/--domain. Called with neither when none is given: it then
   * uses the default database's only project if there is one, and answers {} otherwise.
   */
  openLookup?: (options: {
    db?: string
    domain?: string
  }) => Partial<ValidateLookup> | Promise<Partial<ValidateLookup>>
}

export interface ValidateOptions extends FileCheck {
  domain?: string
  db?: string
  json: boolean
}

export const VALIDATE_USAGE =
  'usage: roster validate FILE [--country CC] [--domain D] [--json] [--db PATH] [--sheet NAME] [--column NAME]'

/** The JSON output, one object per data row. */
export interface ValidateJsonRow {
  row: number
  input: string
  status: RowStatus
  e164: string | null
  message: string
}

/** Which file to read and how: the options `validate` and `invite` share. */
export interface FileCheck {
  file: string
  country?: CountryCode | undefined
  /** The saved project's country, used when `country` (--country) is not given. */
  defaultCountry?: CountryCode | undefined
  sheet?: string | undefined
  column?: string | undefined
  /**
   * Channels 2 and 3 (they create accounts): every row also gets a username, names and e-mail,
   * checked as HQ would. `usernameColumn` names the username column when the guess is wrong.
   */
  accounts?: (AccountsContext & { usernameColumn?: string | undefined }) | undefined
}

/** A file read and checked: every data row with its status, E.164 number and other columns. */
export interface CheckedFile {
  /** The file's name, as messages show it. */
  name: string
  table: ParsedTable
  mapping: ColumnMapping
  /** One per data row; `fields` holds the row's other columns under their custom_user_data keys. */
  rows: ValidatedRow[]
}

type OptionsConfig = NonNullable<ParseArgsConfig['options']>

/** The options of every command that checks a phone list (validate, invite), for parseArgs. */
const FILE_OPTIONS = {
  country: { type: 'string' },
  domain: { type: 'string' },
  json: { type: 'boolean', default: false },
  db: { type: 'string' },
  sheet: { type: 'string' },
  column: { type: 'string' }
} as const satisfies OptionsConfig

/** What parseFileArgs returns: the shared options, and the values of the command's own too. */
export interface FileArgs<O extends OptionsConfig> {
  options: ValidateOptions
  values: ReturnType<
    typeof parseArgs<{
      args: string[]
      allowPositionals: true
      strict: true
      options: typeof FILE_OPTIONS & O
    }>
  >['values']
}

/**
 * Reads FILE and the options `validate` and `invite` share, plus the command's `own`, so both
 * accept and refuse the same arguments with the same words. `noFile` says what the file is for.
 * Throws UsageError; returns the shared options and every parsed value for the command's own.
 */
export function parseFileArgs<O extends OptionsConfig>(args: string[], own: O, noFile: string): FileArgs<O> {
  const { values, positionals } = parseCommandLine({
    args,
    allowPositionals: true,
    strict: true,
    options: { ...FILE_OPTIONS, ...own }
  })
  if (positionals.length === 0) throw new UsageError(noFile)
  if (positionals.length > 1) throw new UsageError(`one file at a time (got ${positionals.length})`)
  const shared = values as {
    country?: string
    domain?: string
    json?: boolean
    db?: string
    sheet?: string
    column?: string
  }
  const country = toCountryCode(shared.country)
  if (shared.country !== undefined && country === undefined) {
    throw new UsageError(`unknown country "${shared.country}"; use a two-letter code such as KE`)
  }
  const options: ValidateOptions = {
    file: positionals[0]!,
    json: shared.json ?? false,
    ...(country !== undefined ? { country } : {}),
    ...(shared.domain !== undefined ? { domain: shared.domain } : {}),
    ...(shared.db !== undefined ? { db: shared.db } : {}),
    ...(shared.sheet !== undefined ? { sheet: shared.sheet } : {}),
    ...(shared.column !== undefined ? { column: shared.column } : {})
  }
  return { options, values }
}

export function parseValidateArgs(
  args: string[]
): { ok: true; options: ValidateOptions } | { ok: false; error: string } {
  try {
    return { ok: true, options: parseFileArgs(args, {}, 'name the file to check').options }
  } catch (e) {
    if (e instanceof UsageError) return { ok: false, error: e.message }
    throw e
  }
}

export async function runValidate(args: string[], io: ValidateIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${VALIDATE_USAGE}\n`)
    return 0
  }
  const parsed = parseValidateArgs(args)
  if (!parsed.ok) {
    io.stderr(`roster validate: ${parsed.error}\n${VALIDATE_USAGE}\n`)
    return 2
  }
  const options = parsed.options
  let opened: Partial<ValidateLookup> | undefined
  try {
    const checked = await checkFile(options, {
      lookup: async () => {
        opened = await openLookup(options, io)
        if (opened.unchecked) {
          io.stderr(`note: registered and invited numbers were not checked (${opened.unchecked})\n`)
        }
        return opened
      },
      warn: (line) => io.stderr(`${line}\n`)
    })
    print(checked, options, io)
    return checked.rows.some((r) => r.status === 'error') ? 1 : 0
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`roster validate: ${e.message}\n`)
      return 2
    }
    if (e instanceof Failure) {
      io.stderr(`${e.message}\n`)
      return 1
    }
    if (classifyError(e) === 'failure') {
      io.stderr(`roster validate: ${messageOf(e)}\n`)
      return 1
    }
    io.stderr(`roster validate: ${internalErrorLine(e)}\n`)
    return EXIT.internal
  } finally {
    opened?.close?.()
  }
}

/**
 * Reads a phone list (CSV, TSV, text or spreadsheet) and validates every row the way the Invite
 * screen does. Throws UsageError for what the options got wrong (exit 2) and Failure for a file
 * that cannot be used (exit 1). `warn` gets the rows the parser had to skip or repair; `lookup`
 * is asked for registered and invited numbers only once the file has been read.
 */
export async function checkFile(
  check: FileCheck,
  deps: {
    lookup?: () => Partial<ValidateLookup> | Promise<Partial<ValidateLookup>>
    warn?: (line: string) => void
  } = {}
): Promise<CheckedFile> {
  const name = basename(check.file)
  const bytes = await readBytes(check.file)
  const table = readTable(bytes, check, name)
  for (const issue of table.errors) {
    deps.warn?.(`${name}${issue.row ? ` row ${issue.row}` : ''}: ${issue.message}`)
  }
  if (table.rows.length === 0) throw new Failure(`${name} has no rows to check`)

  const mapping = withAccountRoles(columnMapping(table, check.column, name), table, check, name)
  if (mapping.phone < 0) {
    throw new Failure(
      `cannot tell which column of ${name} holds the phone numbers; name it with --column (${describeColumns(table.headers)})`
    )
  }
  const imported = importRows(table, mapping)

  const lookup = deps.lookup ? await deps.lookup() : {}
  // --country, else the project's own country, else every number must be international.
  const fallback = check.defaultCountry ?? toCountryCode(lookup.defaultCountry)
  const country = check.country ?? fallback
  const national = nationalRows(imported)
  if (!country) requireInternational(national, name)
  else if (!check.country && national.length > 0) {
    deps.warn?.(
      `note: ${name}: numbers without a country code are read as ${country} numbers (the project's country); use --country to change`
    )
  }
  const ctx: ValidationContext = {
    country,
    ...lookupMethods(lookup),
    ...(check.accounts ? { accounts: accountsContext(check.accounts, mapping) } : {})
  }
  return { name, table, mapping, rows: validateRows(imported, ctx) }
}

function print(checked: CheckedFile, options: ValidateOptions, io: ValidateIo): void {
  const results = checked.rows
  if (options.json) {
    const out: ValidateJsonRow[] = results.map((r) => ({
      row: r.row,
      input: r.input,
      status: r.status,
      e164: r.e164,
      message: r.message
    }))
    io.stdout(`${JSON.stringify(out, null, 2)}\n`)
  } else {
    io.stdout(`${describeSource(checked.table, checked.name, checked.mapping.phone)}\n\n`)
    io.stdout(rowTable(results))
    io.stdout(`\n${summary(results)}\n`)
  }
}

/**
 * The phone column and one custom_user_data field per other column (defaultMapping's keys and
 * skips). When --column overrides the guess, the guessed column becomes an ordinary field again.
 */
function columnMapping(table: ParsedTable, column: string | undefined, name: string): ColumnMapping {
  const guessed = defaultMapping(table.headers, table.rows, { hasHeader: table.hasHeader })
  if (column === undefined) return guessed
  const phone = findColumn(table.headers, column, name)
  if (phone === guessed.phone) return guessed
  const fields = guessed.fields.filter((f) => f.index !== phone)
  if (guessed.phone >= 0) {
    const index = guessed.phone
    const header = table.headers[index] ?? ''
    const base = slugifyKey(table.hasHeader ? header : '', index)
    let key = base
    // As defaultMapping: HQ refuses two keys that differ only in case.
    const taken = (k: string): boolean => fields.some((f) => f.key.toLowerCase() === k.toLowerCase())
    for (let n = 2; taken(key); n++) key = `${base}_${n}`
    const reason = !table.hasHeader
      ? 'the column has no title; name it to send it'
      : isReservedKey(key)
        ? 'names starting with commcare_ are reserved by CommCare HQ'
        : undefined
    fields.push(reason ? { index, header, key, skip: true, reason } : { index, header, key, skip: false })
    fields.sort((a, b) => a.index - b.index)
  }
  return { phone, fields }
}

/**
 * With accounts, the username, name and e-mail columns guessed from their titles (or the one
 * --username-column names) play those roles and are no longer sent as custom user data.
 */
function withAccountRoles(
  mapping: ColumnMapping,
  table: ParsedTable,
  check: FileCheck,
  name: string
): ColumnMapping {
  if (!check.accounts || !table.hasHeader) {
    if (check.accounts?.usernameColumn !== undefined && !table.hasHeader) {
      throw new UsageError(`${name} has no title row, so --username-column cannot name a column`)
    }
    return mapping
  }
  const roles: AccountRoles = guessAccountRoles(table.headers, mapping.phone)
  const wanted = check.accounts.usernameColumn
  if (wanted !== undefined) {
    const index = findColumn(table.headers, wanted, name)
    if (index === mapping.phone) {
      throw new UsageError(`--username-column ${wanted} is the phone column of ${name}`)
    }
    for (const role of Object.keys(roles) as (keyof AccountRoles)[]) {
      if (roles[role] === index) delete roles[role]
    }
    roles.username = index
  }
  return { ...mapping, roles }
}

/** The accounts context validation needs, with the custom field keys a template may name. */
function accountsContext(accounts: AccountsContext, mapping: ColumnMapping): AccountsContext {
  const roleColumns = new Set(Object.values(mapping.roles ?? {}))
  const fieldKeys = mapping.fields.filter((f) => !f.skip && !roleColumns.has(f.index)).map((f) => f.key)
  return {
    domain: accounts.domain,
    channel: accounts.channel,
    fieldKeys,
    ...(accounts.template !== undefined ? { template: accounts.template } : {})
  }
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path))
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder, not a file'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : (e as Error).message
    throw new Failure(`cannot read ${path}: ${reason}`)
  }
}

function readTable(bytes: Uint8Array, options: FileCheck, name: string): ParsedTable {
  if (!isSpreadsheet(options.file, bytes)) {
    if (options.sheet !== undefined)
      throw new UsageError('--sheet only applies to spreadsheets (xlsx, xls, ods)')
    try {
      return parseDelimited(bytes)
    } catch (e) {
      throw new Failure(`cannot read ${name}: ${(e as Error).message}`)
    }
  }
  let book
  try {
    book = openWorkbook(bytes)
  } catch (e) {
    throw new Failure(`cannot read ${name}: ${(e as Error).message}`)
  }
  if (options.sheet !== undefined && !book.sheets.includes(options.sheet)) {
    throw new UsageError(
      `${name} has no sheet "${options.sheet}"; its sheets are ${book.sheets.map((s) => `"${s}"`).join(', ')}`
    )
  }
  return book.readSheet(options.sheet === undefined ? {} : { sheet: options.sheet })
}

/** --column accepts the title ("Téléphone", any case and accents), a letter ("B") or a number ("2"). */
function findColumn(headers: string[], wanted: string, name: string): number {
  const folded = foldHeader(wanted)
  const byTitle = headers.findIndex((h) => foldHeader(h) === folded)
  if (byTitle >= 0) return byTitle
  if (/^[A-Za-z]{1,2}$/.test(wanted)) {
    const index = headers.findIndex((_, i) => columnLetter(i) === wanted.toUpperCase())
    if (index >= 0) return index
  }
  if (/^\d+$/.test(wanted)) {
    const index = Number(wanted) - 1
    if (index >= 0 && index < headers.length) return index
  }
  throw new UsageError(`${name} has no column "${wanted}" (${describeColumns(headers)})`)
}

function describeColumns(headers: string[]): string {
  return `columns: ${headers.map((h, i) => `${columnLetter(i)} "${h}"`).join(', ')}`
}

/** The rows whose number is written the national way ("0712 345678"): no country code. */
function nationalRows(rows: { row: number; phone: string }[]): number[] {
  const national: number[] = []
  for (const r of rows) {
    const { cleaned, damaged } = repairInput(r.phone)
    if (!damaged && /^\d+$/.test(cleaned)) national.push(r.row)
  }
  return national
}

/** Without a country, national numbers cannot be read: say which rows and what to do. */
function requireInternational(national: number[], name: string): void {
  if (national.length === 0) return
  const shown = national.slice(0, 5).join(', ')
  const more = national.length > 5 ? ` and ${national.length - 5} more` : ''
  throw new UsageError(
    `${name}: row${national.length === 1 ? '' : 's'} ${shown}${more} ${national.length === 1 ? 'is' : 'are'} not in ` +
      'international form (+ and country code); say which country the numbers are from with --country, e.g. --country KE'
  )
}

async function openLookup(options: ValidateOptions, io: ValidateIo): Promise<Partial<ValidateLookup>> {
  if (io.lookup) return io.lookup
  const named = options.db !== undefined || options.domain !== undefined
  if (!io.openLookup) {
    if (named) io.stderr('note: registered and invited numbers were not checked (no database available)\n')
    return {}
  }
  try {
    const opened: { db?: string; domain?: string } = {}
    if (options.db !== undefined) opened.db = options.db
    if (options.domain !== undefined) opened.domain = options.domain
    return await io.openLookup(opened)
  } catch (e) {
    // An unknown --domain or a missing roster already says what is wrong.
    if (e instanceof UsageError || e instanceof Failure) throw e
    throw new Failure(`cannot open the roster database: ${messageOf(e)}`)
  }
}

/** Bound, because the lookup may be a class instance whose methods live on its prototype. */
function lookupMethods(lookup: Partial<ValidateLookup>): Partial<ValidateLookup> {
  return {
    findWorkerByDigits: lookup.findWorkerByDigits?.bind(lookup),
    findInvitationByDigits: lookup.findInvitationByDigits?.bind(lookup),
    isUsernameTaken: lookup.isUsernameTaken?.bind(lookup)
  }
}

function describeSource(table: ParsedTable, name: string, phone: number): string {
  const column = `phone numbers in column ${columnLetter(phone)}${table.hasHeader ? ` "${table.headers[phone]}"` : ''}`
  if (table.kind === 'sheet') return `${name}, sheet "${table.sheet}": ${column}`
  if (table.kind === 'delimited') {
    const delimiter = { ',': 'comma', ';': 'semicolon', '\t': 'tab' }[table.delimiter]
    return `${name} (${table.encoding}, ${delimiter}-separated): ${column}`
  }
  return `${name}: ${column}`
}

function oneLine(s: string, max: number): string {
  const flat = s.replace(/[\t\r\n]+/g, ' ')
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

function rowTable(results: ValidatedRow[]): string {
  const head = ['Row', 'Status', 'Number', 'Input', 'Message']
  const body = results.map((r) => [String(r.row), r.status, r.e164 ?? '', oneLine(r.input, 28), r.message])
  return formatTable(head, body)
}

function summary(results: ValidatedRow[]): string {
  const counts: Record<RowStatus, number> = { ready: 0, fixed: 0, warning: 0, error: 0 }
  for (const r of results) counts[r.status]++
  const total = `${results.length} row${results.length === 1 ? '' : 's'}`
  return `${total}: ${counts.ready} ready, ${counts.fixed} fixed, ${counts.warning} warning, ${counts.error} error`
}
