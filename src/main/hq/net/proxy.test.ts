import { describe, expect, it } from 'vitest'
import { describeProxy, envHasProxy, envProxyFor, proxyFromPac, proxyLabel, supportedProxyUrl } from './proxy'

describe("reading Chromium's proxy answer", () => {
  it('goes direct on DIRECT', () => {
    expect(proxyFromPac('DIRECT')).toBeNull()
  })

  it('reads PROXY as an HTTP proxy', () => {
    expect(proxyFromPac('PROXY 10.0.0.1:3128')).toBe('http://10.0.0.1:3128')
    expect(proxyFromPac('PROXY proxy.ministry.example:8080')).toBe('http://proxy.ministry.example:8080')
  })

  it('reads HTTPS as a proxy spoken to over TLS', () => {
    expect(proxyFromPac('HTTPS proxy.example.org:443')).toBe('https://proxy.example.org')
    expect(proxyFromPac('HTTPS proxy.example.org:8443')).toBe('https://proxy.example.org:8443')
  })

  it('reads SOCKS5 and SOCKS as a SOCKS5 proxy', () => {
    expect(proxyFromPac('SOCKS5 127.0.0.1:1080')).toBe('socks5://127.0.0.1:1080')
    expect(proxyFromPac('SOCKS gw.example:9050')).toBe('socks5://gw.example:9050')
  })

  it('takes the first entry of a list, DIRECT included', () => {
    expect(proxyFromPac('PROXY a.example:3128; PROXY b.example:3128; DIRECT')).toBe('http://a.example:3128')
    expect(proxyFromPac('DIRECT; PROXY a.example:3128')).toBeNull()
  })

  it('skips entries it cannot use and takes the next one', () => {
    expect(proxyFromPac('QUIC q.example:443; SOCKS5 s.example:1080')).toBe('socks5://s.example:1080')
    expect(proxyFromPac('PROXY ;PROXY a.example:3128')).toBe('http://a.example:3128')
    expect(proxyFromPac('PROXY user:pw@evil.example:1; PROXY a.example:3128')).toBe('http://a.example:3128')
  })

  it('keeps IPv6 proxies in brackets and is not fussy about case and spacing', () => {
    expect(proxyFromPac('PROXY [2001:db8::1]:3128')).toBe('http://[2001:db8::1]:3128')
    expect(proxyFromPac('  proxy   10.0.0.1:3128  ;  ')).toBe('http://10.0.0.1:3128')
  })

  it('reads garbage as direct', () => {
    for (const garbage of [
      '',
      ';;;',
      'PROXY',
      'PROXY host:notaport',
      'PROXY host:3128 extra',
      'PROXY host:0',
      'FTP host:21',
      'PROXY http://host:3128',
      'DIRECT host:1',
      'not a proxy answer at all'
    ]) {
      expect(proxyFromPac(garbage), garbage).toBeNull()
    }
  })
})

describe('naming a proxy', () => {
  it('gives host:port and never the login in the URL', () => {
    expect(proxyLabel('http://user:s3cret@10.0.0.1:3128')).toBe('10.0.0.1:3128')
    expect(proxyLabel('http://proxy.example')).toBe('proxy.example:80')
    expect(proxyLabel('https://proxy.example')).toBe('proxy.example:443')
    expect(proxyLabel('socks5://gw:1080')).toBe('gw:1080')
    expect(proxyLabel('s3cret-typed-in-the-wrong-box')).toBe('the proxy')
  })

  it('notes the scheme, the source and whether a login was given', () => {
    expect(describeProxy('http://u:p@10.0.0.1:3128', 'environment', 'HTTPS_PROXY')).toEqual({
      label: '10.0.0.1:3128',
      scheme: 'http',
      source: 'environment',
      variable: 'HTTPS_PROXY',
      hasCredentials: true
    })
    expect(describeProxy('socks5://gw:1080', 'setting')).toEqual({
      label: 'gw:1080',
      scheme: 'socks5',
      source: 'setting',
      hasCredentials: false
    })
  })

  it('accepts only the proxy kinds undici speaks', () => {
    expect(supportedProxyUrl('http://10.0.0.1:3128')?.host).toBe('10.0.0.1:3128')
    expect(supportedProxyUrl('socks://gw:1080')).not.toBeNull()
    expect(supportedProxyUrl('proxy.corp:3128')).toBeNull()
    expect(supportedProxyUrl('ftp://proxy.corp')).toBeNull()
    expect(supportedProxyUrl('')).toBeNull()
  })
})

describe('the proxy the environment names', () => {
  it('sees a proxy in HTTPS_PROXY or HTTP_PROXY, in either case', () => {
    expect(envHasProxy({})).toBe(false)
    expect(envHasProxy({ HTTPS_PROXY: '' })).toBe(false)
    expect(envHasProxy({ https_proxy: 'http://p:1' })).toBe(true)
    expect(envHasProxy({ HTTP_PROXY: 'http://p:1' })).toBe(true)
    expect(envHasProxy({ NO_PROXY: '*' })).toBe(false)
  })

  it('uses the HTTPS proxy for https, falling back to the HTTP one, and only the HTTP one for http', () => {
    const env = { HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://h:1' }
    expect(envProxyFor('https://www.commcarehq.org', env)).toEqual({
      url: 'http://s:1',
      variable: 'HTTPS_PROXY'
    })
    expect(envProxyFor('http://127.0.0.1:8000', env)).toEqual({ url: 'http://h:1', variable: 'HTTP_PROXY' })
    expect(envProxyFor('https://www.commcarehq.org', { HTTP_PROXY: 'http://h:1' })?.variable).toBe(
      'HTTP_PROXY'
    )
    expect(envProxyFor('http://127.0.0.1:8000', { HTTPS_PROXY: 'http://s:1' })).toBeNull()
  })

  it('prefers the lower-case variable, as curl and undici do', () => {
    expect(
      envProxyFor('https://hq.example', { https_proxy: 'http://l:1', HTTPS_PROXY: 'http://u:1' })
    ).toEqual({
      url: 'http://l:1',
      variable: 'https_proxy'
    })
  })

  it('bypasses the hosts NO_PROXY lists', () => {
    const env = { HTTPS_PROXY: 'http://s:1' }
    const hq = 'https://www.commcarehq.org'
    expect(envProxyFor(hq, { ...env, NO_PROXY: '*' })).toBeNull()
    expect(envProxyFor(hq, { ...env, NO_PROXY: 'localhost, www.commcarehq.org' })).toBeNull()
    expect(envProxyFor(hq, { ...env, NO_PROXY: '.commcarehq.org' })).toBeNull()
    expect(envProxyFor(hq, { ...env, no_proxy: '*.commcarehq.org' })).toBeNull()
    expect(envProxyFor(hq, { ...env, NO_PROXY: 'commcarehq.org:443' })).toBeNull()
    expect(envProxyFor(hq, { ...env, NO_PROXY: 'commcarehq.org:8443' })).not.toBeNull()
    expect(envProxyFor(hq, { ...env, NO_PROXY: 'carehq.org' })).not.toBeNull()
    expect(
      envProxyFor('http://127.0.0.1:8000', { HTTP_PROXY: 'http://h:1', NO_PROXY: '127.0.0.1' })
    ).toBeNull()
  })
})
