import { errorCode, HqError, isCertificateCode, type HqErrorDetails } from './errors'
import type { ProxyInUse } from './net/proxy'
import { proxyFailure } from './net/proxyErrors'
import { hostOf } from './url'

// Pure mapping from what HQ (or the network) did to the HqError a coordinator reads.

export type Endpoint =
  | 'workers'
  | 'worker'
  | 'groups'
  | 'locations'
  | 'applications'
  | 'registration'
  | 'bulk-upload'
  | 'create-user'
  | 'resend-confirmation'

interface EndpointInfo {
  /** "read the mobile worker list": what we were trying to do, in the coordinator's words. */
  action: string
  /** The HQ role permission it needs, as HQ's role editor names it. */
  permission: string | null
  /** Short name used in "HQ's answer was not understood (…)". */
  what: string
}

export const ENDPOINTS: Record<Endpoint, EndpointInfo> = {
  workers: {
    action: 'read the mobile worker list',
    permission: 'Edit Mobile Workers',
    what: 'mobile worker list'
  },
  worker: { action: 'read a mobile worker', permission: 'Edit Mobile Workers', what: 'mobile worker' },
  groups: { action: 'read the groups', permission: 'Edit Mobile Workers', what: 'group list' },
  locations: { action: 'read the locations', permission: 'Edit Locations', what: 'location list' },
  applications: { action: 'read the applications', permission: null, what: 'application list' },
  registration: {
    action: 'send SMS registration invitations',
    permission: 'Edit Data',
    what: 'SMS registration answer'
  },
  'bulk-upload': {
    action: 'upload new mobile workers',
    permission: 'Edit Mobile Workers',
    what: 'bulk upload answer'
  },
  'create-user': {
    action: 'create a mobile worker account',
    permission: 'Edit Mobile Workers',
    what: 'new account answer'
  },
  'resend-confirmation': {
    action: 're-send the confirmation e-mail',
    permission: 'Edit Mobile Workers',
    what: 'confirmation e-mail answer'
  }
}

export interface ErrorContext {
  server: string
  domain: string
  username: string
  endpoint: Endpoint
  /** The proxy requests went through, when there was one: failures on the way are its. */
  proxy?: ProxyInUse
  /**
   * The request had not been handed to a connection yet: the failure came while connecting (to
   * HQ, to the proxy, or through it), so a timeout was the connection's.
   */
  connecting?: boolean
}

const MAX_QUOTE = 300

/** HQ's own words from an error body: `{"error": …}`, tastypie's `{"error_message": …}`,
 *  a registration validation object `{"app_id": "This field is required"}`, or short plain text. */
export function hqMessage(bodyText: string): { message?: string; field?: string } {
  const text = bodyText.trim()
  if (text === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    // HTML error pages say nothing a coordinator can use.
    if (text.startsWith('<')) return {}
    return { message: clip(text) }
  }
  return messageFrom(parsed, 0)
}

function messageFrom(parsed: unknown, depth: number): { message?: string; field?: string } {
  if (typeof parsed === 'string') return parsed.trim() ? { message: clip(parsed) } : {}
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || depth > 2) return {}
  const record = parsed as Record<string, unknown>
  for (const key of ['error', 'error_message', 'message', 'detail']) {
    const value = record[key]
    if (typeof value === 'string' && value.trim() !== '') return { message: clip(value) }
  }
  for (const [key, value] of Object.entries(record)) {
    // HQ's tastypie validation nests the field errors under the resource name:
    // {"sms_user_registration": {"app_id": "This field is required"}}.
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const inner = messageFrom(value, depth + 1)
      if (inner.message) return inner
      continue
    }
    const words =
      typeof value === 'string'
        ? value
        : Array.isArray(value)
          ? value.filter((v) => typeof v === 'string').join('; ')
          : ''
    if (words.trim() !== '') return { message: clip(`${key}: ${words}`), field: key }
  }
  return {}
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  return oneLine.length > MAX_QUOTE ? `${oneLine.slice(0, MAX_QUOTE)}…` : oneLine
}

function seconds(ms: number): string {
  if (ms < 1000) return 'a moment'
  const s = Math.ceil(ms / 1000)
  if (s < 120) return `${s} s`
  const m = Math.ceil(s / 60)
  if (m < 120) return `${m} min`
  return `${Math.round(m / 60)} h`
}

function permissionAdvice(info: EndpointInfo): string {
  return info.permission
    ? `Ask a project administrator to give their role the "${info.permission}" permission (and API access).`
    : 'Ask a project administrator to check that they are a member of the project with API access.'
}

/** Maps an HTTP status HQ answered with to the error a coordinator reads. */
export function errorForStatus(
  status: number,
  bodyText: string,
  ctx: ErrorContext,
  extra: { retryAfterMs?: number; location?: string } = {}
): HqError {
  const info = ENDPOINTS[ctx.endpoint]
  const said = hqMessage(bodyText)
  const quote = said.message ? ` HQ said: "${said.message}"` : ''
  const registration = ctx.endpoint === 'registration'

  if (status === 401) {
    if (registration && said.message && /plan/i.test(said.message)) {
      return new HqError(
        'plan',
        `Project '${ctx.domain}' cannot send SMS registration invitations: its CommCare plan does not include this feature (401).${quote} ` +
          'The API key is fine. A project administrator can move the project to a plan that includes inbound SMS (Project Settings > Subscription).',
        { status }
      )
    }
    return new HqError(
      'auth',
      `HQ did not accept the API key for ${ctx.username} (401). The key may be wrong, expired, or limited to another project or network. Check the key in Settings.`,
      { status }
    )
  }
  if (status === 403) {
    if (registration && said.message && /enable sms mobile worker registration/i.test(said.message)) {
      return new HqError(
        'registration-disabled',
        `SMS mobile worker registration is turned off for project '${ctx.domain}' (403). A project administrator can turn it on in HQ under Messaging > General Settings, then try again.`,
        { status }
      )
    }
    return new HqError(
      'permission',
      `${ctx.username} may not ${info.action} in project '${ctx.domain}' (403).${quote} ${permissionAdvice(info)}`,
      { status }
    )
  }
  if (status === 404) {
    if (registration) {
      // Today's HQ no longer routes the endpoint (retired 2020); the project itself exists.
      return new HqError(
        'not-found',
        `HQ at ${ctx.server} no longer has SMS self-registration (retired in 2020), so it cannot send these invitations (404). Run Test connection on the Projects screen to see what this server offers, or choose another way to invite workers.`,
        { status, code: 'REGISTRATION_RETIRED' }
      )
    }
    if (ctx.endpoint === 'worker' || ctx.endpoint === 'resend-confirmation') {
      return new HqError('not-found', `HQ has no such mobile worker in project '${ctx.domain}' (404).`, {
        status
      })
    }
    return new HqError(
      'unknown-project',
      `No project '${ctx.domain}' on ${ctx.server}, or your key cannot see it (404). Check the project name in Settings.`,
      { status }
    )
  }
  if (status === 429) {
    const wait = extra.retryAfterMs !== undefined ? ` and to wait ${seconds(extra.retryAfterMs)}` : ''
    return new HqError('rate-limited', `HQ asked us to slow down${wait} (429).`, {
      status,
      ...(extra.retryAfterMs !== undefined ? { retryAfterMs: extra.retryAfterMs } : {})
    })
  }
  if (status >= 500) {
    return new HqError(
      'server',
      `HQ at ${ctx.server} had a problem while we tried to ${info.action} (${status}). This is usually temporary; try again in a few minutes.`,
      { status, ...(extra.retryAfterMs !== undefined ? { retryAfterMs: extra.retryAfterMs } : {}) }
    )
  }
  if (status >= 300 && status < 400) {
    const where = extra.location ? ` to ${safeLocation(extra.location)}` : ''
    return new HqError(
      'bad-response',
      `HQ answered with a redirect${where} (${status}) instead of data. Check the server address in Settings.`,
      { status }
    )
  }
  const details: HqErrorDetails = { status }
  if (said.field !== undefined) details.field = said.field
  return new HqError(
    'bad-request',
    `HQ refused the request to ${info.action} (${status}).${said.message ? ` HQ said: "${said.message}"` : ''}`,
    details
  )
}

function safeLocation(location: string): string {
  try {
    const url = new URL(location, 'http://relative.invalid/')
    return url.host === 'relative.invalid' ? url.pathname : `${url.protocol}//${url.host}${url.pathname}`
  } catch {
    return clip(location)
  }
}

/** Maps a failure below HTTP (DNS, TCP, TLS, timeouts, broken bodies) to an HqError. */
export function errorForTransport(error: unknown, ctx: ErrorContext): HqError {
  const found = errorCode(error) ?? 'UNKNOWN'
  // Out of time before there was a connection: it was the connection that took too long.
  const code = ctx.connecting && found === 'REQUEST_TIMEOUT' ? 'UND_ERR_CONNECT_TIMEOUT' : found
  const viaProxy = proxyFailure(error, code, ctx)
  if (viaProxy) return viaProxy
  const host = hostOf(ctx.server)
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new HqError(
      'network',
      `Cannot find the server ${host} — are you offline, or is the address misspelled? (${code})`,
      { code }
    )
  }
  if (isCertificateCode(code)) {
    return new HqError(
      'network',
      `The security certificate of ${host} is not valid (${code}), so Roster will not send your API key there. Check the server address, or the computer's date and time.`,
      { code }
    )
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new HqError(
      'timeout',
      `HQ at ${ctx.server} did not accept a connection in time — are you offline? (${code})`,
      { code }
    )
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'REQUEST_TIMEOUT') {
    return new HqError(
      'timeout',
      `HQ at ${ctx.server} took too long to ${ENDPOINTS[ctx.endpoint].action} (${code}).`,
      { code }
    )
  }
  if (
    code === 'ECONNREFUSED' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH' ||
    code === 'EADDRNOTAVAIL'
  ) {
    return new HqError('network', `Cannot reach HQ at ${ctx.server} — are you offline? (${code})`, { code })
  }
  const through = ctx.proxy ? ` through the proxy ${ctx.proxy.label}` : ''
  return new HqError(
    'network',
    `The connection to HQ at ${ctx.server}${through} broke before the answer was complete (${code}). Check your internet connection.`,
    { code }
  )
}

/** The minimal shape of a zod issue we read (zod 4's $ZodIssue satisfies it). */

export interface IssueLike {
  code: string
  path: readonly PropertyKey[]
  message: string
  expected?: unknown
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else {
      const key = String(part)
      out += /^[A-Za-z_$][\w$]*$/.test(key) ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`
    }
  }
  return out || '(the whole answer)'
}

function valueAt(root: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let current: unknown = root
  for (const part of path) {
    if (current === null || typeof current !== 'object') return { found: false, value: undefined }
    const record = current as Record<PropertyKey, unknown>
    if (!(part in record)) return { found: false, value: undefined }
    current = record[part]
  }
  return { found: true, value: current }
}

function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') return 'text'
  return `a ${typeof value}`
}

/** "objects[3].id is missing" / "meta.limit should be number but is text". */
export function describeIssue(issue: IssueLike, root: unknown): string {
  const where = formatPath(issue.path)
  if (issue.code === 'invalid_type') {
    const actual = valueAt(root, issue.path)
    if (!actual.found || actual.value === undefined) return `${where} is missing`
    const expected = typeof issue.expected === 'string' ? issue.expected : 'something else'
    return `${where} should be ${expected} but is ${describeType(actual.value)}`
  }
  return `${where}: ${issue.message}`
}

export function badResponseError(
  issue: IssueLike,
  root: unknown,
  ctx: ErrorContext,
  where?: string
): HqError {
  const place = where ? `, ${where}` : ''
  return new HqError(
    'bad-response',
    `HQ's answer was not understood: ${describeIssue(issue, root)} (${ENDPOINTS[ctx.endpoint].what}${place}).`,
    { field: formatPath(issue.path), code: 'SCHEMA' }
  )
}
