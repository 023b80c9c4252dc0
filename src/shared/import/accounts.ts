/**
 * The account side of a row (channels 2 and 3, which create accounts): its username, names and
 * e-mail, checked the way HQ would check them, usernames unique against the file and the project.
 */
import {
  checkUsernameCell,
  UsernameAssigner,
  DEFAULT_USERNAME_TEMPLATE,
  parseUsernameTemplate,
  personNames,
  renderUsername,
  usernameGroupKey,
  usernameLimit,
  usernameQueries,
  type ParsedTemplate,
  type UsernameClaim,
  type UsernameOutcome
} from '../username'
import type { ImportRow } from './validate'

/** What validation needs to know to check accounts; without it rows are checked as channel 1's. */
export interface AccountsContext {
  /** The project: usernames become `<name>@<domain>.commcarehq.org`, within HQ's length limit. */
  domain: string
  /** Makes a username for rows the file gives none; `{first}.{last}` when left out. */
  template?: string
  channel: 'sms-confirmation' | 'email-confirmation'
  /** The file's custom field keys: a template's `{data:x}` naming none of them is an error. */
  fieldKeys?: readonly string[]
}

/** Which usernames (lower case, before the @) the project's workers or live invitations hold. */
export interface UsernameLookups {
  isUsernameTaken?(lowerUsername: string): boolean
}

export const USERNAME_SOURCES = ['file', 'template'] as const
export type UsernameSource = (typeof USERNAME_SOURCES)[number]

export const USERNAME_PROBLEMS = [
  'illegal',
  'too-long',
  'other-project',
  'duplicate',
  'taken',
  'missing',
  'template',
  'exhausted'
] as const
export type UsernameProblem = (typeof USERNAME_PROBLEMS)[number]

/** The context, read once. */
export interface PreparedAccounts {
  domain: string
  limit: number
  channel: AccountsContext['channel']
  template: ParsedTemplate
}

export function prepareAccounts(ctx: AccountsContext): PreparedAccounts {
  return {
    domain: ctx.domain,
    limit: usernameLimit(ctx.domain),
    channel: ctx.channel,
    template: parseUsernameTemplate(ctx.template ?? DEFAULT_USERNAME_TEMPLATE, ctx.fieldKeys)
  }
}

/** One row's account as far as it depends on the row alone. */
export interface AccountBase {
  source: UsernameSource
  /** What the row asks for; null when it can ask for nothing (see `problem`). */
  claim: Omit<UsernameClaim, 'row'> | null
  /** A problem found before uniqueness: the cell HQ would refuse, the template, no name at all. */
  problem?: { kind: UsernameProblem; message: string }
  /** The cell as the file gives it, for messages. */
  cell?: string
  firstName: string | null
  lastName: string | null
  email: string | null
  /** An e-mail problem: an error for channel 3 (it needs the address), else a warning. */
  emailProblem?: { error: boolean; message: string }
}

// Good enough to catch a name or a number in the e-mail column; HQ checks nothing itself.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/

/** A row's account, given its phone number's digits (the fallback username) when valid. */
export function accountBase(row: ImportRow, digits: string | null, accounts: PreparedAccounts): AccountBase {
  const names = personNames({ firstName: row.firstName, lastName: row.lastName, name: row.name })
  const base: Omit<AccountBase, 'source' | 'claim'> = {
    firstName: names.first === '' ? null : names.first,
    lastName: names.last === '' ? null : names.last,
    email: null
  }
  const email = (row.email ?? '').trim()
  const needsEmail = accounts.channel === 'email-confirmation'
  if (email !== '' && EMAIL.test(email)) base.email = email
  else if (email !== '') {
    base.emailProblem = needsEmail
      ? { error: true, message: `e-mail "${email}" is not a valid address` }
      : { error: false, message: `e-mail "${email}" does not look like an address; it is not sent` }
  } else if (needsEmail) {
    base.emailProblem = {
      error: true,
      message: 'no e-mail address (HQ sends the confirmation link by e-mail)'
    }
  }

  const cell = (row.username ?? '').trim()
  if (cell !== '') {
    const checked = checkUsernameCell(cell, accounts.domain)
    if (checked.ok) return { ...base, source: 'file', cell, claim: { kind: 'fixed', base: checked.username } }
    return {
      ...base,
      source: 'file',
      cell,
      claim: { kind: 'repair', base: checked.base },
      problem: { kind: checked.problem, message: `username "${cell}" ${checked.reason}` }
    }
  }
  if (!accounts.template.ok) {
    return {
      ...base,
      source: 'template',
      claim: null,
      problem: { kind: 'template', message: accounts.template.error }
    }
  }
  const made = renderUsername(accounts.template.parts, {
    first: names.first,
    last: names.last,
    name: names.name,
    digits: digits ?? undefined,
    row: row.row,
    fields: row.fields
  })
  if (made.base === '') {
    return {
      ...base,
      source: 'template',
      claim: null,
      problem: {
        kind: 'missing',
        message: 'no username: the row has no name and no valid phone number to make one from'
      }
    }
  }
  return { ...base, source: 'template', claim: { kind: 'made', base: made.base } }
}

/**
 * Usernames of the whole list, kept unique as rows change. Rows are grouped so that rows whose
 * usernames can clash share a group (usernameGroupKey): a change re-checks only its groups.
 */
export class UsernameBook {
  private claims = new Map<number, UsernameClaim>()
  private keys = new Map<number, string>()
  private groups = new Map<string, Set<number>>()
  /** Per group, what its last assignment used (see UsernameAssigner.append). */
  private assigners = new Map<string, UsernameAssigner>()
  private outcomes = new Map<number, UsernameOutcome>()

  constructor(
    private readonly limit: number,
    private isTaken: (lowerUsername: string) => boolean = () => false
  ) {}

  /** Sets (or clears, with null) a row's claim; returns the rows whose username may have changed. */
  set(row: number, claim: Omit<UsernameClaim, 'row'> | null): Set<number> {
    const touched = new Set<number>([row])
    const old = this.claims.get(row)
    if (old && claim && old.kind === claim.kind && old.base === claim.base) return touched
    const oldKey = this.keys.get(row)
    this.detach(row)
    const key = claim ? usernameGroupKey(claim.base, this.limit) : undefined
    if (claim && key !== undefined) {
      this.claims.set(row, { row, ...claim })
      this.keys.set(row, key)
      let group = this.groups.get(key)
      if (!group) this.groups.set(key, (group = new Set()))
      group.add(row)
      const appended = oldKey === undefined ? this.assigners.get(key)?.append({ row, ...claim }) : undefined
      if (appended) this.outcomes.set(row, appended)
      else this.assign(key, touched)
    }
    if (oldKey !== undefined && oldKey !== key) this.assign(oldKey, touched)
    return touched
  }

  /** Sets many claims at once (a whole list), then assigns every group once. */
  load(entries: Iterable<[number, Omit<UsernameClaim, 'row'> | null]>): void {
    this.claims.clear()
    this.keys.clear()
    this.groups.clear()
    this.assigners.clear()
    this.outcomes.clear()
    for (const [row, claim] of entries) {
      if (!claim) continue
      const key = usernameGroupKey(claim.base, this.limit)
      this.claims.set(row, { row, ...claim })
      this.keys.set(row, key)
      let group = this.groups.get(key)
      if (!group) this.groups.set(key, (group = new Set()))
      group.add(row)
    }
    for (const key of this.groups.keys()) this.assign(key, new Set())
  }

  delete(row: number): Set<number> {
    const key = this.keys.get(row)
    this.detach(row)
    const touched = new Set<number>()
    if (key !== undefined) this.assign(key, touched)
    touched.delete(row)
    return touched
  }

  /** New taken usernames (after the core answered, or after a sync); returns the rows that changed. */
  setTaken(isTaken: (lowerUsername: string) => boolean): Set<number> {
    this.isTaken = isTaken
    const changed = new Set<number>()
    for (const key of this.groups.keys()) this.assign(key, changed)
    return changed
  }

  outcome(row: number): UsernameOutcome | undefined {
    return this.outcomes.get(row)
  }

  /** What to ask the core's lookup (see usernameQueries): every claim's name and its stems. */
  queries(): string[] {
    const out = new Set<string>()
    for (const claim of this.claims.values()) {
      if (claim.base === '') continue
      for (const q of usernameQueries(claim.base, this.limit)) out.add(q)
    }
    return [...out]
  }

  /** Takes the row out of its group without assigning the group again. */
  private detach(row: number): void {
    const key = this.keys.get(row)
    this.claims.delete(row)
    this.keys.delete(row)
    this.outcomes.delete(row)
    if (key === undefined) return
    const group = this.groups.get(key)
    group?.delete(row)
    if (group && group.size === 0) {
      this.groups.delete(key)
      this.assigners.delete(key)
    }
  }

  private assign(key: string, touched: Set<number>): void {
    const rows = this.groups.get(key)
    if (!rows) return
    const claims: UsernameClaim[] = []
    for (const row of rows) {
      const claim = this.claims.get(row)
      if (claim) claims.push(claim)
    }
    const assigner = new UsernameAssigner(this.limit, this.isTaken)
    this.assigners.set(key, assigner)
    for (const [row, outcome] of assigner.assign(claims)) {
      // Only rows whose username changed are re-checked: a group can hold thousands of rows.
      if (!sameOutcome(this.outcomes.get(row), outcome)) touched.add(row)
      this.outcomes.set(row, outcome)
    }
  }
}

function sameOutcome(a: UsernameOutcome | undefined, b: UsernameOutcome): boolean {
  if (a === undefined || a.username !== b.username) return false
  if (a.username !== null || b.username !== null) return true
  return a.suggestion === b.suggestion && JSON.stringify(a.clash) === JSON.stringify(b.clash)
}

/** What a row's account adds to its result. */
export interface AccountResult {
  errors: string[]
  warnings: string[]
  username: string | null
  usernameSource: UsernameSource
  usernameProblem?: UsernameProblem
  usernameSuggestion?: string
  firstName: string | null
  lastName: string | null
  email: string | null
}

export function accountResult(base: AccountBase, outcome: UsernameOutcome | undefined): AccountResult {
  const out: AccountResult = {
    errors: [],
    warnings: [],
    username: null,
    usernameSource: base.source,
    firstName: base.firstName,
    lastName: base.lastName,
    email: base.email
  }
  const use = (suggestion: string | null | undefined): string => {
    if (!suggestion) return ''
    out.usernameSuggestion = suggestion
    return `; use "${suggestion}"`
  }
  if (base.problem) {
    out.usernameProblem = base.problem.kind
    const suggestion = outcome && outcome.username === null ? outcome.suggestion : null
    out.errors.push(`${base.problem.message}${use(suggestion)}`)
  } else if (outcome && outcome.username !== null) {
    out.username = outcome.username
  } else if (outcome) {
    const name = base.claim?.base ?? ''
    switch (outcome.clash.kind) {
      case 'duplicate':
        out.usernameProblem = 'duplicate'
        out.errors.push(
          `same username as row ${outcome.clash.firstRow} ("${name}")${use(outcome.suggestion)}`
        )
        break
      case 'taken':
        out.usernameProblem = 'taken'
        out.errors.push(
          `username "${name}" is already taken in the project (by a worker or an invitation)${use(outcome.suggestion)}`
        )
        break
      default:
        out.usernameProblem = 'exhausted'
        out.errors.push(`no free username left for "${name}"; change the template or give the row a username`)
    }
  }
  if (base.emailProblem) (base.emailProblem.error ? out.errors : out.warnings).push(base.emailProblem.message)
  return out
}
