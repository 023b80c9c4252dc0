import type { Cell, Sheet } from './workbook'

// HQ's bulk mobile-worker upload rules (corehq/apps/user_importer: importer.py, validation.py),
// as pure functions: which headers are allowed, and what each row becomes.

const SIMPLE_HEADERS = new Set([
  'username',
  'password',
  'name',
  'first_name',
  'last_name',
  'email',
  'language',
  'role',
  'is_active',
  'is_account_confirmed',
  'send_confirmation_sms',
  'send_confirmation_email',
  'user_id'
])
const NUMBERED = /^(phone-number|group|location_code) (\d+)$/
const DATA = /^data: ?(.+)$/

export function isAllowedHeader(header: string): boolean {
  return SIMPLE_HEADERS.has(header) || NUMBERED.test(header) || DATA.test(header)
}

// check_headers: both messages when both apply, one per line.
export function headerError(headers: readonly string[]): string | null {
  const messages: string[] = []
  if (!headers.includes('username')) messages.push('The following are required column headers: username.')
  const illegal = headers.filter((h) => !isAllowedHeader(h))
  if (illegal.length > 0) messages.push(`The following are illegal column headers: ${illegal.join(', ')}.`)
  return messages.length > 0 ? messages.join('\n') : null
}

export interface RowSpec {
  cells: Map<string, Cell>
  phones: Cell[] // phone-number 1, 2, ... in order
  groups: Cell[]
  locationCodes: Cell[]
  data: Record<string, string>
}

function numbered(cells: Map<string, Cell>, prefix: string): Cell[] {
  return [...cells.entries()]
    .map(([h, c]) => ({ m: NUMBERED.exec(h), c }))
    .filter((x) => x.m?.[1] === prefix)
    .sort((a, b) => Number(a.m?.[2]) - Number(b.m?.[2]))
    .map((x) => x.c)
}

export function rowSpecs(sheet: Sheet): RowSpec[] {
  return sheet.rows.map((cells) => {
    const data: Record<string, string> = {}
    for (const [h, c] of cells) {
      const m = DATA.exec(h)
      if (m?.[1]) data[m[1].trim()] = String(c.value)
    }
    return {
      cells,
      phones: numbered(cells, 'phone-number'),
      groups: numbered(cells, 'group'),
      locationCodes: numbered(cells, 'location_code'),
      data
    }
  })
}

export function maxUsernameLength(domain: string): number {
  return Math.min(80, 127 - `${domain}.commcarehq.org`.length)
}

export function fullUsername(raw: string, domain: string): string {
  return `${raw}@${domain}.commcarehq.org`.toLowerCase()
}

const USERNAME = /^[A-Za-z0-9.+\-_]+$/
const PHONE = /^\+?\d+$/
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

class RowError extends Error {}

// dimagi.utils.parsing.string_to_boolean, reached only for text cells (spec_value_to_boolean_or_none
// ignores numbers and booleans).
function textBool(spec: RowSpec, column: string): boolean | null {
  const cell = spec.cells.get(column)
  if (!cell || cell.kind !== 'text') return null
  const v = cell.value.trim().toLowerCase()
  if (['true', 't', 'yes', 'y', '1'].includes(v)) return true
  if (['false', 'f', 'no', 'n', '0'].includes(v)) return false
  throw new RowError(`'${column}' column can only contain 'true' or 'false'`)
}

function text(spec: RowSpec, column: string): string | null {
  const cell = spec.cells.get(column)
  return cell ? String(cell.value) : null
}

export interface UploadContext {
  domain: string
  takenUsernames: ReadonlySet<string> // full, lower case
  groupIdByName: ReadonlyMap<string, string>
  locationIdBySiteCode: ReadonlyMap<string, string> // lower-case site code
}

export interface NewAccount {
  rawUsername: string
  username: string
  firstName: string
  lastName: string
  email: string
  language: string | null
  phoneNumbers: string[] // digits, no "+"; the first is the default
  groupIds: string[]
  locationIds: string[] // the first is primary
  userData: Record<string, string>
  active: boolean
  sendConfirmationSms: boolean
}

export type RowOutcome = { ok: true; account: NewAccount } | { ok: false; error: string }

function usernamesOf(specs: readonly RowSpec[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const s of specs) {
    const u = text(s, 'username')
    if (u) counts.set(u, (counts.get(u) ?? 0) + 1)
  }
  return counts
}

// One row, in the order HQ checks: username characters (_parse_username), then the validators
// of get_user_import_validators, then the row's processing (phones, locations).
function checkRow(spec: RowSpec, counts: ReadonlyMap<string, number>, ctx: UploadContext): NewAccount {
  const usernameCell = spec.cells.get('username')
  const raw = usernameCell ? String(usernameCell.value) : ''
  if (raw && !USERNAME.test(raw))
    throw new RowError('Username must not contain blank spaces or special characters.')
  if (usernameCell && usernameCell.kind !== 'text') throw new RowError('Username must be Text')
  if (raw && (counts.get(raw) ?? 0) > 1) throw new RowError("'username' values must be unique")
  const max = maxUsernameLength(ctx.domain)
  if (raw.length > max) throw new RowError(`username cannot contain greater than ${max} characters`)
  const email = text(spec, 'email')
  if (email && !EMAIL.test(email)) throw new RowError('User has an invalid email address for their email')
  const userId = text(spec, 'user_id')
  if (raw && !userId && ctx.takenUsernames.has(fullUsername(raw, ctx.domain)))
    throw new RowError('The username already belongs to a user. Specify an ID to update the user.')
  const isActive = textBool(spec, 'is_active')
  const isConfirmed = textBool(spec, 'is_account_confirmed')
  textBool(spec, 'send_confirmation_email')
  const sendSms = textBool(spec, 'send_confirmation_sms')
  if (!raw && !userId) throw new RowError("One of 'username' or 'user_id' is required")
  if (userId) throw new RowError('hq-sim: updating existing users by upload is not simulated')
  // NewUserPasswordValidator reads the row itself, before send_confirmation_sms forces
  // is_account_confirmed to False: a new row without a password must say False there.
  const password = text(spec, 'password')
  const hasPassword = !!password && [...password].some((c) => c !== '*')
  if (!hasPassword && isConfirmed !== false) throw new RowError('New users must have a password set.')
  const groupIds: string[] = []
  for (const g of spec.groups) {
    const id = ctx.groupIdByName.get(String(g.value))
    if (!id)
      throw new RowError(`Group '${String(g.value)}' does not exist (try adding it to your spreadsheet)`)
    groupIds.push(id)
  }
  if (sendSms) {
    const wrong = [isActive ? 'is_active' : null, isConfirmed ? 'is_account_confirmed' : null].filter(Boolean)
    if (wrong.length > 0)
      throw new RowError(
        `When 'send_confirmation_sms' is True for a new user, ${wrong.join(' and ')} must be either empty or set to False.`
      )
  }
  const phoneNumbers: string[] = []
  for (const p of spec.phones) {
    if (p.kind !== 'text' || !PHONE.test(p.value))
      throw new RowError(`Invalid phone number detected: ${String(p.value)}`)
    phoneNumbers.push(p.value.replace(/^\+/, ''))
  }
  const locationIds: string[] = []
  for (const code of spec.locationCodes) {
    const siteCode = String(code.value).toLowerCase()
    const id = ctx.locationIdBySiteCode.get(siteCode)
    if (!id) throw new RowError(`Could not find organization with site code '${siteCode}'`)
    locationIds.push(id)
  }
  const name = text(spec, 'name')
  const [nameFirst = '', nameLast = ''] = name ? [name.split(' ')[0], name.split(' ').slice(1).join(' ')] : []
  return {
    rawUsername: raw.toLowerCase(),
    username: fullUsername(raw, ctx.domain),
    firstName: name ? nameFirst : (text(spec, 'first_name') ?? ''),
    lastName: name ? nameLast : (text(spec, 'last_name') ?? ''),
    email: email ?? '',
    language: text(spec, 'language'),
    phoneNumbers,
    groupIds,
    locationIds,
    userData: spec.data,
    // A confirmation SMS makes the account unconfirmed, and HQ creates unconfirmed accounts inactive.
    active: sendSms ? false : isConfirmed === false ? false : isActive !== false,
    sendConfirmationSms: sendSms === true
  }
}

// Every row's outcome. takenUsernames grows as rows are created (a later row cannot take it).
export function processRows(specs: readonly RowSpec[], ctx: UploadContext): RowOutcome[] {
  const counts = usernamesOf(specs)
  const taken = new Set(ctx.takenUsernames)
  return specs.map((spec) => {
    try {
      const account = checkRow(spec, counts, { ...ctx, takenUsernames: taken })
      taken.add(account.username)
      return { ok: true, account }
    } catch (e) {
      if (e instanceof RowError) return { ok: false, error: e.message }
      throw e
    }
  })
}
