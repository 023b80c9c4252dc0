import { describe, expect, it } from 'vitest'
import { foldUsername, usernameCharacterProblem } from './fold'

describe('foldUsername', () => {
  it('removes accents from French and Spanish names', () => {
    expect(foldUsername('François Müller')).toBe('francois.muller')
    expect(foldUsername('José Ñúñez')).toBe('jose.nunez')
    expect(foldUsername('Hélène Côté-Lefèvre')).toBe('helene.cote-lefevre')
    expect(foldUsername('Ærøskøbing Straße')).toBe('aeroskobing.strasse')
  })

  it('transliterates other scripts', () => {
    expect(foldUsername('አበበ ቢቂላ')).toBe('abebe.bikila')
    expect(foldUsername('محمد علي')).toBe('mhmd.ly')
    expect(foldUsername('张伟')).toBe('zhangwei')
    expect(foldUsername('Владимир Путин')).toBe('vladimir.putin')
    expect(foldUsername('राहुल शर्मा')).toBe('rahul.srma')
    expect(foldUsername('Αλέξανδρος')).toBe('alexandros')
  })

  it('drops apostrophes and emoji, and turns every other refused character into one dot', () => {
    expect(foldUsername("Zoë O'Brien")).toBe('zoe.obrien')
    expect(foldUsername('Amina 😀 Diallo')).toBe('amina.diallo')
    expect(foldUsername('  Amina   (CHV) / Diallo, Jr. ')).toBe('amina.chv.diallo.jr')
    expect(foldUsername('a+b_c-d.e')).toBe('a+b_c-d.e')
    expect(foldUsername('..amina..diallo..')).toBe('amina.diallo')
  })

  it('answers nothing when nothing usable remains', () => {
    expect(foldUsername('😀🎉')).toBe('')
    expect(foldUsername(' ... ')).toBe('')
    expect(foldUsername('')).toBe('')
  })
})

describe('usernameCharacterProblem', () => {
  it('accepts HQ characters in a valid e-mail local part', () => {
    expect(usernameCharacterProblem('amina.diallo+2_chv-1')).toBeUndefined()
  })

  it('names the characters HQ refuses and the ones it allows', () => {
    expect(usernameCharacterProblem('amina diallo')).toBe(
      'has characters HQ does not allow (spaces); use only letters a-z, digits, . + - and _'
    )
    expect(usernameCharacterProblem('amélie!')).toContain('("é", "!")')
  })

  it('refuses dots HQ cannot put in an e-mail address', () => {
    expect(usernameCharacterProblem('.amina')).toBe('cannot start or end with a dot')
    expect(usernameCharacterProblem('amina.')).toBe('cannot start or end with a dot')
    expect(usernameCharacterProblem('amina..diallo')).toBe('cannot have two dots in a row')
  })
})
