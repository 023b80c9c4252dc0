import { describe, expect, it } from 'vitest'
import { checkUsernameCell } from './check'

describe('checkUsernameCell', () => {
  it("takes a valid name in lower case, without this project's host", () => {
    expect(checkUsernameCell(' Amina.Diallo ', 'demo-project')).toEqual({
      ok: true,
      username: 'amina.diallo'
    })
    expect(checkUsernameCell('amina.diallo@demo-project.commcarehq.org', 'demo-project')).toEqual({
      ok: true,
      username: 'amina.diallo'
    })
  })

  it('refuses characters HQ does not allow, with the folded form to suggest', () => {
    expect(checkUsernameCell('Amélie Dupont', 'demo-project')).toEqual({
      ok: false,
      problem: 'illegal',
      reason: 'has characters HQ does not allow ("é", spaces); use only letters a-z, digits, . + - and _',
      base: 'amelie.dupont'
    })
  })

  it('refuses a name longer than the limit of a long project name', () => {
    const domain = 'd'.repeat(60)
    const name = 'n'.repeat(60)
    expect(checkUsernameCell(name, domain)).toEqual({
      ok: false,
      problem: 'too-long',
      reason: 'has 60 characters; HQ allows at most 52 in this project',
      base: name
    })
    expect(checkUsernameCell(name, 'demo-project')).toEqual({ ok: true, username: name })
  })

  it("refuses another project's username", () => {
    expect(checkUsernameCell('amina@other.commcarehq.org', 'demo-project')).toEqual({
      ok: false,
      problem: 'other-project',
      reason: 'belongs to the project "other", not "demo-project"',
      base: 'amina'
    })
  })
})
