import { foldUsername } from './fold'

/** What a project uses until the coordinator changes it. */
export const DEFAULT_USERNAME_TEMPLATE = '{first}.{last}'

/** The placeholders a template may use, besides `{data:<field>}` (a custom field of the file). */
export const USERNAME_PLACEHOLDERS = ['first', 'last', 'name', 'digits', 'row'] as const
export type UsernamePlaceholder = (typeof USERNAME_PLACEHOLDERS)[number]

/** Placeholders that stand for the person: when all are empty the row has no name. */
const NAME_PLACEHOLDERS: ReadonlySet<string> = new Set(['first', 'last', 'name'])

export type TemplatePart = { text: string } | { placeholder: UsernamePlaceholder } | { data: string }

export type ParsedTemplate = { ok: true; parts: TemplatePart[] } | { ok: false; error: string }

const PLACEHOLDER_LIST = '{first}, {last}, {name}, {digits}, {row} or {data:<field>}'

/**
 * Reads a template such as `{first}.{last}` or `chv.{data:village}.{row}`. Placeholder names
 * are read without case or spaces (`{ First }`). With `fieldKeys` (the file's custom fields),
 * a `{data:x}` naming none of them is an error too; a field is matched exactly, else ignoring case.
 */
export function parseUsernameTemplate(template: string, fieldKeys?: readonly string[]): ParsedTemplate {
  if (template.trim() === '')
    return { ok: false, error: `the username template is empty; use e.g. {first}.{last}` }
  const parts: TemplatePart[] = []
  let i = 0
  while (i < template.length) {
    const open = template.indexOf('{', i)
    const close = template.indexOf('}', i)
    if (close >= 0 && (open < 0 || close < open)) {
      return {
        ok: false,
        error: `the username template has a "}" without its "{" (at character ${close + 1})`
      }
    }
    if (open < 0) {
      parts.push({ text: template.slice(i) })
      break
    }
    if (open > i) parts.push({ text: template.slice(i, open) })
    if (close < 0) return { ok: false, error: `the username template has a "{" without its "}"` }
    const inner = template.slice(open + 1, close)
    const part = placeholderPart(inner, fieldKeys)
    if ('error' in part) return { ok: false, error: part.error }
    parts.push(part)
    i = close + 1
  }
  return { ok: true, parts }
}

/** Why a template cannot be used, in the coordinator's words; undefined when it can. */
export function usernameTemplateProblem(template: string, fieldKeys?: readonly string[]): string | undefined {
  const parsed = parseUsernameTemplate(template, fieldKeys)
  return parsed.ok ? undefined : parsed.error
}

function placeholderPart(inner: string, fieldKeys?: readonly string[]): TemplatePart | { error: string } {
  const data = /^\s*data\s*:(.*)$/i.exec(inner)
  if (data) {
    const field = (data[1] ?? '').trim()
    if (field === '')
      return { error: 'the username template has {data:} without a field name, e.g. {data:village}' }
    if (!fieldKeys || fieldKeys.includes(field)) return { data: field }
    const other = fieldKeys.find((k) => k.toLowerCase() === field.toLowerCase())
    if (other !== undefined) return { data: other }
    const known = fieldKeys.length > 0 ? ` (its fields: ${fieldKeys.join(', ')})` : ''
    return {
      error: `the username template uses {data:${field}}, but the file has no custom field "${field}"${known}`
    }
  }
  const name = inner.trim().toLowerCase()
  const known = USERNAME_PLACEHOLDERS.find((p) => p === name)
  if (known) return { placeholder: known }
  return { error: `the username template has an unknown placeholder {${inner}}; use ${PLACEHOLDER_LIST}` }
}

/** The person a template is filled in for. */
export interface TemplatePerson {
  first?: string | undefined
  last?: string | undefined
  /** The full name. */
  name?: string | undefined
  /** The phone number's digits, without "+". */
  digits?: string | undefined
  row: number
  /** The row's custom fields by key. */
  fields?: Readonly<Record<string, string>> | undefined
}

/**
 * First, last and full name from whatever the file has: a full name alone is split at its first
 * space (first word, the rest), as HQ splits a `name` cell; names alone make the full name.
 */
export function personNames(p: {
  firstName?: string | undefined
  lastName?: string | undefined
  name?: string | undefined
}): {
  first: string
  last: string
  name: string
} {
  const first = (p.firstName ?? '').trim()
  const last = (p.lastName ?? '').trim()
  const name = (p.name ?? '').trim().replace(/\s+/g, ' ')
  if (first === '' && last === '' && name !== '') {
    const space = name.indexOf(' ')
    return space < 0
      ? { first: name, last: '', name }
      : { first: name.slice(0, space), last: name.slice(space + 1), name }
  }
  return { first, last, name: name !== '' ? name : [first, last].filter(Boolean).join(' ') }
}

/**
 * The username a template makes for a person, folded to HQ's characters (not yet cut to the
 * length limit nor made unique). When the template gives nothing usable (every name
 * placeholder empty, or every placeholder when it uses no name one, or nothing left after
 * folding) it falls back to the phone's digits: `fallback` says so. '' when there are none.
 */
export function renderUsername(
  parts: readonly TemplatePart[],
  person: TemplatePerson
): { base: string; fallback: boolean } {
  let text = ''
  let significant = 0
  let filled = 0
  const hasNames = parts.some((p) => 'placeholder' in p && NAME_PLACEHOLDERS.has(p.placeholder))
  for (const part of parts) {
    if ('text' in part) {
      text += part.text
      continue
    }
    const value = 'data' in part ? (person.fields?.[part.data] ?? '') : valueOf(part.placeholder, person)
    const counts = !hasNames || ('placeholder' in part && NAME_PLACEHOLDERS.has(part.placeholder))
    if (counts) {
      significant++
      if (foldUsername(value) !== '') filled++
    }
    text += value
  }
  const base = foldUsername(text)
  if (base !== '' && (significant === 0 || filled > 0)) return { base, fallback: false }
  return { base: foldUsername(person.digits ?? ''), fallback: true }
}

function valueOf(placeholder: UsernamePlaceholder, person: TemplatePerson): string {
  switch (placeholder) {
    case 'first':
    case 'last':
    case 'name':
      return personNames({ firstName: person.first, lastName: person.last, name: person.name })[placeholder]
    case 'digits':
      return (person.digits ?? '').replace(/\D/g, '')
    case 'row':
      return String(person.row)
  }
}
