import { describe, expect, it } from 'vitest'
import { analyseMessage, asksReplyOneOrTwo, countSegments, exampleRegistrationUrl, gsmSeptets } from './index'

const plain = { androidOnly: false, registrationUrlLength: 60 }
const android = { androidOnly: true, registrationUrlLength: 60 }

describe('GSM-7 and UCS-2 counting', () => {
  it('counts a plain ASCII message as GSM-7, one septet a character', () => {
    const c = countSegments('Hello world')
    expect(c).toEqual({ encoding: 'gsm7', length: 11, segments: 1, perSegment: 160 })
  })

  it('counts extension characters such as € and [ as two septets', () => {
    expect(gsmSeptets('€')).toBe(2)
    expect(gsmSeptets('[')).toBe(2)
    expect(gsmSeptets('é')).toBe(1)
    expect(gsmSeptets('á')).toBeNull()
    expect(countSegments('5€ [x]').length).toBe(9)
  })

  it('fits exactly 160 GSM septets in one SMS and splits 161 into two of 153', () => {
    expect(countSegments('a'.repeat(160)).segments).toBe(1)
    const two = countSegments('a'.repeat(161))
    expect(two.segments).toBe(2)
    expect(two.perSegment).toBe(153)
    expect(countSegments('a'.repeat(306)).segments).toBe(2)
    expect(countSegments('a'.repeat(307)).segments).toBe(3)
  })

  it('never cuts an escape pair across two segments', () => {
    // 152 plain septets then € (2 septets): the € cannot straddle the 153 boundary.
    const text = 'a'.repeat(152) + '€' + 'a'.repeat(152)
    expect(countSegments(text).length).toBe(306)
    expect(countSegments(text).segments).toBe(3)
  })

  it('switches to UCS-2 on one accented character and points at it', () => {
    const c = countSegments('Karibu Aïcha')
    expect(c.encoding).toBe('ucs2')
    expect(c.ucs2Char).toEqual({ index: 8, char: 'ï' })
    expect(c.perSegment).toBe(70)
    expect(countSegments('ç'.repeat(70)).segments).toBe(1)
    expect(countSegments('ç'.repeat(71)).segments).toBe(2)
    expect(countSegments('ç'.repeat(71)).perSegment).toBe(67)
    expect(countSegments('ç'.repeat(135)).segments).toBe(3)
  })

  it('counts an emoji as two UCS-2 units and points at it by its textarea index', () => {
    const c = countSegments('ok 👍 ok')
    expect(c.length).toBe(8)
    expect(c.ucs2Char).toEqual({ index: 3, char: '👍' })
  })
})

describe('HQ message rules', () => {
  it('treats a blank or whitespace-only message as none (HQ sends its default)', () => {
    const a = analyseMessage('   \n', android)
    expect(a.blank).toBe(true)
    expect(a.errors).toEqual([])
    expect(a.preview).toBeNull()
    expect(a.segments).toBe(0)
    expect(analyseMessage(null, plain).blank).toBe(true)
  })

  it('with Android only, requires exactly one {} and counts the link in its place', () => {
    const a = analyseMessage('Register here: {}', android)
    expect(a.errors).toEqual([])
    expect(a.length).toBe('Register here: '.length + 60)
    expect(a.preview).toBe('Register here: ' + 'X'.repeat(60))
    const withUrl = analyseMessage('Go {}', { ...android, registrationUrl: 'https://hq.example/r/abc/' })
    expect(withUrl.preview).toBe('Go https://hq.example/r/abc/')
  })

  it('with Android only, rejects a message without {}, with two, or with another brace', () => {
    expect(analyseMessage('Register please', android).errors.map((e) => e.code)).toEqual([
      'placeholder-missing'
    ])
    const twice = analyseMessage('Link {} and again {}', android)
    expect(twice.errors.map((e) => e.code)).toEqual(['placeholder-repeated'])
    expect(twice.errors[0]!.index).toBe(18)
    const stray = analyseMessage('Link {} for {name}', android)
    expect(stray.errors.map((e) => e.code)).toEqual(['stray-brace'])
    expect(stray.errors[0]!.index).toBe(12)
    expect(analyseMessage('Link {{}}', android).errors.map((e) => e.code)).toContain('stray-brace')
  })

  it('without Android only, warns when the message does not ask to reply 1 or 2', () => {
    const a = analyseMessage('Welcome to the project', plain)
    expect(a.errors).toEqual([])
    expect(a.warnings.map((w) => w.code)).toEqual(['reply-question-missing'])
    expect(a.preview).toBe('Welcome to the project')
  })

  it('accepts common English, French and Swahili phrasings of the reply question', () => {
    expect(asksReplyOneOrTwo('Please reply with 1 if you are using an Android phone, 2 for other.')).toBe(
      true
    )
    expect(asksReplyOneOrTwo('Répondez 1 si vous avez un téléphone Android, 2 sinon.')).toBe(true)
    expect(asksReplyOneOrTwo('Repondez 1 pour Android, 2 pour autre')).toBe(true)
    expect(asksReplyOneOrTwo('Jibu 1 kama una simu ya Android, 2 kwa nyingine')).toBe(true)
    expect(asksReplyOneOrTwo('Android? 1 = yes, 2 = no')).toBe(true)
    expect(asksReplyOneOrTwo('Reply 12 to join')).toBe(false)
    expect(asksReplyOneOrTwo('Reply 1 to join')).toBe(false)
  })

  it('warns that {} is sent as typed when Android only is off', () => {
    const a = analyseMessage('Reply 1 for Android, 2 for other {}', plain)
    expect(a.warnings.map((w) => w.code)).toEqual(['placeholder-not-replaced'])
    expect(a.length).toBe(35 + 2) // the braces are GSM extension characters: two septets each
  })

  it('points at the character that halves the SMS size', () => {
    // é and Ç are in the GSM alphabet; ç is not.
    expect(analyseMessage('Répondez 1 pour Android, 2 sinon. Ça marche.', plain).encoding).toBe('gsm7')
    const a = analyseMessage('Lien pour le garçon: {}', android)
    expect(a.encoding).toBe('ucs2')
    expect(a.ucs2Char).toEqual({ index: 16, char: 'ç' })
    expect(a.length).toBe('Lien pour le garçon: '.length + 60)
    const b = analyseMessage('Karibu Aïcha, jibu 1 kwa Android, 2 kwa nyingine', plain)
    expect(b.ucs2Char).toEqual({ index: 8, char: 'ï' })
    expect(b.warnings.map((w) => w.code)).toEqual(['unicode'])
    expect(b.warnings[0]!.message).toContain('ï')
  })

  it('estimates the registration link from the server address', () => {
    const url = exampleRegistrationUrl('https://www.commcarehq.org/', 'demo-project')
    expect(url).toBe(
      `https://www.commcarehq.org/a/demo-project/settings/users/commcare/register/${'X'.repeat(32)}/`
    )
    expect(countSegments(url).encoding).toBe('gsm7')
    const a = analyseMessage('Sajili hapa: {}', {
      androidOnly: true,
      registrationUrlLength: url.length,
      registrationUrl: url
    })
    expect(a.length).toBe('Sajili hapa: '.length + url.length)
    expect(a.preview).toBe(`Sajili hapa: ${url}`)
  })
})
