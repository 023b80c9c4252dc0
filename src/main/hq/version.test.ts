import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ROSTER_VERSION, userAgent } from './version'

describe('version', () => {
  it('matches the version in package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string
    }
    expect(ROSTER_VERSION).toBe(pkg.version)
  })

  it('names Roster in the User-Agent', () => {
    expect(userAgent()).toBe(`Roster/${ROSTER_VERSION}`)
    expect(userAgent('9.9.9')).toBe('Roster/9.9.9')
  })
})
