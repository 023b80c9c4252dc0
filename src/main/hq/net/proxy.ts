// Which proxy an HQ request goes through, as pure rules: Chromium's answer for a URL, the
// environment's (curl-style variables, read the way undici's EnvHttpProxyAgent reads them), and
// a name for a proxy that is safe to print.

const PAC_SCHEMES: Record<string, string> = {
  PROXY: 'http',
  HTTP: 'http',
  HTTPS: 'https',
  SOCKS5: 'socks5',
  // Chromium writes SOCKS v4 as plain "SOCKS". Roster speaks only SOCKS5, which the usual SOCKS
  // servers (ssh -D, Dante) also accept; a v4-only server fails as a proxy that refuses Roster.
  SOCKS: 'socks5'
}

const DEFAULT_PORTS: Record<string, string> = {
  'http:': '80',
  'https:': '443',
  'socks5:': '1080',
  'socks:': '1080'
}

/**
 * The proxy URL for Chromium's PAC-style answer (Electron's `session.resolveProxy(url)`):
 * "DIRECT", "PROXY host:port", "HTTPS host:port", "SOCKS5 host:port", "SOCKS host:port", several
 * separated by ";". The first entry Roster can use wins; "DIRECT", or nothing usable, is null.
 */
export function proxyFromPac(pac: string): string | null {
  for (const entry of pac.split(';')) {
    const [type, hostPort, ...rest] = entry.trim().split(/\s+/)
    if (!type) continue
    const upper = type.toUpperCase()
    if (upper === 'DIRECT' && hostPort === undefined) return null
    const scheme = PAC_SCHEMES[upper]
    if (!scheme || hostPort === undefined || rest.length > 0) continue
    const url = proxyUrlOf(scheme, hostPort)
    if (url) return url
  }
  return null
}

/** `scheme://host:port` when hostPort is exactly a host with an optional port, else null. */
function proxyUrlOf(scheme: string, hostPort: string): string | null {
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(hostPort)) return null
  let url: URL
  try {
    url = new URL(`${scheme}://${hostPort}`)
  } catch {
    return null
  }
  if (url.hostname === '' || (url.port !== '' && Number(url.port) === 0)) return null
  return `${scheme}://${url.host}`
}

const SUPPORTED = new Set(['http:', 'https:', 'socks5:', 'socks:'])

/** The URL when it names a proxy Roster can use (http, https, socks5 or socks, with a host). */
export function supportedProxyUrl(proxyUrl: string): URL | null {
  try {
    const url = new URL(proxyUrl)
    return SUPPORTED.has(url.protocol) && url.hostname !== '' ? url : null
  } catch {
    return null
  }
}

/**
 * "host:port" of a proxy URL, for messages: never the user name or password it may carry.
 * Something that is not a URL is not quoted at all (it may be a password typed in the wrong place).
 */
export function proxyLabel(proxyUrl: string): string {
  try {
    const url = new URL(proxyUrl)
    if (url.hostname === '') return 'the proxy'
    return `${url.hostname}:${url.port || DEFAULT_PORTS[url.protocol] || '?'}`
  } catch {
    return 'the proxy'
  }
}

/** The proxy a client's requests go through, as error messages may describe it. */
export interface ProxyInUse {
  /** host:port, never credentials. */
  label: string
  /** 'http', 'https' or 'socks5'. */
  scheme: string
  /** 'setting': the client's `proxy` option (the system's settings, in the app); 'environment': HTTPS_PROXY & co. */
  source: 'setting' | 'environment'
  /** The environment variable it came from. */
  variable?: string
  /** The proxy URL carried a user name or password: a 407 then means they were refused. */
  hasCredentials: boolean
}

/** What messages may say about a proxy URL (label, scheme, whether it carries a login). */
export function describeProxy(proxyUrl: string, source: ProxyInUse['source'], variable?: string): ProxyInUse {
  let scheme = 'http'
  let hasCredentials = false
  try {
    const url = new URL(proxyUrl)
    scheme = url.protocol.replace(/:$/, '')
    hasCredentials = url.username !== '' || url.password !== ''
  } catch {
    // Described as "the proxy"; the address is refused before any request.
  }
  return {
    label: proxyLabel(proxyUrl),
    scheme,
    source,
    ...(variable !== undefined ? { variable } : {}),
    hasCredentials
  }
}

export type Env = Readonly<Record<string, string | undefined>>

/** Whether the environment names a proxy at all (HTTPS_PROXY or HTTP_PROXY, either case). */
export function envHasProxy(env: Env): boolean {
  return ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'].some((name) => Boolean(env[name]))
}

export interface EnvProxy {
  url: string
  /** The variable it came from, for advice ("check HTTPS_PROXY"). */
  variable: string
}

/**
 * The proxy the environment names for `target`, or null to go direct: https_proxy/HTTPS_PROXY
 * for https (else the http one), http_proxy/HTTP_PROXY for http, and no_proxy/NO_PROXY entries
 * ("*", "host", ".domain", "*.domain", "host:port") bypass it. The route uses exactly this
 * answer, read the way undici's EnvHttpProxyAgent and curl read the variables.
 */
export function envProxyFor(target: string, env: Env): EnvProxy | null {
  const url = new URL(target)
  const pick = (lower: string, upper: string): EnvProxy | null => {
    const variable = env[lower] !== undefined ? lower : upper
    const value = env[variable]
    return value ? { url: value, variable } : null
  }
  const http = pick('http_proxy', 'HTTP_PROXY')
  const proxy = url.protocol === 'https:' ? (pick('https_proxy', 'HTTPS_PROXY') ?? http) : http
  if (!proxy) return null
  const noProxy = env.no_proxy ?? env.NO_PROXY ?? ''
  return bypassed(url, noProxy) ? null : proxy
}

function bypassed(url: URL, noProxy: string): boolean {
  if (noProxy === '*') return true
  const hostname = url.host.replace(/:\d*$/, '').toLowerCase()
  const port = Number.parseInt(url.port, 10) || (url.protocol === 'https:' ? 443 : 80)
  for (const raw of noProxy.split(/[,\s]/)) {
    if (!raw) continue
    const parsed = /^(.+):(\d+)$/.exec(raw)
    const host = (parsed ? parsed[1]! : raw).replace(/^\*?\./, '').toLowerCase()
    const entryPort = parsed ? Number.parseInt(parsed[2]!, 10) : 0
    if (entryPort && entryPort !== port) continue
    if (hostname === host || hostname.endsWith(`.${host}`)) return true
  }
  return false
}
