import { describe, expect, it } from 'vitest'
import {
  assignUsernames,
  usernameCandidate,
  usernameGroupKey,
  usernameQueries,
  type UsernameClaim
} from './unique'

const none = (): boolean => false
const takenFrom =
  (...names: string[]) =>
  (u: string): boolean =>
    names.includes(u)

describe('usernameCandidate', () => {
  it('numbers from 2, with a dot only after a name that ends in a digit', () => {
    expect([1, 2, 3].map((n) => usernameCandidate('amina.diallo', n, 80))).toEqual([
      'amina.diallo',
      'amina.diallo2',
      'amina.diallo3'
    ])
    expect(usernameCandidate('254712345678', 2, 80)).toBe('254712345678.2')
  })

  it('cuts a long name to the limit, keeping room for the number and never ending on a dot', () => {
    const base = `${'a'.repeat(70)}.${'b'.repeat(20)}`
    expect(usernameCandidate(base, 1, 72)).toBe(`${'a'.repeat(70)}.b`)
    expect(usernameCandidate(base, 2, 72)).toBe(`${'a'.repeat(70)}2`)
    expect(usernameCandidate(base, 10, 72)).toBe(`${'a'.repeat(70)}10`)
    expect(usernameCandidate(base, 100, 72)).toBe(`${'a'.repeat(69)}100`)
    for (const n of [1, 2, 10, 100, 1000])
      expect(usernameCandidate(base, n, 72).length).toBeLessThanOrEqual(72)
  })
})

describe('usernameGroupKey', () => {
  it('is the same for every numbered form of a name, cut or not', () => {
    for (const base of [
      'amina.diallo',
      'chv12',
      `${'a'.repeat(70)}.${'b'.repeat(20)}`,
      '254712345678',
      '25.47'
    ]) {
      const key = usernameGroupKey(base, 72)
      for (const n of [1, 2, 9, 10, 99, 100, 12345, 999999]) {
        expect(usernameGroupKey(usernameCandidate(base, n, 72), 72)).toBe(key)
      }
    }
  })

  it('keeps phone numbers apart from each other', () => {
    expect(usernameGroupKey('254712345678', 80)).not.toBe(usernameGroupKey('254712345679', 80))
  })
})

describe('usernameQueries', () => {
  it('asks for the name and the stems of its numbered forms', () => {
    expect(usernameQueries('amina.diallo', 80)).toEqual(['amina.diallo'])
    expect(usernameQueries('254712345678', 80)).toEqual(['254712345678', '254712345678.'])
    const long = 'x'.repeat(90)
    expect(usernameQueries(long, 80)).toEqual([
      'x'.repeat(80),
      ...[79, 78, 77, 76, 75, 74].map((n) => 'x'.repeat(n))
    ])
  })
})

describe('assignUsernames', () => {
  it('numbers template names in row order, skipping names the project holds', () => {
    const claims: UsernameClaim[] = [
      { row: 4, kind: 'made', base: 'amina.diallo' },
      { row: 2, kind: 'made', base: 'amina.diallo' },
      { row: 3, kind: 'made', base: 'amina.diallo' }
    ]
    const out = assignUsernames(claims, 80, takenFrom('amina.diallo2'))
    expect(out.get(2)).toEqual({ username: 'amina.diallo' })
    expect(out.get(3)).toEqual({ username: 'amina.diallo3' })
    expect(out.get(4)).toEqual({ username: 'amina.diallo4' })
  })

  it("keeps the file's own names and numbers template names around them, whatever the row order", () => {
    const out = assignUsernames(
      [
        { row: 2, kind: 'made', base: 'amina.diallo' },
        { row: 3, kind: 'fixed', base: 'amina.diallo' },
        { row: 4, kind: 'fixed', base: 'amina.diallo2' }
      ],
      80,
      none
    )
    expect(out.get(2)).toEqual({ username: 'amina.diallo3' })
    expect(out.get(3)).toEqual({ username: 'amina.diallo' })
    expect(out.get(4)).toEqual({ username: 'amina.diallo2' })
  })

  it('refuses a file name another row or the project holds, suggesting distinct free ones', () => {
    const out = assignUsernames(
      [
        { row: 2, kind: 'fixed', base: 'grace' },
        { row: 3, kind: 'fixed', base: 'grace' },
        { row: 4, kind: 'fixed', base: 'brian' },
        { row: 5, kind: 'made', base: 'grace' },
        { row: 6, kind: 'repair', base: 'grace' }
      ],
      80,
      takenFrom('brian', 'grace3')
    )
    expect(out.get(2)).toEqual({ username: 'grace' })
    expect(out.get(5)).toEqual({ username: 'grace2' })
    expect(out.get(3)).toEqual({
      username: null,
      clash: { kind: 'duplicate', firstRow: 2 },
      suggestion: 'grace4'
    })
    expect(out.get(4)).toEqual({ username: null, clash: { kind: 'taken' }, suggestion: 'brian2' })
    expect(out.get(6)).toEqual({ username: null, clash: { kind: 'repair' }, suggestion: 'grace5' })
  })

  it('gives a phone number a dotted suffix when the project holds it', () => {
    const out = assignUsernames(
      [{ row: 2, kind: 'made', base: '254712345678' }],
      80,
      takenFrom('254712345678')
    )
    expect(out.get(2)).toEqual({ username: '254712345678.2' })
  })

  it('has nothing to suggest for a name that folded to nothing', () => {
    expect(assignUsernames([{ row: 2, kind: 'repair', base: '' }], 80, none).get(2)).toEqual({
      username: null,
      clash: { kind: 'repair' },
      suggestion: null
    })
  })
})
