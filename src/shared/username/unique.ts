import { trimDots } from './fold'

/**
 * Unique usernames by numeric suffix. Convention: the first holder of a name gets it bare, the
 * next ones a number from 2: `amina.diallo`, `amina.diallo2`, `amina.diallo3`. A name that ends
 * in a digit (a phone number's digits, `chv12`) gets a dot before the number so it stays
 * readable: `254712345678`, `254712345678.2`. A name too long for the limit is cut, keeping
 * room for the suffix (and never ending on a dot).
 */
export const FIRST_SUFFIX = 2
/** Beyond this, a name is given up on (six digits keep the grouping below exact). */
export const MAX_SUFFIX = 999_999

/** The n-th username for `base` (n = 1: the base itself), within `limit` characters. */
export function usernameCandidate(base: string, n: number, limit: number): string {
  if (n <= 1) return trimDots(base.slice(0, limit))
  const { stem, separator } = suffixStem(base, String(n).length, limit)
  return `${stem}${separator}${n}`
}

/** What comes before the number for suffixes of `digits` digits. */
function suffixStem(base: string, digits: number, limit: number): { stem: string; separator: string } {
  const plain = trimDots(base.slice(0, Math.max(0, limit - digits)))
  if (!/\d$/.test(plain)) return { stem: plain, separator: '' }
  return { stem: trimDots(base.slice(0, Math.max(0, limit - digits - 1))), separator: '.' }
}

/**
 * What to ask the core about so the suffixes of `base` can be chosen in one round: the lookup
 * answers, for each query q, q itself when taken and every taken `q<digits>`. So the queries
 * are the base (cut to the limit) and the stems its numbered forms are built on, separator
 * included (`"254712345678."` covers `254712345678.2`, `.3` …).
 */
export function usernameQueries(base: string, limit: number): string[] {
  const out = new Set<string>([usernameCandidate(base, 1, limit)])
  for (let digits = 1; digits <= String(MAX_SUFFIX).length; digits++) {
    const { stem, separator } = suffixStem(base, digits, limit)
    out.add(`${stem}${separator}`)
  }
  out.delete('')
  return [...out]
}

/**
 * A key shared by every username that could be a numbered form of the same base (so rows whose
 * usernames can clash are always checked together): the first limit − 8 characters (a suffix,
 * its dot and a cut dot take at most 8), without trailing digits and dots; names of digits
 * alone (phone numbers) keep their leading digits, so every phone number is its own group.
 */
export function usernameGroupKey(username: string, limit: number): string {
  const head = username.slice(0, Math.max(0, limit - 8))
  const word = head.replace(/[0-9.]+$/, '')
  if (word !== '') return `n:${word}`
  return `d:${/^\d*/.exec(head)?.[0] ?? ''}`
}

/**
 * One row's claim on a username: `fixed` is a valid name the file gives (kept as it is or
 * refused), `made` a base a template made (numbered until free), `repair` the folded form of
 * a name the file gives that HQ would refuse (only a suggestion is wanted).
 */
export interface UsernameClaim {
  row: number
  kind: 'fixed' | 'made' | 'repair'
  /** Lower case; for `made` and `repair` possibly longer than the limit (it is cut). */
  base: string
}

export type UsernameOutcome =
  | { username: string }
  | {
      username: null
      /** Why the row has none: a fixed name another row or the project holds; a name given up on. */
      clash:
        | { kind: 'duplicate'; firstRow: number }
        | { kind: 'taken' }
        | { kind: 'exhausted' }
        | { kind: 'repair' }
      /** A free username to use instead, when there is one. */
      suggestion: string | null
    }

type Refusal = Exclude<UsernameOutcome, { username: string }>['clash']

/**
 * Gives each claim its username, unique against each other and against `isTaken` (the project's
 * workers and live invitations, lower case). File names are served first (an earlier row keeps
 * a name two rows give), then template names in row order, each the first free numbered form of
 * its base; suggestions for refused rows come last and are distinct from each other too.
 */
export function assignUsernames(
  claims: readonly UsernameClaim[],
  limit: number,
  isTaken: (username: string) => boolean
): Map<number, UsernameOutcome> {
  return new UsernameAssigner(limit, isTaken).assign(claims)
}

/**
 * assignUsernames, keeping what it used so that a template row added after every other row of
 * its group (a list being loaded row by row) is served without assigning the group again.
 */
export class UsernameAssigner {
  private used = new Map<string, number>()
  /** The next suffix worth trying per base: every smaller one is used or taken. */
  private next = new Map<string, number>()
  private lastRow = 0
  private refused = false

  constructor(
    private readonly limit: number,
    private readonly isTaken: (username: string) => boolean
  ) {}

  assign(claims: readonly UsernameClaim[]): Map<number, UsernameOutcome> {
    this.used.clear()
    this.next.clear()
    const sorted = [...claims].sort((a, b) => a.row - b.row)
    this.lastRow = sorted.at(-1)?.row ?? 0
    const out = new Map<number, UsernameOutcome>()
    const later: { claim: UsernameClaim; clash: Refusal }[] = []
    for (const claim of sorted) {
      if (claim.kind !== 'fixed') continue
      const first = this.used.get(claim.base)
      if (first !== undefined) later.push({ claim, clash: { kind: 'duplicate', firstRow: first } })
      else if (this.isTaken(claim.base)) later.push({ claim, clash: { kind: 'taken' } })
      else {
        this.used.set(claim.base, claim.row)
        out.set(claim.row, { username: claim.base })
      }
    }
    for (const claim of sorted) if (claim.kind === 'made') out.set(claim.row, this.serve(claim))
    for (const claim of sorted) if (claim.kind === 'repair') later.push({ claim, clash: { kind: 'repair' } })
    later.sort((a, b) => a.claim.row - b.claim.row)
    this.refused = later.length > 0
    for (const { claim, clash } of later) {
      const suggestion = this.free(claim.base)
      if (suggestion !== null) this.used.set(suggestion, claim.row)
      out.set(claim.row, { username: null, clash, suggestion })
    }
    return out
  }

  /**
   * The outcome of a template claim added after every row assigned so far, or undefined when the
   * group must be assigned again (the row comes earlier, or a suggestion might have to move).
   */
  append(claim: UsernameClaim): UsernameOutcome | undefined {
    if (claim.kind !== 'made' || claim.row <= this.lastRow || this.refused) return undefined
    this.lastRow = claim.row
    return this.serve(claim)
  }

  private serve(claim: UsernameClaim): UsernameOutcome {
    const username = this.free(claim.base)
    if (username === null) return { username: null, clash: { kind: 'exhausted' }, suggestion: null }
    this.used.set(username, claim.row)
    return { username }
  }

  private free(base: string): string | null {
    if (base === '') return null
    for (let n = this.next.get(base) ?? 1; n <= MAX_SUFFIX; n++) {
      const candidate = usernameCandidate(base, n, this.limit)
      if (candidate !== '' && !this.used.has(candidate) && !this.isTaken(candidate)) {
        this.next.set(base, n + 1)
        return candidate
      }
    }
    this.next.set(base, MAX_SUFFIX + 1)
    return null
  }
}
