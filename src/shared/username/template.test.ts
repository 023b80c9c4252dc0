import { describe, expect, it } from 'vitest'
import {
  DEFAULT_USERNAME_TEMPLATE,
  parseUsernameTemplate,
  personNames,
  renderUsername,
  usernameTemplateProblem,
  type TemplatePerson
} from './template'

function make(template: string, person: TemplatePerson, fieldKeys?: string[]) {
  const parsed = parseUsernameTemplate(template, fieldKeys)
  if (!parsed.ok) throw new Error(parsed.error)
  return renderUsername(parsed.parts, person)
}

describe('username templates', () => {
  it('makes first.last by default', () => {
    expect(make(DEFAULT_USERNAME_TEMPLATE, { first: 'Amina', last: 'Diallo', row: 2 })).toEqual({
      base: 'amina.diallo',
      fallback: false
    })
  })

  it('fills in the full name, the digits, the row and custom fields', () => {
    const person = {
      name: 'Grace  Wanjiru Muthoni',
      digits: '254712345678',
      row: 7,
      fields: { village: 'Kisumu Ndogo', District: 'Siaya' }
    }
    expect(make('{name}', person).base).toBe('grace.wanjiru.muthoni')
    expect(make('chv{row}', person).base).toBe('chv7')
    expect(make('{data:village}-{digits}', person).base).toBe('kisumu.ndogo-254712345678')
    expect(make('{ First }_{LAST}', person).base).toBe('grace_wanjiru.muthoni')
    expect(make('{data:district}', person, ['village', 'District']).base).toBe('siaya')
  })

  it('falls back to the digits when the row has no name', () => {
    expect(make('{first}.{last}', { digits: '254712345678', row: 3 })).toEqual({
      base: '254712345678',
      fallback: true
    })
    expect(make('chv.{first}', { digits: '254712345678', row: 3 }).base).toBe('254712345678')
    expect(make('{first}', { first: '😀', digits: '254712345678', row: 3 }).base).toBe('254712345678')
    // One name is enough; what the template adds around it stays.
    expect(make('chv.{first}.{last}', { last: 'Diallo', row: 3 }).base).toBe('chv.diallo')
    expect(make('{first}.{last}', { row: 3 })).toEqual({ base: '', fallback: true })
  })

  it('keeps a template without placeholders, or with no name in it, as it is', () => {
    expect(make('chv', { row: 2 })).toEqual({ base: 'chv', fallback: false })
    expect(make('{data:id}', { row: 2, digits: '254700000001', fields: {} }).base).toBe('254700000001')
  })

  it('refuses an unknown placeholder, naming it and the ones there are', () => {
    expect(usernameTemplateProblem('{first}.{surname}')).toBe(
      'the username template has an unknown placeholder {surname}; use {first}, {last}, {name}, {digits}, {row} or {data:<field>}'
    )
  })

  it('refuses unbalanced braces, an empty template and a custom field the file lacks', () => {
    expect(usernameTemplateProblem('{first.{last}')).toContain('unknown placeholder {first.{last}')
    expect(usernameTemplateProblem('{first}.{last')).toBe('the username template has a "{" without its "}"')
    expect(usernameTemplateProblem('first}.{last}')).toBe(
      'the username template has a "}" without its "{" (at character 6)'
    )
    expect(usernameTemplateProblem('  ')).toBe('the username template is empty; use e.g. {first}.{last}')
    expect(usernameTemplateProblem('{data:}')).toContain('without a field name')
    expect(usernameTemplateProblem('{data:zone}', ['village', 'District'])).toBe(
      'the username template uses {data:zone}, but the file has no custom field "zone" (its fields: village, District)'
    )
    expect(usernameTemplateProblem('{data:zone}')).toBeUndefined()
  })
})

describe('personNames', () => {
  it('splits a full name at its first space, as HQ does', () => {
    expect(personNames({ name: ' Grace  Wanjiru Muthoni ' })).toEqual({
      first: 'Grace',
      last: 'Wanjiru Muthoni',
      name: 'Grace Wanjiru Muthoni'
    })
    expect(personNames({ name: 'Madonna' })).toEqual({ first: 'Madonna', last: '', name: 'Madonna' })
  })

  it('makes the full name from first and last, and prefers them to a name column', () => {
    expect(personNames({ firstName: 'Amina', lastName: 'Diallo' }).name).toBe('Amina Diallo')
    expect(personNames({ firstName: 'Amina', name: 'A. Diallo' })).toEqual({
      first: 'Amina',
      last: '',
      name: 'A. Diallo'
    })
  })
})
