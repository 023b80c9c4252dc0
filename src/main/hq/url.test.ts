import { describe, expect, it } from 'vitest'
import { HqError } from './errors'
import { apiPath, isLoopbackHost, nextLinkQuery, normaliseServerUrl, pageQuery, pathWithQuery } from './url'

describe('normaliseServerUrl', () => {
  it('adds https:// when the scheme is missing and drops the trailing slash', () => {
    expect(normaliseServerUrl('www.commcarehq.org/')).toBe('https://www.commcarehq.org')
    expect(normaliseServerUrl('  https://eu.commcarehq.org///  ')).toBe('https://eu.commcarehq.org')
  })

  it('keeps the path prefix of a self-hosted server and drops query and fragment', () => {
    expect(normaliseServerUrl('https://hq.example.org/commcare/?x=1#top')).toBe(
      'https://hq.example.org/commcare'
    )
  })

  it('keeps a port', () => {
    expect(normaliseServerUrl('https://hq.example.org:8443')).toBe('https://hq.example.org:8443')
  })

  it('allows plain http only to loopback addresses', () => {
    expect(normaliseServerUrl('http://127.0.0.1:8000/')).toBe('http://127.0.0.1:8000')
    expect(normaliseServerUrl('http://localhost:8000')).toBe('http://localhost:8000')
    expect(normaliseServerUrl('http://[::1]:8000')).toBe('http://[::1]:8000')
    expect(normaliseServerUrl('http://127.8.9.10')).toBe('http://127.8.9.10')
  })

  it('refuses plain http to any other host, saying why', () => {
    const attempt = () => normaliseServerUrl('http://www.commcarehq.org')
    expect(attempt).toThrow(HqError)
    expect(attempt).toThrow(/only connects to HQ over HTTPS/)
    expect(() => normaliseServerUrl('http://10.0.0.5')).toThrow(/HTTPS/)
    expect(() => normaliseServerUrl('http://128.0.0.1')).toThrow(/HTTPS/)
  })

  it('refuses other schemes, credentials in the address and empty input', () => {
    expect(() => normaliseServerUrl('ftp://hq.example.org')).toThrow(/not an https/)
    expect(() => normaliseServerUrl('https://me:secret@hq.example.org')).toThrow(
      /must not contain a user name/
    )
    expect(() => normaliseServerUrl('   ')).toThrow(/Enter the address/)
    try {
      normaliseServerUrl('http://example.org')
    } catch (error) {
      expect((error as HqError).field).toBe('server')
    }
  })
})

describe('isLoopbackHost', () => {
  it('knows 127.0.0.0/8, ::1 and localhost and nothing else', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true)
    expect(isLoopbackHost('127.255.255.254')).toBe(true)
    expect(isLoopbackHost('[::1]')).toBe(true)
    expect(isLoopbackHost('LOCALHOST')).toBe(true)
    expect(isLoopbackHost('localhost.')).toBe(true)
    expect(isLoopbackHost('127.0.0.300')).toBe(false)
    expect(isLoopbackHost('localhost.example.org')).toBe(false)
    expect(isLoopbackHost('[::2]')).toBe(false)
    expect(isLoopbackHost('192.168.1.1')).toBe(false)
  })
})

describe('api paths and queries', () => {
  it('builds project API paths with a trailing slash and an encoded domain', () => {
    expect(apiPath('demo-project', 'v0.5', 'user')).toBe('/a/demo-project/api/v0.5/user/')
    expect(apiPath('demo', 'v0.5', 'user', 'a/b')).toBe('/a/demo/api/v0.5/user/a%2Fb/')
    expect(apiPath('demo', 'location', 'v2')).toBe('/a/demo/api/location/v2/')
  })

  it('leaves out undefined query values', () => {
    expect(pathWithQuery('/x/', { format: 'json', limit: 1000, archived: undefined })).toBe(
      '/x/?format=json&limit=1000'
    )
    expect(pathWithQuery('/x/')).toBe('/x/')
  })

  it('reads the query of a next link in the v0.5 form, the user/v1 form and absolute form', () => {
    const forms = [
      '/a/demo/api/v0.5/user/?limit=20&offset=20&format=json&archived=true',
      '/a/demo/api/user/v1/?limit=20&offset=20&format=json&archived=true',
      'https://www.commcarehq.org/a/demo/api/v0.5/user/?limit=20&offset=20&format=json&archived=true'
    ]
    for (const next of forms) {
      const query = nextLinkQuery(next)!
      expect(query.get('offset')).toBe('20')
      expect(query.get('limit')).toBe('20')
      expect(query.get('archived')).toBe('true')
    }
  })

  it('treats a missing next link as the end of the list', () => {
    expect(nextLinkQuery(null)).toBeNull()
    expect(nextLinkQuery(undefined)).toBeNull()
    expect(nextLinkQuery('')).toBeNull()
  })

  it('sets limit and offset on a page query without losing the other filters', () => {
    const template = new URLSearchParams('format=json&archived=true&limit=20&offset=20')
    const query = pageQuery(template, 100, 300)
    expect(query.get('limit')).toBe('100')
    expect(query.get('offset')).toBe('300')
    expect(query.get('archived')).toBe('true')
    expect(template.get('offset')).toBe('20')
  })
})
