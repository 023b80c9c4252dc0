import { describe, expect, it } from 'vitest'
import { ftsQuery } from './searchQuery'

describe('ftsQuery', () => {
  it('quotes every word and matches it as a prefix, all words required', () => {
    expect(ftsQuery('Aïcha mwa')).toBe('"Aïcha"* AND "mwa"*')
  })

  it('doubles quotes inside a word so the phrase cannot end early', () => {
    expect(ftsQuery('say"hi OR x')).toBe('"say""hi"* AND "OR"* AND "x"*')
  })

  it('joins the pieces of a phone number into its digits', () => {
    expect(ftsQuery('0712 345')).toBe('"0712345"*')
    expect(ftsQuery('+254 (712) 345-678')).toBe('"254712345678"*')
    expect(ftsQuery('John 0712 345')).toBe('"John"* AND "0712345"*')
  })

  it('drops the username suffix every worker of the project shares', () => {
    expect(ftsQuery('asha.k@demo-project.commcarehq.org', 'demo-project')).toBe('"asha.k"*')
    expect(ftsQuery('asha@example.org', 'demo-project')).toBe('"asha@example.org"*')
  })

  it('returns null when nothing searchable is left', () => {
    expect(ftsQuery('   ')).toBeNull()
    expect(ftsQuery('-- * ()')).toBeNull()
  })
})
