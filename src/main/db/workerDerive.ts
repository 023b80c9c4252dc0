import { createHash } from 'node:crypto'
import { searchFormsOfPhone, digitsOf, type CountryCode } from '../../shared/phone'
import { fold, searchText } from './fold'

/**
 * The fields of an HQ worker object that Roster reads. The HQ client's parsed HqWorker fits
 * this shape; anything else HQ sends rides along and is kept in `raw`.
 */
export interface WorkerInput {
  id: string
  username: string
  first_name?: string | null
  last_name?: string | null
  default_phone_number?: string | null
  email?: string | null
  phone_numbers?: readonly string[] | null
  groups?: readonly string[] | null
  locations?: readonly string[] | null
  primary_location?: string | null
  user_data?: Record<string, unknown> | null
  [extra: string]: unknown
}

export interface PhoneRow {
  raw: string
  digits: string
  e164: string | null
}

/** Everything the store keeps for one worker, computed from HQ's object alone. */
export interface DerivedWorker {
  id: string
  username: string
  firstName: string
  lastName: string
  name: string
  email: string
  defaultPhone: string | null
  /** Display forms: E.164 where readable, else as HQ had it. */
  phones: string[]
  archived: 0 | 1
  primaryLocation: string | null
  userData: string
  raw: string
  hash: string
  sortName: string
  sortUsername: string
  sortPhone: string | null
  phoneRows: PhoneRow[]
  groupIds: string[]
  locationIds: string[]
  fields: Array<[key: string, value: string]>
  fts: { name: string; username: string; email: string; phones: string; data: string }
}

/** HQ's own user_data keys (commcare_project, commcare_location_id, ...), not custom fields. */
export function isSystemKey(key: string): boolean {
  return key.startsWith('commcare_')
}

/** A user_data value as text: HQ's custom fields are strings, but a number or list may appear. */
export function fieldText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

export function splitUserData(userData: Record<string, unknown>): {
  custom: Record<string, string>
  system: Record<string, string>
} {
  const custom: Record<string, string> = {}
  const system: Record<string, string> = {}
  for (const [key, value] of Object.entries(userData)) {
    if (isSystemKey(key)) system[key] = fieldText(value)
    else custom[key] = fieldText(value)
  }
  return { custom, system }
}

/** "asha.k@demo.commcarehq.org" -> "asha.k": the part a coordinator recognises. */
export function usernameLocalPart(username: string): string {
  const at = username.indexOf('@')
  return at > 0 ? username.slice(0, at) : username
}

export function displayName(firstName: string, lastName: string, username: string): string {
  const name = `${firstName.trim()} ${lastName.trim()}`.trim()
  return name || usernameLocalPart(username)
}

/**
 * The version of what deriveWorker computes. Raise it whenever a derived column, child row or
 * search form changes: it is part of the content hash, so the next sync re-derives every worker
 * (as changed) instead of keeping rows an older Roster derived.
 */
export const DERIVE_VERSION = 2

/**
 * A hash of what HQ sent, of the list it came from and of the derivation, to tell an unchanged
 * worker (left as it is) from an updated one (rewritten and counted).
 */
export function contentHash(raw: string, archived: boolean): string {
  return createHash('sha1')
    .update(`${DERIVE_VERSION}:${archived ? '1' : '0'}:`)
    .update(raw)
    .digest('base64url')
}

/**
 * Search forms of phone strings already read, for one page or one re-index chunk: a number is
 * parsed once however often it appears (HQ repeats the default number in phone_numbers).
 */
export type PhoneForms = Map<string, string[]>

function phoneText(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null
  if (typeof value === 'number') return String(value)
  return null
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) return []
  return value.filter((v): v is string => typeof v === 'string' && v !== '')
}

function locationsOf(
  worker: WorkerInput,
  userData: Record<string, unknown>
): {
  ids: string[]
  primary: string | null
} {
  // Newer HQ versions list locations; older ones only put them in user_data.
  const listed = Array.isArray(worker.locations)
    ? stringList(worker.locations)
    : fieldText(userData.commcare_location_ids).split(/\s+/).filter(Boolean)
  const primary =
    (typeof worker.primary_location === 'string' && worker.primary_location) ||
    (typeof userData.commcare_location_id === 'string' && userData.commcare_location_id) ||
    listed[0] ||
    null
  const ids = [...new Set(primary ? [primary, ...listed] : listed)]
  return { ids, primary }
}

/** Computes the stored form of a worker. `raw` is HQ's object as JSON, `hash` its contentHash. */
export function deriveWorker(
  worker: WorkerInput,
  archived: boolean,
  country: CountryCode | undefined,
  raw: string = JSON.stringify(worker),
  hash: string = contentHash(raw, archived),
  phoneForms: PhoneForms = new Map()
): DerivedWorker {
  const firstName = worker.first_name ?? ''
  const lastName = worker.last_name ?? ''
  const email = worker.email ?? ''
  const userData = worker.user_data && typeof worker.user_data === 'object' ? worker.user_data : {}
  const { custom } = splitUserData(userData)

  const phoneRows: PhoneRow[] = []
  const phones: string[] = []
  const searchForms = new Set<string>()
  const addPhone = (text: string): string => {
    // One parse per number: when the number reads, its search forms start with the E.164 one.
    let forms = phoneForms.get(text)
    if (!forms) {
      forms = searchFormsOfPhone(text, country)
      phoneForms.set(text, forms)
    }
    const e164 = forms.find((form) => form.startsWith('+')) ?? null
    const shown = e164 ?? text
    if (!phones.includes(shown)) {
      phones.push(shown)
      phoneRows.push({ raw: text, digits: digitsOf(text), e164 })
      for (const form of forms) searchForms.add(form)
    }
    return shown
  }
  for (const value of Array.isArray(worker.phone_numbers) ? worker.phone_numbers : []) {
    const text = phoneText(value)
    if (text) addPhone(text)
  }
  const defaultText = phoneText(worker.default_phone_number)
  const defaultPhone = defaultText ? addPhone(defaultText) : null

  const { ids: locationIds, primary } = locationsOf(worker, userData)
  const name = displayName(firstName, lastName, worker.username)
  const customValues = Object.values(custom).filter((v) => v !== '')
  const firstPhone = phoneRows[0]

  return {
    id: worker.id,
    username: worker.username,
    firstName,
    lastName,
    name,
    email,
    defaultPhone,
    phones,
    archived: archived ? 1 : 0,
    primaryLocation: primary,
    userData: JSON.stringify(userData),
    raw,
    hash,
    sortName: fold(name),
    sortUsername: fold(worker.username),
    sortPhone: firstPhone
      ? firstPhone.e164
        ? digitsOf(firstPhone.e164)
        : firstPhone.digits || firstPhone.raw
      : null,
    phoneRows,
    groupIds: [...new Set(stringList(worker.groups))],
    locationIds,
    fields: Object.entries(custom),
    fts: {
      name: searchText(name),
      username: searchText(usernameLocalPart(worker.username)),
      email: searchText(email),
      phones: [...searchForms].join(' '),
      data: searchText(customValues.join(' '))
    }
  }
}
