import { errorCodes, HqError, isCertificateCode } from '../errors'
import { hostOf } from '../url'
import type { ProxyInUse } from './proxy'

// Failures on the way through a proxy, in words a coordinator can act on. Each one happened
// before a request could reach HQ (the codes are in NOT_SENT_CODES), except a connection that
// broke later, which keeps the usual wording. Messages name the proxy by host:port only: a
// proxy URL may carry a password.

/**
 * What a proxy failure's wording needs to know (errorMapping's ErrorContext has all of it): the
 * HQ server, the proxy in use, and whether the request was still connecting.
 */
export interface ProxyFailureContext {
  server: string
  proxy?: ProxyInUse
  connecting?: boolean
}

/** The status a proxy refused the tunnel with: undici says so only in the message. */
export function tunnelRefusal(error: unknown): number | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const message = current instanceof Error ? current.message : ''
    const match = /^Proxy response \((\d{3})\) !== 200 when HTTP Tunneling/.exec(message)
    if (match) return Number(match[1])
    if (/^Proxy Authentication Required \(407\)/.test(message)) return 407
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'])

/**
 * The error for a transport failure while requests go through `ctx.proxy`, or null when the
 * failure is HQ's (a timeout waiting for HQ's answer, say) and the usual wording fits.
 */
export function proxyFailure(error: unknown, code: string, ctx: ProxyFailureContext): HqError | null {
  const proxy = ctx.proxy
  if (!proxy) return null
  const hq = hostOf(ctx.server)
  const p = proxy.label

  const status = tunnelRefusal(error)
  if (status !== undefined) return refusal(status, String(status), proxy, ctx)
  if (code === 'SOCKS5_TIMEOUT') {
    return new HqError(
      'timeout',
      `The SOCKS proxy ${p} did not answer in time — are you offline? ${where(proxy)}`,
      { code: 'PROXY_TIMEOUT' }
    )
  }
  if (code.startsWith('SOCKS5_')) return socksFailure(code, proxy, ctx)
  if (ctx.connecting && code === 'UND_ERR_HEADERS_TIMEOUT') {
    // Before the request had a connection, the only answer awaited was the proxy's to CONNECT.
    return new HqError(
      'timeout',
      `The proxy ${p} did not connect Roster to ${hq} in time: it may be overloaded, or unable to reach HQ. This is usually temporary; if it keeps happening, ask IT whether ${hq} can be reached through the proxy.`,
      { code: 'PROXY_TIMEOUT' }
    )
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new HqError(
      'network',
      `Cannot find the proxy server ${p} — are you offline, or is the proxy address wrong? (${code}) ${where(proxy)}`,
      { code }
    )
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new HqError(
      'timeout',
      `No connection to HQ through the proxy ${p} in time — are you offline? (${code}) ${where(proxy)}`,
      { code }
    )
  }
  if (UNREACHABLE.has(code)) {
    return new HqError(
      'network',
      `Cannot reach the proxy ${p} (${code}), so Roster cannot reach HQ. ${where(proxy)} ${checkIt(proxy)}`,
      { code }
    )
  }
  if (code === 'PROXY_CERTIFICATE' || code === 'UND_ERR_PRX_TLS') {
    // The proxy's own certificate (an https:// proxy), not HQ's: the tunnel never opened.
    const cert = errorCodes(error).find(isCertificateCode) ?? code
    return new HqError(
      'network',
      `The security certificate of the proxy ${p} is not valid (${cert}), so Roster will not send anything through it. ${where(proxy)} Ask IT whether the proxy really takes https:// connections and with which certificate, or check the computer's date and time.`,
      { code: 'PROXY_CERTIFICATE' }
    )
  }
  if (isCertificateCode(code)) {
    return new HqError(
      'network',
      `The security certificate of ${hq} is not valid (${code}), so Roster will not send your API key there. Connections go through the proxy ${p}: if it inspects secure connections, ask IT to let Roster through to ${hq} uninspected. Otherwise check the server address, or the computer's date and time.`,
      { code }
    )
  }
  return null
}

/** A proxy that answered the tunnel request with something other than 200. */
function refusal(status: number, shown: string, proxy: ProxyInUse, ctx: ProxyFailureContext): HqError {
  const hq = hostOf(ctx.server)
  const p = proxy.label
  if (status === 407) {
    return new HqError('auth', passwordMessage(shown, proxy, ctx), { code: 'PROXY_AUTH' })
  }
  if (status === 403) {
    return new HqError(
      'permission',
      `The proxy ${p} does not let Roster through to ${hq} (${shown}). ${where(proxy)} Ask IT to allow ${hq} on the proxy.`,
      { code: 'PROXY_FORBIDDEN' }
    )
  }
  if (status >= 500) {
    return new HqError(
      'network',
      `The proxy ${p} could not reach HQ at ${ctx.server} (${shown}). This is usually temporary; if it keeps happening, ask IT whether ${hq} can be reached through the proxy.`,
      { code: 'PROXY_UPSTREAM' }
    )
  }
  return new HqError(
    'network',
    `The proxy ${p} refused to connect Roster to ${hq} (${shown}). ${where(proxy)} Ask IT for a proxy that lets Roster through.`,
    { code: 'PROXY_REFUSED' }
  )
}

/** SOCKS5 reply and handshake codes (RFC 1928), read like the HTTP statuses above. */
function socksFailure(code: string, proxy: ProxyInUse, ctx: ProxyFailureContext): HqError {
  if (code.startsWith('SOCKS5_AUTH')) return refusal(407, 'SOCKS login refused', proxy, ctx)
  const reply = /^SOCKS5_REPLY_(\d+)$/.exec(code)?.[1]
  // 2: not allowed by the rule set; 1, 3-6: general failure, network/host unreachable, refused, TTL.
  if (reply === '2') return refusal(403, 'SOCKS: not allowed', proxy, ctx)
  if (reply !== undefined && Number(reply) <= 6) return refusal(502, `SOCKS reply ${reply}`, proxy, ctx)
  return refusal(400, code, proxy, ctx)
}

function passwordMessage(shown: string, proxy: ProxyInUse, ctx: ProxyFailureContext): string {
  const hq = hostOf(ctx.server)
  const p = proxy.label
  const variable = proxy.variable ?? (ctx.server.startsWith('https:') ? 'HTTPS_PROXY' : 'HTTP_PROXY')
  const example = `${variable}=${proxy.scheme}://user:password@${p}`
  if (proxy.hasCredentials) {
    const given = proxy.variable ? `in ${proxy.variable}` : 'for it'
    return `The proxy ${p} did not accept the user name and password ${given} (${shown}). Check them with IT, or ask IT for a proxy that lets Roster through to ${hq}.`
  }
  if (proxy.source === 'environment') {
    return `The proxy ${p} asked for a password (${shown}). Put your proxy user name and password in ${variable} (${example}), or ask IT for a proxy that lets Roster through to ${hq}.`
  }
  return `The proxy ${p} asked for a password (${shown}). Roster uses this computer's proxy settings and cannot type a proxy password; ask IT for a proxy that lets Roster through to ${hq}, or give Roster the login in the environment variable ${example}.`
}

/** Where the proxy came from, so the coordinator knows what to check. */
function where(proxy: ProxyInUse): string {
  return proxy.source === 'environment'
    ? `Roster uses the proxy in ${proxy.variable ?? 'HTTPS_PROXY'}.`
    : "Roster uses this computer's proxy settings."
}

function checkIt(proxy: ProxyInUse): string {
  return proxy.source === 'environment'
    ? `Check ${proxy.variable ?? 'HTTPS_PROXY'}, or ask IT whether the proxy is running.`
    : 'Check them, or ask IT whether the proxy is running.'
}
