import { describe, expect, it } from 'vitest'
import { stripUsernameHost, usernameLimit, usernameProject } from './limit'

describe('usernameLimit', () => {
  it('is 80 for an ordinary project name', () => {
    expect(usernameLimit('demo-project')).toBe(80)
  })

  it('shrinks so the whole address stays within 127 characters for long project names', () => {
    const domain = 'a'.repeat(40)
    // "<40 a>.commcarehq.org" is 55 characters: 127 - 55.
    expect(usernameLimit(domain)).toBe(72)
    expect(usernameLimit('b'.repeat(100))).toBe(12)
    expect(usernameLimit('c'.repeat(200))).toBe(0)
  })
})

describe('stripUsernameHost', () => {
  it("drops this project's host in any case, and nothing else", () => {
    expect(stripUsernameHost(' Amina@Demo-Project.CommCareHQ.org ', 'demo-project')).toBe('Amina')
    expect(stripUsernameHost('amina@other.commcarehq.org', 'demo-project')).toBe('amina@other.commcarehq.org')
    expect(stripUsernameHost('amina', 'demo-project')).toBe('amina')
  })

  it("tells another project's username apart", () => {
    expect(usernameProject('amina@Other.commcarehq.org')).toBe('other')
    expect(usernameProject('amina@gmail.com')).toBeUndefined()
  })
})
