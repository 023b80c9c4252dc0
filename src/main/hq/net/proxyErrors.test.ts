import { describe, expect, it } from 'vitest'
import { errorForTransport, type ErrorContext } from '../errorMapping'
import { failedBeforeSending, isRetryable } from '../errors'
import { describeProxy } from './proxy'
import { tunnelRefusal } from './proxyErrors'

// How failures on the way through a proxy read, and what is done about them.

const SECRET = 'pr0xy-s3cret'

function via(
  proxyUrl: string,
  source: 'setting' | 'environment' = 'setting',
  variable?: string
): ErrorContext {
  return {
    server: 'https://www.commcarehq.org',
    domain: 'demo',
    username: 'coordinator@x.org',
    endpoint: 'registration',
    proxy: describeProxy(proxyUrl, source, variable)
  }
}

/** What undici throws when the proxy answers CONNECT with `status`. */
const tunnel = (status: number) =>
  Object.assign(new Error(`Proxy response (${status}) !== 200 when HTTP Tunneling`), {
    name: 'AbortError',
    code: 'UND_ERR_ABORTED'
  })

describe('a proxy that refuses the tunnel', () => {
  it('reads the status undici only puts in its message', () => {
    expect(tunnelRefusal(tunnel(407))).toBe(407)
    expect(tunnelRefusal({ cause: tunnel(502) })).toBe(502)
    expect(tunnelRefusal(new Error('Proxy Authentication Required (407)'))).toBe(407)
    expect(tunnelRefusal(new Error('other side closed'))).toBeUndefined()
  })

  it('reads 407 as a proxy asking for a password: not retried, never reached HQ', () => {
    const error = errorForTransport(tunnel(407), via('http://10.0.0.1:3128'))
    expect(error.kind).toBe('auth')
    expect(error.code).toBe('PROXY_AUTH')
    expect(error.message).toBe(
      "The proxy 10.0.0.1:3128 asked for a password (407). Roster uses this computer's proxy settings and cannot type a proxy password; ask IT for a proxy that lets Roster through to www.commcarehq.org, or give Roster the login in the environment variable HTTPS_PROXY=http://user:password@10.0.0.1:3128."
    )
    expect(isRetryable(error)).toBe(false)
    expect(failedBeforeSending(error.code)).toBe(true)
  })

  it('tells a command-line user which variable to put the login in', () => {
    const error = errorForTransport(tunnel(407), via('http://10.0.0.1:3128', 'environment', 'https_proxy'))
    expect(error.message).toMatch(/^The proxy 10.0.0.1:3128 asked for a password \(407\)\. Put your proxy/)
    expect(error.message).toMatch(/in https_proxy \(https_proxy=http:\/\/user:password@10.0.0.1:3128\)/)
  })

  it('says a login was refused without ever quoting it', () => {
    const error = errorForTransport(
      tunnel(407),
      via(`http://roster:${SECRET}@10.0.0.1:3128`, 'environment', 'HTTPS_PROXY')
    )
    expect(error.message).toMatch(
      /^The proxy 10.0.0.1:3128 did not accept the user name and password in HTTPS_PROXY \(407\)/
    )
    expect(error.message).not.toContain(SECRET)
    expect(error.message).not.toContain('roster:')
  })

  it('reads 403 as a proxy that does not let Roster through: not retried', () => {
    const error = errorForTransport(tunnel(403), via('http://10.0.0.1:3128'))
    expect(error.kind).toBe('permission')
    expect(error.code).toBe('PROXY_FORBIDDEN')
    expect(error.message).toMatch(
      /^The proxy 10.0.0.1:3128 does not let Roster through to www.commcarehq.org \(403\)/
    )
    expect(error.message).toMatch(/Ask IT to allow www.commcarehq.org on the proxy\.$/)
    expect(isRetryable(error)).toBe(false)
    expect(failedBeforeSending(error.code)).toBe(true)
  })

  it('retries a proxy that could not reach HQ (5xx): HQ never saw the request', () => {
    const error = errorForTransport(tunnel(502), via('http://10.0.0.1:3128'))
    expect(error.kind).toBe('network')
    expect(error.code).toBe('PROXY_UPSTREAM')
    expect(error.message).toMatch(
      /^The proxy 10.0.0.1:3128 could not reach HQ at https:\/\/www.commcarehq.org \(502\)/
    )
    expect(isRetryable(error)).toBe(true)
    expect(failedBeforeSending(error.code)).toBe(true)
  })

  it('does not retry any other refusal', () => {
    const error = errorForTransport(tunnel(405), via('http://10.0.0.1:3128'))
    expect(error.code).toBe('PROXY_REFUSED')
    expect(error.message).toMatch(/refused to connect Roster to www.commcarehq.org \(405\)/)
    expect(isRetryable(error)).toBe(false)
    expect(failedBeforeSending(error.code)).toBe(true)
  })
})

describe('a proxy that cannot be reached', () => {
  it('names the proxy, not HQ, when the connection is refused', () => {
    const error = errorForTransport(
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:3128'), { code: 'ECONNREFUSED' }),
      via('http://10.0.0.1:3128', 'environment', 'HTTPS_PROXY')
    )
    expect(error.kind).toBe('network')
    expect(error.code).toBe('ECONNREFUSED')
    expect(error.message).toBe(
      'Cannot reach the proxy 10.0.0.1:3128 (ECONNREFUSED), so Roster cannot reach HQ. Roster uses the proxy in HTTPS_PROXY. Check HTTPS_PROXY, or ask IT whether the proxy is running.'
    )
    expect(failedBeforeSending(error.code)).toBe(true)
  })

  it('names the proxy when its name does not resolve or it does not answer in time', () => {
    const notFound = errorForTransport({ code: 'ENOTFOUND' }, via('http://proxy.corp:3128'))
    expect(notFound.message).toMatch(/^Cannot find the proxy server proxy.corp:3128 — are you offline/)
    expect(isRetryable(notFound)).toBe(false)
    const slow = errorForTransport({ code: 'UND_ERR_CONNECT_TIMEOUT' }, via('http://proxy.corp:3128'))
    expect(slow.kind).toBe('timeout')
    expect(slow.message).toMatch(/through the proxy proxy.corp:3128 in time/)
  })

  it('keeps timeouts waiting for HQ as they were, and says a broken connection went through the proxy', () => {
    expect(errorForTransport({ code: 'UND_ERR_HEADERS_TIMEOUT' }, via('http://p:1')).message).toMatch(
      /^HQ at https:\/\/www.commcarehq.org took too long/
    )
    const reset = errorForTransport({ code: 'ECONNRESET' }, via('http://p:1'))
    expect(reset.message).toMatch(
      /^The connection to HQ at https:\/\/www.commcarehq.org through the proxy p:1 broke/
    )
    expect(failedBeforeSending(reset.code)).toBe(false)
  })

  it("blames the proxy's own certificate when undici says the tunnel's TLS to the proxy failed", () => {
    const altname = Object.assign(new Error('Hostname/IP does not match certificate altnames'), {
      code: 'ERR_TLS_CERT_ALTNAME_INVALID'
    })
    const wrapped = Object.assign(new Error('Secure Proxy Connection failed'), {
      code: 'UND_ERR_PRX_TLS',
      cause: altname
    })
    const error = errorForTransport(wrapped, via(`https://roster:${SECRET}@proxy.corp:443`))
    expect(error).toMatchObject({ kind: 'network', code: 'PROXY_CERTIFICATE' })
    expect(error.message).toMatch(
      /^The security certificate of the proxy proxy.corp:443 is not valid \(ERR_TLS_CERT_ALTNAME_INVALID\), so Roster will not send anything through it\./
    )
    expect(error.message).not.toMatch(/API key|www\.commcarehq\.org/)
    expect(error.message).not.toContain(SECRET)
    expect(isRetryable(error)).toBe(false)
    expect(failedBeforeSending(error.code)).toBe(true)
  })

  it('reads a wait for the answer to CONNECT, before any connection, as the proxy being slow', () => {
    const error = errorForTransport(
      { code: 'UND_ERR_HEADERS_TIMEOUT' },
      { ...via('http://p:1'), connecting: true }
    )
    expect(error).toMatchObject({ kind: 'timeout', code: 'PROXY_TIMEOUT' })
    expect(error.message).toMatch(/^The proxy p:1 did not connect Roster to www.commcarehq.org in time/)
    expect(isRetryable(error)).toBe(true)
    expect(failedBeforeSending(error.code)).toBe(true)
  })

  it('suspects a proxy that inspects secure connections when a certificate is wrong', () => {
    const error = errorForTransport({ code: 'SELF_SIGNED_CERT_IN_CHAIN' }, via('http://p:1'))
    expect(error.message).toMatch(/if it inspects secure connections, ask IT/)
    expect(isRetryable(error)).toBe(false)
  })
})

describe('a SOCKS proxy', () => {
  it('reads refused logins, rule sets and unreachable hosts like their HTTP counterparts', () => {
    const ctx = via('socks5://gw:1080')
    expect(errorForTransport({ code: 'SOCKS5_AUTH_REJECTED' }, ctx).code).toBe('PROXY_AUTH')
    expect(errorForTransport({ code: 'SOCKS5_AUTH_FAILED' }, ctx).code).toBe('PROXY_AUTH')
    expect(errorForTransport({ code: 'SOCKS5_REPLY_2' }, ctx).code).toBe('PROXY_FORBIDDEN')
    const unreachable = errorForTransport({ code: 'SOCKS5_REPLY_5' }, ctx)
    expect(unreachable.code).toBe('PROXY_UPSTREAM')
    expect(unreachable.message).toMatch(/^The proxy gw:1080 could not reach HQ/)
    expect(errorForTransport({ code: 'SOCKS5_VERSION' }, ctx).code).toBe('PROXY_REFUSED')
    const slow = errorForTransport({ code: 'SOCKS5_TIMEOUT' }, ctx)
    expect(slow).toMatchObject({ kind: 'timeout', code: 'PROXY_TIMEOUT' })
    expect(slow.message).toMatch(/^The SOCKS proxy gw:1080 did not answer in time/)
    expect(failedBeforeSending(slow.code)).toBe(true)
  })
})
