import type { Rng } from './prng'

/*
Fault spec: comma-separated rules `kind[:k=v;k=v]`.

Kinds
  429          HTTP 429, empty body, `Retry-After: <retry>` (seconds, default 1); `retry=none`
               sends no Retry-After, as today's HQ throttle does
  403          HTTP 403, empty body, as HQ answers a key whose role lacks the permission
  404          HTTP 404 with Django's page, as for a resource the server does not have
  500          HTTP 500 with tastypie's canned JSON error
  502, 503     HTTP 502/503 with an nginx-style HTML page
  reset        headers and part of the body, then the socket is destroyed
  truncate     headers (chunked, no Content-Length) and part of the body, then a clean end
  slow-body    the whole body, written in 10 chunks spread over `ms` milliseconds (default 2000)
  auth-revoke  the key making matching request number after+1 is revoked for good (401 for
               that request and every later one with that key, on every endpoint); requests
               1..after pass. Fires once, so other keys keep working.
  shift        the project changes between pages of the worker list: `add=N` inserts N new active
               workers at the start of the index, `remove=N` retires the first N active workers.
               `archive=N` archives the first N active workers, `unarchive=N` returns the first N
               archived workers to the active list (both lists move, as in HQ).
               `after=N` means "just before serving worker-list request number N" (so
               `shift:add=3;after=2` adds 3 workers before page 2). Fires once unless `every` is set.

When a rule fires (all given conditions must hold; none given = every matching request)
  once         at most once
  nth=N        the Nth matching request
  every=N      every Nth matching request (N, 2N, ...)
  p=X          with probability X (seeded, so runs repeat)
  after=N      every matching request after the first N (auth-revoke, status and body kinds)

Which requests a rule sees
  path=lists (default): list GETs of workers, groups, locations and applications
  path=registration: the registration POSTs; accounts: the bulk upload and user/v1 POST/PUT;
  also workers, groups, locations, applications, detail (single-object GETs) or all.
  Status faults reject a registration before it is processed; reset/truncate/slow-body damage the
  response after it was processed (the outcome the client cannot know).
*/

export type FaultKind =
  '403' | '404' | '429' | '500' | '502' | '503' | 'reset' | 'truncate' | 'slow-body' | 'auth-revoke' | 'shift'
export type RequestCategory =
  'workers' | 'groups' | 'locations' | 'applications' | 'detail' | 'registration' | 'accounts'
export type FaultScope = RequestCategory | 'lists' | 'all'

const KINDS: readonly FaultKind[] = [
  '403',
  '404',
  '429',
  '500',
  '502',
  '503',
  'reset',
  'truncate',
  'slow-body',
  'auth-revoke',
  'shift'
]
const SCOPES: readonly FaultScope[] = [
  'lists',
  'all',
  'workers',
  'groups',
  'locations',
  'applications',
  'detail',
  'registration',
  'accounts'
]
const NUMERIC_KEYS = [
  'nth',
  'every',
  'p',
  'after',
  'retry',
  'ms',
  'add',
  'remove',
  'archive',
  'unarchive'
] as const
type NumericKey = (typeof NUMERIC_KEYS)[number]

export interface FaultRule {
  kind: FaultKind
  scope: FaultScope
  once: boolean
  nth?: number
  every?: number
  p?: number
  after?: number
  retry?: number | null // null: retry=none
  ms?: number
  add?: number
  remove?: number
  archive?: number
  unarchive?: number
  source: string
  seen: number // matching requests so far
  fired: number
}

export class FaultSpecError extends Error {}

export function parseFaults(spec: string): FaultRule[] {
  const rules: FaultRule[] = []
  for (const rawRule of spec.split(',')) {
    const source = rawRule.trim()
    if (source === '') continue
    const colon = source.indexOf(':')
    const kind = (colon < 0 ? source : source.slice(0, colon)).trim()
    if (!KINDS.includes(kind as FaultKind)) {
      throw new FaultSpecError(`Unknown fault "${kind}" in "${source}". Known: ${KINDS.join(', ')}`)
    }
    const rule: FaultRule = {
      kind: kind as FaultKind,
      scope: 'lists',
      once: false,
      source,
      seen: 0,
      fired: 0
    }
    const params = colon < 0 ? '' : source.slice(colon + 1)
    for (const rawParam of params.split(';')) {
      const param = rawParam.trim()
      if (param === '') continue
      const eq = param.indexOf('=')
      const key = (eq < 0 ? param : param.slice(0, eq)).trim()
      const value = eq < 0 ? '' : param.slice(eq + 1).trim()
      if (key === 'once' && eq < 0) {
        rule.once = true
      } else if (key === 'path') {
        if (!SCOPES.includes(value as FaultScope)) {
          throw new FaultSpecError(`Unknown path "${value}" in "${source}". Known: ${SCOPES.join(', ')}`)
        }
        rule.scope = value as FaultScope
      } else if (key === 'retry' && value === 'none') {
        rule.retry = null
      } else if ((NUMERIC_KEYS as readonly string[]).includes(key)) {
        const n = Number(value)
        if (value === '' || !Number.isFinite(n) || n < 0) {
          throw new FaultSpecError(`"${key}" needs a non-negative number in "${source}"`)
        }
        rule[key as NumericKey] = n
      } else {
        throw new FaultSpecError(`Unknown parameter "${param}" in "${source}"`)
      }
    }
    if (rule.kind === 'shift' && !rule.add && !rule.remove && !rule.archive && !rule.unarchive) {
      throw new FaultSpecError(`"${source}": shift needs add=N or remove=N (or archive=N, unarchive=N)`)
    }
    if (rule.p !== undefined && rule.p > 1) throw new FaultSpecError(`"${source}": p must be between 0 and 1`)
    rules.push(rule)
  }
  return rules
}

function applies(rule: FaultRule, category: RequestCategory): boolean {
  // A shift changes the worker list, so it only ever counts worker-list pages.
  if (rule.kind === 'shift') return category === 'workers'
  if (rule.scope === 'all') return true
  if (rule.scope === 'lists')
    return (
      category === 'workers' ||
      category === 'groups' ||
      category === 'locations' ||
      category === 'applications'
    )
  return rule.scope === category
}

function fires(rule: FaultRule, rng: Rng): boolean {
  const n = rule.seen
  if (rule.kind === 'shift') {
    const at = rule.after ?? 1
    if (rule.every !== undefined && rule.every > 0) return n >= at && (n - at) % rule.every === 0
    return n === at && rule.fired === 0
  }
  if ((rule.once || rule.kind === 'auth-revoke') && rule.fired > 0) return false
  if (rule.nth !== undefined && n !== rule.nth) return false
  if (rule.every !== undefined && (rule.every === 0 || n % rule.every !== 0)) return false
  if (rule.after !== undefined && n <= rule.after) return false
  if (rule.p !== undefined && !(rng() < rule.p)) return false
  return true
}

export type StatusFault = { status: 403 | 404 | 429 | 500 | 502 | 503; retryAfter?: number | null }
export type BodyFault = { kind: 'reset' } | { kind: 'truncate' } | { kind: 'slow-body'; ms: number }

export interface Shift {
  add: number
  remove: number
  archive: number
  unarchive: number
}

export interface FaultDecision {
  revoke: boolean
  shifts: Shift[]
  status: StatusFault | null
  body: BodyFault | null
  labels: string[]
}

export class FaultEngine {
  private rules: FaultRule[] = []

  constructor(
    spec: string,
    private readonly rng: Rng
  ) {
    this.set(spec)
  }

  set(spec: string): void {
    this.rules = parseFaults(spec)
  }

  // Called once per authenticated request. Every applicable rule counts the request, whether or
  // not another rule already decided its fate, so counts mean "requests of that kind".
  decide(category: RequestCategory): FaultDecision {
    const decision: FaultDecision = { revoke: false, shifts: [], status: null, body: null, labels: [] }
    for (const rule of this.rules) {
      if (!applies(rule, category)) continue
      rule.seen++
      if (!fires(rule, this.rng)) continue
      rule.fired++
      decision.labels.push(rule.source)
      switch (rule.kind) {
        case 'auth-revoke':
          decision.revoke = true
          break
        case 'shift':
          decision.shifts.push({
            add: rule.add ?? 0,
            remove: rule.remove ?? 0,
            archive: rule.archive ?? 0,
            unarchive: rule.unarchive ?? 0
          })
          break
        case '429':
          decision.status ??= { status: 429, retryAfter: rule.retry === undefined ? 1 : rule.retry }
          break
        case '403':
        case '404':
        case '500':
        case '502':
        case '503':
          decision.status ??= { status: Number(rule.kind) as 403 | 404 | 500 | 502 | 503 }
          break
        case 'reset':
        case 'truncate':
          decision.body ??= { kind: rule.kind }
          break
        case 'slow-body':
          decision.body ??= { kind: 'slow-body', ms: rule.ms ?? 2000 }
          break
      }
    }
    return decision
  }
}
