import { describe, expect, it } from 'vitest'
import { externalLinkAllowed, type LinkableProject } from './externalLinks'

const project: LinkableProject = {
  server: 'https://www.commcarehq.org',
  domain: 'demo-project',
  hasKey: true,
  synced: true
}
const allowed = (url: string, projects = [project], http = false) => externalLinkAllowed(url, projects, http)

describe('which links open in the system browser', () => {
  it('opens https pages under /a/<domain>/ of a saved, synced project with a key', () => {
    expect(allowed('https://www.commcarehq.org/a/demo-project/settings/users/commcare/account/abc/')).toBe(
      true
    )
    expect(allowed('https://www.commcarehq.org/a/demo-project/reports/case_list/?emw=u__abc')).toBe(true)
  })

  it('refuses other projects, other paths and other hosts on the same server', () => {
    expect(allowed('https://www.commcarehq.org/a/other-project/reports/')).toBe(false)
    expect(allowed('https://www.commcarehq.org/a/demo-project-2/reports/')).toBe(false)
    expect(allowed('https://www.commcarehq.org/accounts/login/')).toBe(false)
    expect(allowed('https://www.commcarehq.org/a/demo-project')).toBe(false)
    expect(allowed('https://www.commcarehq.org.evil.example/a/demo-project/')).toBe(false)
    expect(allowed('https://evil.example/a/demo-project/')).toBe(false)
    expect(allowed('https://www.commcarehq.org:8443/a/demo-project/')).toBe(false)
  })

  it('refuses a project without a key or never synced: saving one on any host opens nothing', () => {
    const phishing = { server: 'https://evil.example', domain: 'x', hasKey: true, synced: false }
    expect(allowed('https://evil.example/a/x/login', [phishing])).toBe(false)
    expect(allowed('https://evil.example/a/x/login', [{ ...phishing, synced: true, hasKey: false }])).toBe(
      false
    )
    expect(allowed('https://evil.example/a/x/login', [{ ...phishing, synced: true }])).toBe(true)
  })

  it('refuses plain http, other schemes, logins in the URL and text that is not a URL', () => {
    expect(allowed('http://www.commcarehq.org/a/demo-project/')).toBe(false)
    expect(allowed('file:///etc/passwd')).toBe(false)
    expect(allowed('javascript:alert(1)')).toBe(false)
    expect(allowed('https://user:pw@www.commcarehq.org/a/demo-project/')).toBe(false)
    expect(allowed('not a url')).toBe(false)
  })

  it('keeps a self-hosted server’s path prefix and normalises dot segments before checking', () => {
    const selfHosted = { ...project, server: 'https://hq.example.org/hq' }
    expect(allowed('https://hq.example.org/hq/a/demo-project/reports/', [selfHosted])).toBe(true)
    expect(allowed('https://hq.example.org/a/demo-project/reports/', [selfHosted])).toBe(false)
    expect(allowed('https://www.commcarehq.org/a/demo-project/../other/', [project])).toBe(false)
  })

  it('opens the simulator’s http pages only when plain-HTTP loopback is allowed', () => {
    const sim = { ...project, server: 'http://127.0.0.1:8765' }
    expect(allowed('http://127.0.0.1:8765/a/demo-project/reports/', [sim])).toBe(false)
    expect(allowed('http://127.0.0.1:8765/a/demo-project/reports/', [sim], true)).toBe(true)
  })
})
