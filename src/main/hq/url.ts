import { HqError } from './errors'

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i

/** 127.0.0.0/8, ::1 and localhost: the only hosts we talk to over plain HTTP. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[(.*)\]$/, '$1')
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)
  if (v4) return v4.slice(1).every((n) => Number(n) <= 255) && v4[1] === '127'
  return false
}

function badServer(message: string): HqError {
  return new HqError('bad-request', message, { field: 'server' })
}

/**
 * Turns what a coordinator typed ("www.commcarehq.org/", "https://eu.commcarehq.org") into the
 * base URL every API path is appended to: scheme + host (+ a self-hosted path prefix), no
 * trailing slash. Plain HTTP is allowed only to this machine, so an API key never crosses a
 * network in clear text.
 */
export function normaliseServerUrl(input: string): string {
  const trimmed = input.trim()
  if (trimmed === '')
    throw badServer('Enter the address of your CommCare HQ server, for example https://www.commcarehq.org.')
  const withScheme = SCHEME.test(trimmed) ? trimmed : `https://${trimmed}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw badServer(
      `"${trimmed}" is not a web address. Use the address of your HQ server, for example https://www.commcarehq.org.`
    )
  }
  if (url.username || url.password) {
    throw badServer(
      'The server address must not contain a user name or password; enter those in the fields for them.'
    )
  }
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname)) {
      throw badServer(
        `Roster only connects to HQ over HTTPS (https://${url.host}), so the API key is never sent unencrypted. Plain http:// is allowed only for this computer (localhost).`
      )
    }
  } else if (url.protocol !== 'https:') {
    throw badServer(`"${trimmed}" is not an https:// address.`)
  }
  const path = url.pathname.replace(/\/+$/, '')
  return `${url.protocol}//${url.host}${path}`
}

/** host[:port] of a server URL, for messages; the text itself if it is not a URL. */
export function hostOf(server: string): string {
  try {
    return new URL(server).host
  } catch {
    return server
  }
}

/** `/a/<domain>/api/<segments...>/` — HQ list URLs end with a slash. */
export function apiPath(domain: string, ...segments: string[]): string {
  const tail = segments.map((s) => encodeURIComponent(s)).join('/')
  return `/a/${encodeURIComponent(domain)}/api/${tail}/`
}

export type QueryInput = URLSearchParams | Record<string, string | number | boolean | undefined>

export function toSearchParams(query: QueryInput | undefined): URLSearchParams {
  if (query instanceof URLSearchParams) return new URLSearchParams(query)
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.set(key, String(value))
  }
  return params
}

/** Path plus query, relative to the server base; what the transport sends. */
export function pathWithQuery(path: string, query?: QueryInput): string {
  const qs = toSearchParams(query).toString()
  return qs ? `${path}?${qs}` : path
}

/**
 * The query string of a tastypie `meta.next` link. HQ writes it server-relative
 * (`/a/d/api/v0.5/user/?limit=…`), sometimes absolute, and in either the `v0.5/user` or the
 * `user/v1` form; like HQ's export tool we keep only its query and send it to our own path.
 */
export function nextLinkQuery(next: string | null | undefined): URLSearchParams | null {
  if (next === null || next === undefined || next.trim() === '') return null
  try {
    return new URL(next.trim(), 'http://next.invalid/').searchParams
  } catch {
    return null
  }
}

/** The query for the page at `offset`, keeping whatever filters the server's next link carried. */
export function pageQuery(template: URLSearchParams, limit: number, offset: number): URLSearchParams {
  const params = new URLSearchParams(template)
  params.set('limit', String(limit))
  params.set('offset', String(offset))
  return params
}
