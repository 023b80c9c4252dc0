import { z } from 'zod'
import { repairInput } from '../phone/repair'
import { foldHeader, phoneHeaderScore } from './header'
import { columnLetter, type ParsedTable } from './table'
import type { ImportRow } from './validate'

export const FieldMappingSchema = z.object({
  /** 0-based column index in the parsed table. */
  index: z.number().int().min(0),
  header: z.string(),
  /** The custom_user_data key the column's values are sent under. */
  key: z.string(),
  skip: z.boolean(),
  /** Why the column is skipped by default, for the mapping screen. */
  reason: z.string().optional()
})
export type FieldMapping = z.infer<typeof FieldMappingSchema>

/**
 * Columns that describe the account rather than custom data (channels 2 and 3): sent to HQ as the
 * worker's own username, names and e-mail, never as custom user data.
 */
export const ACCOUNT_ROLES = ['username', 'first_name', 'last_name', 'name', 'email'] as const
export const AccountRoleSchema = z.enum(ACCOUNT_ROLES)
export type AccountRole = z.infer<typeof AccountRoleSchema>

const ColumnIndex = z.number().int().min(0)
export const AccountRolesSchema = z
  .object({
    username: ColumnIndex,
    first_name: ColumnIndex,
    last_name: ColumnIndex,
    name: ColumnIndex,
    email: ColumnIndex
  })
  .partial()
export type AccountRoles = z.infer<typeof AccountRolesSchema>

export const ColumnMappingSchema = z.object({
  /** Column holding the phone numbers; -1 when none was found (the coordinator must choose). */
  phone: z.number().int().min(-1),
  fields: z.array(FieldMappingSchema),
  /** Account columns by role (channels 2 and 3); their columns are never sent as custom data. */
  roles: AccountRolesSchema.optional()
})
export type ColumnMapping = z.infer<typeof ColumnMappingSchema>

const SAMPLE_ROWS = 200

/** A cell that holds something meant as a phone number, even one Excel has damaged. */
function phoneLike(cell: string): boolean {
  if (cell.trim() === '') return false
  const repaired = repairInput(cell)
  if (repaired.damaged) return true
  return /^\+?\d{7,15}$/.test(repaired.cleaned)
}

/** Share of the column's non-empty sample cells that look like phone numbers. */
function phoneShare(rows: readonly (readonly string[])[], col: number): number {
  let filled = 0
  let phones = 0
  for (const row of rows.slice(0, SAMPLE_ROWS)) {
    const cell = row[col] ?? ''
    if (cell.trim() === '') continue
    filled++
    if (phoneLike(cell)) phones++
  }
  return filled === 0 ? 0 : phones / filled
}

/**
 * The column most likely to hold the phone numbers, from its title (phone, mobile, msisdn,
 * téléphone, simu, ...) and its content (share of cells that look like numbers); -1 if none does.
 */
export function guessPhoneColumn(headers: readonly string[], rows: readonly (readonly string[])[]): number {
  let best = -1
  let bestScore = 0
  const width = Math.max(headers.length, ...rows.slice(0, SAMPLE_ROWS).map((r) => r.length))
  for (let col = 0; col < width; col++) {
    const title = phoneHeaderScore(headers[col] ?? '')
    const share = phoneShare(rows, col)
    // Content must agree unless the title is clear; a clear title wins over a column of IDs.
    if (share < 0.3 && title < 2) continue
    const score = share * 2 + title
    if (score > bestScore) {
      best = col
      bestScore = score
    }
  }
  return best
}

// HQ's rule for a custom field's key ("slug"): a Django slug (ASCII letters, digits, "_" and
// "-"), not digits alone, at most 127 characters (its column size), not starting with "xml"
// (reserved in XML names), not one of HQ's own names (below). Keys are case-sensitive:
// "District" and "district" are different fields. A key may start with a digit
// ("2nd_language"): HQ's JSON keeps it, only its XML output drops it, and Roster reads JSON.
const KEY_CHARACTERS = /^[A-Za-z0-9_-]+$/
const MAX_KEY_LENGTH = 127
// Short enough to read in the mapping screen; a title longer than this is a sentence, not a key.
const MAX_SLUG_LENGTH = 64

/**
 * Names HQ kept for itself before it gave its keys the commcare prefix, refused as field names
 * exactly as written ("Name" is fine): HQ copies a worker's user data into the worker's user
 * case, where these are the case's own name, type, owner and ids (custom_data_fields'
 * SYSTEM_FIELDS and validate_reserved_words).
 */
const HQ_OWN_NAMES: ReadonlySet<string> = new Set([
  'name',
  'type',
  'owner_id',
  'external_id',
  'hq_user_id',
  'user_type',
  'commtrack-supply-point'
])
/** What a column titled with one of HQ's own names is sent as: "name" -> "worker_name". */
const OWN_NAME_PREFIX = 'worker_'

/** HQ keeps commcare_* keys for itself (commcare_project, commcare_location_id, ...). */
export function isReservedKey(key: string): boolean {
  return /^commcare_/i.test(key)
}

/** Why HQ would not take `key` as a custom data key, in the coordinator's words; undefined when it would. */
export function userDataKeyProblem(key: string): string | undefined {
  if (key === '') return 'give the field a name'
  if (isReservedKey(key)) return 'names starting with commcare_ are reserved by CommCare HQ'
  if (HQ_OWN_NAMES.has(key)) {
    return `CommCare HQ uses "${key}" for its own data; choose another name, such as "${OWN_NAME_PREFIX}${key}"`
  }
  if (!KEY_CHARACTERS.test(key)) return 'use only plain letters (no accents), digits, _ and -'
  if (!/\D/.test(key)) return 'a name cannot be only digits'
  if (/^xml/i.test(key)) return 'names cannot start with "xml"'
  if (key.length > MAX_KEY_LENGTH) return `use at most ${MAX_KEY_LENGTH} characters`
  return undefined
}

export function isValidUserDataKey(key: string): boolean {
  return userDataKeyProblem(key) === undefined
}

/**
 * The custom data key for a column title. A title that already is a valid key is kept exactly
 * ("District", "village", "2nd_language", "Name"), because HQ's keys are case-sensitive and the
 * project's fields may be named that way. Any other title is slugified: "Numéro d'équipe" ->
 * "numero_d_equipe"; digits alone or a leading "xml" get "field_" in front; a name HQ keeps for
 * itself gets "worker_" in front ("name" -> "worker_name", "Owner ID" -> "worker_owner_id");
 * no title at all gives "column_c".
 */
export function slugifyKey(header: string, index = 0): string {
  const title = header.trim()
  if (isValidUserDataKey(title)) return title
  if (HQ_OWN_NAMES.has(title)) return `${OWN_NAME_PREFIX}${title}`
  let key = foldHeader(title).replace(/ /g, '_').slice(0, MAX_SLUG_LENGTH).replace(/_$/, '')
  if (key === '') return `column_${columnLetter(index).toLowerCase()}`
  if (!/\D/.test(key) || /^xml/.test(key)) key = `field_${key}`
  if (HQ_OWN_NAMES.has(key)) key = `${OWN_NAME_PREFIX}${key}`
  return key
}

// Column titles naming each account role, folded (foldHeader), in the languages of CommCare's
// projects. Whole titles only: "Name of village" is custom data. "Nom" is the family name in
// French, "Nombre" the given name in Spanish.
const ROLE_TITLES: Record<AccountRole, readonly string[]> = {
  username: [
    'username',
    'user name',
    'login',
    'user login',
    'nom d utilisateur',
    'identifiant',
    'usuario',
    'nombre de usuario',
    'nome de usuario',
    'jina la mtumiaji'
  ],
  first_name: [
    'first name',
    'firstname',
    'first',
    'given name',
    'given names',
    'forename',
    'prenom',
    'prenoms',
    'nombre',
    'nombres',
    'primeiro nome',
    'jina la kwanza'
  ],
  last_name: [
    'last name',
    'lastname',
    'last',
    'surname',
    'family name',
    'nom',
    'nom de famille',
    'apellido',
    'apellidos',
    'sobrenome',
    'jina la ukoo',
    'jina la familia'
  ],
  name: [
    'name',
    'names',
    'full name',
    'fullname',
    'nom complet',
    'nom et prenom',
    'nom et prenoms',
    'nombre completo',
    'nome',
    'nome completo',
    'jina',
    'jina kamili'
  ],
  email: [
    'email',
    'e mail',
    'mail',
    'email address',
    'e mail address',
    'courriel',
    'adresse email',
    'adresse e mail',
    'correo',
    'correo electronico',
    'barua pepe'
  ]
}

const ROLE_REASONS: Record<AccountRole, string> = {
  username: "the column holds the workers' usernames",
  first_name: "the column holds the workers' first names",
  last_name: "the column holds the workers' last names",
  name: "the column holds the workers' full names",
  email: "the column holds the workers' e-mail addresses"
}

/** Why a column with this role is not sent as custom data, for the mapping screen. */
export function accountRoleReason(role: AccountRole): string {
  return ROLE_REASONS[role]
}

/** The account columns a file's titles name (the first column for each role), never `phone`. */
export function guessAccountRoles(headers: readonly string[], phone = -1): AccountRoles {
  const roles: AccountRoles = {}
  const taken = new Set<number>([phone])
  for (const role of ACCOUNT_ROLES) {
    const index = headers.findIndex((h, i) => !taken.has(i) && ROLE_TITLES[role].includes(foldHeader(h)))
    if (index < 0) continue
    roles[role] = index
    taken.add(index)
  }
  return roles
}

/** The role a column plays, if any. */
export function roleOfColumn(roles: AccountRoles | undefined, index: number): AccountRole | undefined {
  if (!roles) return undefined
  return ACCOUNT_ROLES.find((role) => roles[role] === index)
}

/**
 * The phone column plus one custom-data field per other column, keyed by its title (see slugifyKey:
 * a title HQ keeps for itself, such as "name", is sent as "worker_name"). Columns are skipped by
 * default when empty, untitled (no header row), or named like HQ's commcare_ keys (HQ's own data,
 * as in an export of its roster).
 *
 * With `accounts` (channels 2 and 3, which create accounts), the username, name and e-mail
 * columns are guessed from their titles too (`roles`); they stay in `fields` but skipped, with
 * the reason, so they are not sent as custom data. Without it the mapping is exactly the one
 * channel 1 has always had (a "First name" column is custom data there).
 */
export function defaultMapping(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: { hasHeader?: boolean; accounts?: boolean } = {}
): ColumnMapping {
  const hasHeader = options.hasHeader ?? true
  const phone = guessPhoneColumn(headers, rows)
  const roles = options.accounts && hasHeader ? guessAccountRoles(headers, phone) : undefined
  // Compared without case: HQ refuses two fields whose keys differ only in case.
  const used = new Set<string>()
  const fields: FieldMapping[] = []
  headers.forEach((header, index) => {
    if (index === phone) return
    const base = hasHeader ? slugifyKey(header, index) : slugifyKey('', index)
    let key = base
    for (let n = 2; used.has(key.toLowerCase()); n++) key = `${base}_${n}`
    used.add(key.toLowerCase())
    const empty = rows.every((r) => (r[index] ?? '').trim() === '')
    const role = roleOfColumn(roles, index)
    const reason = role
      ? accountRoleReason(role)
      : empty
        ? 'the column is empty'
        : !hasHeader
          ? 'the column has no title; name it to send it'
          : isReservedKey(key)
            ? 'names starting with commcare_ are reserved by CommCare HQ'
            : undefined
    fields.push(reason ? { index, header, key, skip: true, reason } : { index, header, key, skip: false })
  })
  return roles ? { phone, fields, roles } : { phone, fields }
}

const ROLE_PROPERTIES = {
  username: 'username',
  first_name: 'firstName',
  last_name: 'lastName',
  name: 'name',
  email: 'email'
} as const satisfies Record<AccountRole, keyof ImportRow>

/**
 * The rows for validateRows: the phone cell, the mapped fields, and the account columns of
 * `mapping.roles` (all trimmed, empty ones left out). A column with a role is never custom data.
 */
export function importRows(
  table: Pick<ParsedTable, 'rows' | 'rowNumbers'>,
  mapping: ColumnMapping
): ImportRow[] {
  if (mapping.phone < 0) throw new Error('choose the column that holds the phone numbers')
  const roles = ACCOUNT_ROLES.flatMap((role) => {
    const index = mapping.roles?.[role]
    return index === undefined || index === mapping.phone ? [] : [{ index, property: ROLE_PROPERTIES[role] }]
  })
  const roleColumns = new Set(roles.map((r) => r.index))
  const active = mapping.fields.filter(
    (f) => !f.skip && f.index !== mapping.phone && !roleColumns.has(f.index)
  )
  return table.rows.map((cells, i) => {
    const fields: Record<string, string> = {}
    for (const f of active) {
      const value = (cells[f.index] ?? '').trim()
      if (value !== '') fields[f.key] = value
    }
    const row: ImportRow = { row: table.rowNumbers[i] ?? i + 1, phone: cells[mapping.phone] ?? '', fields }
    for (const { index, property } of roles) {
      const value = (cells[index] ?? '').trim()
      if (value !== '') row[property] = value
    }
    return row
  })
}
