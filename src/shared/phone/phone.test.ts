import { describe, expect, it } from 'vitest'
import { aNumberIn, toCountryCode } from './country'
import { digitsOf, normalisePhone } from './normalise'
import { repairInput } from './repair'
import { phoneQueryDigits, searchFormsOfPhone } from './search'

describe('repairInput', () => {
  it('rebuilds a number Excel wrote in scientific notation when every digit survived', () => {
    expect(repairInput('2.54712345678E+11', 'KE')).toEqual({
      cleaned: '+254712345678',
      repairs: ['rebuilt from scientific notation 2.54712345678E+11']
    })
  })

  it('reads the comma decimal of French Excel in scientific notation', () => {
    expect(repairInput('2,21781234567E+11', 'SN').cleaned).toBe('+221781234567')
  })

  it('flags scientific notation that lost digits as damaged instead of guessing zeros', () => {
    const result = repairInput('2.54712E+11', 'KE')
    expect(result.damaged).toBe(
      'Excel saved this number as 2.54712E+11 and dropped its last 6 digits; ' +
        'type it again from the original list (format the column as Text before pasting)'
    )
    expect(repairInput('2.5471234567E+11', 'KE').damaged).toContain('dropped its last 1 digit;')
  })

  it('accepts trailing zeros in the mantissa and rejects real decimals', () => {
    expect(repairInput('2.547123456780E+11', 'KE').cleaned).toBe('+254712345678')
    expect(repairInput('2.5471234567891E+11', 'KE').damaged).toBe(
      '2.5471234567891E+11 is a decimal number, not a phone number'
    )
  })

  it('reads digits that start with a country code as international, the way HQ stores them, without calling it a repair', () => {
    expect(repairInput('254712345678', 'KE')).toEqual({ cleaned: '+254712345678', repairs: [] })
    // Another country's number in a Kenyan list
    expect(repairInput('256712345678', 'KE').cleaned).toBe('+256712345678')
    // Without a country only a long number that is valid with "+" is read that way
    expect(repairInput('254712345678').cleaned).toBe('+254712345678')
    expect(repairInput('712345678').cleaned).toBe('712345678')
  })

  it('puts back the leading zero Excel drops from national numbers', () => {
    expect(repairInput('712345678', 'KE')).toEqual({
      cleaned: '0712345678',
      repairs: ['put back the leading 0 (Excel drops it from numbers)']
    })
    // Italian landlines start with 0 themselves: without it the number is invalid
    expect(repairInput('612345678', 'IT').cleaned).toBe('0612345678')
    // Senegal has no trunk 0: nothing is missing
    expect(repairInput('771234567', 'SN')).toEqual({ cleaned: '771234567', repairs: [] })
  })

  it('removes the ".0" a number cell leaves behind', () => {
    expect(repairInput('254712345678.0', 'KE').repairs).toEqual(["removed '.0' left by a number cell"])
    expect(repairInput('712345678,00', 'KE').cleaned).toBe('0712345678')
  })

  it("removes 'tel:' and similar prefixes", () => {
    expect(repairInput('tel:+254712345678')).toEqual({
      cleaned: '+254712345678',
      repairs: ["removed 'tel:' prefix"]
    })
    expect(repairInput('TEL: +254 712 345 678').repairs).toEqual(["removed 'tel:' prefix"])
    expect(repairInput('sms:+254712345678').repairs).toEqual(["removed 'sms:' prefix"])
  })

  it('removes non-breaking and invisible characters and says so', () => {
    expect(repairInput('0712\u00A0345\u00A0678', 'KE')).toEqual({
      cleaned: '0712345678',
      repairs: ['removed non-breaking spaces']
    })
    expect(repairInput('\u200B0712345678\uFEFF', 'KE')).toEqual({
      cleaned: '0712345678',
      repairs: ['removed invisible characters']
    })
  })

  it('removes the separators of a normally written number without calling it a repair', () => {
    for (const written of ['0712 345 678', '0712-345-678', '0712 345678', '(0712) 345 678', '(0712)345678']) {
      expect(repairInput(written, 'KE'), written).toEqual({ cleaned: '0712345678', repairs: [] })
    }
    expect(repairInput('(0799) 888-777', 'KE')).toEqual({ cleaned: '0799888777', repairs: [] })
    for (const written of ['+254 712 345678', '+254-712-345-678', '+254 712-345-678', '+254 (712) 345 678']) {
      expect(repairInput(written), written).toEqual({ cleaned: '+254712345678', repairs: [] })
    }
    // Each country's own habit, as libphonenumber writes it
    expect(repairInput('77 123 45 67', 'SN').repairs).toEqual([])
    expect(repairInput('06 12 34 56 78', 'FR').repairs).toEqual([])
    expect(repairInput('(212) 555-0100', 'US').repairs).toEqual([])
    expect(repairInput('+1 212-555-0100').repairs).toEqual([])
    expect(repairInput('+1 (212) 555-0100').repairs).toEqual([])
    expect(repairInput('(11) 96123-4567', 'BR').repairs).toEqual([])
    expect(repairInput('+55 11 96123-4567').repairs).toEqual([])
    // New Caledonia writes its numbers with dots
    expect(repairInput('23.45.67', 'NC').repairs).toEqual([])
  })

  it('says which stray separators it removed', () => {
    const said = (written: string, country?: 'KE') => repairInput(written, country).repairs
    expect(said('0712.345.678', 'KE')).toEqual(['removed dots'])
    expect(said('0712-345.678', 'KE')).toEqual(['removed dots'])
    expect(said('[0712] 345.678', 'KE')).toEqual(['removed dots and brackets'])
    expect(said('0712 (345) 678', 'KE')).toEqual(['removed brackets'])
    expect(said('0712/345678', 'KE')).toEqual(['removed slashes'])
    expect(said('0712-345 678', 'KE')).toEqual(['removed mixed spaces and dashes'])
    expect(said('+254-712 345 678')).toEqual(['removed mixed spaces and dashes'])
    expect(said('0712  345 678', 'KE')).toEqual(['removed extra spaces'])
    expect(said('0712 - 345 - 678', 'KE')).toEqual(['removed extra spaces'])
    expect(said('0712--345678', 'KE')).toEqual(['removed extra dashes'])
    expect(said('0712345678-', 'KE')).toEqual(['removed stray dashes'])
    expect(said('0712\t345678', 'KE')).toEqual(['removed tabs and line breaks'])
    expect(said('0712\u2009345\u2009678', 'KE')).toEqual(['removed unusual spaces'])
    expect(said('+ 254 712 345 678')).toEqual(['removed the space after the +'])
    expect(said('+25 4712 345 678')).toEqual(['removed a break inside the country code +254'])
    expect(said('0 7 1 2 3 4 5 6 7 8', 'KE')).toEqual(['removed spaces between single digits'])
    expect(said(' 0712 345 678 ', 'KE')).toEqual(['removed spaces around the number'])
    expect(said(' 0712.345.678', 'KE')).toEqual(['removed dots and spaces around the number'])
  })

  it('says stray separators first, before the repairs that read the digits', () => {
    expect(repairInput('712.345.678', 'KE')).toEqual({
      cleaned: '0712345678',
      repairs: ['removed dots', 'put back the leading 0 (Excel drops it from numbers)']
    })
    expect(repairInput(' 2.54712345678E+11', 'KE').repairs).toEqual([
      'removed spaces around the number',
      'rebuilt from scientific notation 2.54712345678E+11'
    ])
  })

  it('does not count spaces already reported as non-breaking or a bracketed trunk 0 twice', () => {
    expect(repairInput('\u00A00712 345 678', 'KE').repairs).toEqual(['removed non-breaking spaces'])
    expect(repairInput('+254 (0) 712 345 678').repairs).toEqual(['removed the 0 after the country code +254'])
    expect(repairInput('tel: +254-712-345-678').repairs).toEqual(["removed 'tel:' prefix"])
  })

  it('leaves the separators of text that is not a number alone', () => {
    expect(repairInput(' n/a ', 'KE')).toEqual({ cleaned: 'na', repairs: [] })
  })

  it('replaces typographic dashes that Word and Excel autocorrect put in', () => {
    expect(repairInput('0712\u2013345\u2013678', 'KE')).toEqual({
      cleaned: '0712345678',
      repairs: ['replaced typographic dashes']
    })
  })

  it('undoes Excel\'s text tricks: a leading apostrophe and the ="..." formula', () => {
    expect(repairInput("'0712345678", 'KE').repairs).toEqual([
      'removed the apostrophe Excel puts before text'
    ])
    expect(repairInput('="0712345678"', 'KE')).toEqual({
      cleaned: '0712345678',
      repairs: ['removed the ="…" wrapper used to keep Excel from changing the number']
    })
  })

  it('takes numbers written without the trunk 0 in India, Nigeria and Pakistan as written', () => {
    // People there write the national number alone ("98765 43210"): nothing was lost.
    expect(repairInput('9876543210', 'IN')).toEqual({ cleaned: '9876543210', repairs: [] })
    expect(repairInput('98765 43210', 'IN')).toEqual({ cleaned: '9876543210', repairs: [] })
    expect(repairInput('8031234567', 'NG')).toEqual({ cleaned: '8031234567', repairs: [] })
    expect(repairInput('803 123 4567', 'NG')).toEqual({ cleaned: '8031234567', repairs: [] })
    expect(repairInput('3001234567', 'PK')).toEqual({ cleaned: '3001234567', repairs: [] })
    expect(repairInput('300 1234567', 'PK')).toEqual({ cleaned: '3001234567', repairs: [] })
    // Written with the trunk 0, they are just as fine
    expect(repairInput('098765 43210', 'IN').repairs).toEqual([])
    expect(repairInput('0803 123 4567', 'NG').repairs).toEqual([])
    // Where people always write the 0, a number without it is still Excel's damage
    expect(repairInput('712345678', 'KE').repairs).toEqual([
      'put back the leading 0 (Excel drops it from numbers)'
    ])
  })

  it('gives the same E.164 number for India, Nigeria and Pakistan with or without the trunk 0', () => {
    for (const [country, bare, e164] of [
      ['IN', '9876543210', '+919876543210'],
      ['NG', '8031234567', '+2348031234567'],
      ['PK', '3001234567', '+923001234567']
    ] as const) {
      const without = normalisePhone(bare, country)
      const withZero = normalisePhone(`0${bare}`, country)
      expect(without).toMatchObject({ ok: true, e164, repairs: [] })
      expect(withZero).toMatchObject({ ok: true, e164, repairs: [] })
    }
  })

  it('takes HQ-style digits of another country as international without a repair', () => {
    expect(repairInput('256712345678', 'KE')).toEqual({ cleaned: '+256712345678', repairs: [] })
    expect(repairInput('221771112233', 'SN')).toEqual({ cleaned: '+221771112233', repairs: [] })
    expect(repairInput('919876543210', 'IN')).toEqual({ cleaned: '+919876543210', repairs: [] })
    expect(repairInput('254712345678')).toEqual({ cleaned: '+254712345678', repairs: [] })
    expect(normalisePhone('254712345678', 'KE')).toMatchObject({
      ok: true,
      e164: '+254712345678',
      repairs: []
    })
  })

  it('turns the 00 international prefix into "+" unless the country dials it differently', () => {
    expect(repairInput('00254712345678', 'KE')).toEqual({
      cleaned: '+254712345678',
      repairs: ['replaced the international prefix 00 with +']
    })
    expect(repairInput('0033612345678').cleaned).toBe('+33612345678')
  })

  it('removes the trunk 0 written after the country code', () => {
    expect(repairInput('+254 (0) 712 345 678')).toEqual({
      cleaned: '+254712345678',
      repairs: ['removed the 0 after the country code +254']
    })
  })

  it('removes thousands separators from a number formatted as a number', () => {
    expect(repairInput('254,712,345,678', 'KE')).toEqual({
      cleaned: '+254712345678',
      repairs: ['removed thousands separators']
    })
  })

  it('refuses to split a cell holding two numbers', () => {
    expect(repairInput('0712 345 678 / 0722 345 678', 'KE').damaged).toBe(
      'holds 2 numbers (0712 345 678, 0722 345 678); put one number per row'
    )
    expect(repairInput('0712345678 or 0722345678', 'KE').damaged).toContain('holds 2 numbers')
  })

  it('reads Arabic-Indic and full-width digits as digits', () => {
    expect(repairInput('٠٧١٢٣٤٥٦٧٨', 'KE').cleaned).toBe('0712345678')
    expect(repairInput('０７１２３４５６７８', 'KE').cleaned).toBe('0712345678')
  })
})

describe('normalisePhone', () => {
  it('gives E.164, digits, the national form and the type of a valid mobile number', () => {
    expect(normalisePhone('0712 345 678', 'KE')).toEqual({
      ok: true,
      e164: '+254712345678',
      digits: '254712345678',
      country: 'KE',
      callingCode: '254',
      nationalNumber: '712345678',
      national: '0712 345678',
      type: 'MOBILE',
      isMobile: true,
      repairs: []
    })
  })

  it('reads international numbers without a country', () => {
    const result = normalisePhone('+221 77 123 45 67')
    expect(result.ok && result.e164).toBe('+221771234567')
    expect(result.ok && result.country).toBe('SN')
  })

  it('counts FIXED_LINE_OR_MOBILE as mobile', () => {
    const result = normalisePhone('+1 212 555 0100')
    expect(result.ok && result.type).toBe('FIXED_LINE_OR_MOBILE')
    expect(result.ok && result.isMobile).toBe(true)
    expect(result.ok && result.warning).toBeUndefined()
  })

  it('warns when a valid number is of a type that cannot receive SMS', () => {
    const landline = normalisePhone('020 2345678', 'KE')
    expect(landline).toMatchObject({
      ok: true,
      type: 'FIXED_LINE',
      isMobile: false,
      warning: 'looks like a landline number, which may not receive SMS'
    })
    const tollFree = normalisePhone('0800 723253', 'KE')
    expect(tollFree.ok && tollFree.warning).toBe('looks like a toll-free number, which may not receive SMS')
  })

  it('explains invalid numbers in words a coordinator understands', () => {
    const reason = (raw: string, country?: 'KE' | 'SN') => {
      const r = normalisePhone(raw, country)
      return r.ok ? 'ok' : r.reason
    }
    expect(reason('12345', 'KE')).toBe('too short for a Kenyan number')
    expect(reason('77 12', 'SN')).toBe('too short for a Senegalese number')
    expect(reason('07123456789012345', 'KE')).toBe('too long for a Kenyan number')
    expect(reason('071234567', 'KE')).toBe('not a valid Kenyan number')
    expect(reason('+254 1234 5678')).toBe('not a valid Kenyan number')
    expect(reason('+999 1234567')).toBe('starts with a country code that does not exist')
    expect(reason('+1 999 555 0100')).toBe('not a valid +1 number')
    expect(reason('', 'KE')).toBe('no phone number')
    expect(reason('   ', 'KE')).toBe('no phone number')
    expect(reason('n/a', 'KE')).toBe('not a phone number')
    expect(reason('0712 345 678 ext 4', 'KE')).toBe('contains "ext", which is not part of a phone number')
    expect(reason('0712345678')).toBe(
      'not in international form (+ and country code); choose the country these numbers are from'
    )
    expect(reason('2.54712E+11', 'KE')).toContain('dropped its last 6 digits')
  })

  it('keeps the repairs it made on both outcomes', () => {
    const fixed = normalisePhone('tel:254712345678', 'KE')
    expect(fixed.repairs).toEqual(["removed 'tel:' prefix"])
    const failed = normalisePhone('tel:12', 'KE')
    expect(failed).toMatchObject({
      ok: false,
      reason: 'too short for a Kenyan number',
      repairs: ["removed 'tel:' prefix"]
    })
  })

  it('gives the same digits for every way of writing one number', () => {
    const written = [
      '0712 345 678',
      '+254712345678',
      '254712345678',
      '712345678',
      '2.54712345678E+11',
      '254712345678.0',
      'tel:+254-712-345-678',
      '00254 712 345 678',
      '+254 (0)712 345678'
    ]
    const digits = written.map((w) => {
      const r = normalisePhone(w, 'KE')
      return r.ok ? r.digits : r.reason
    })
    expect(new Set(digits)).toEqual(new Set(['254712345678']))
  })
})

describe('search forms', () => {
  it('lists E.164, digits and both national forms of a number', () => {
    expect(searchFormsOfPhone('0712 345 678', 'KE')).toEqual([
      '+254712345678',
      '254712345678',
      '0712345678',
      '712345678'
    ])
  })

  it('reads the digits HQ stores (no "+") without a country', () => {
    expect(searchFormsOfPhone('254712345678')).toEqual([
      '+254712345678',
      '254712345678',
      '0712345678',
      '712345678'
    ])
  })

  it('omits the trunk-0 form for countries that have none', () => {
    expect(searchFormsOfPhone('+221771234567')).toEqual(['+221771234567', '221771234567', '771234567'])
  })

  it('falls back to the bare digits of a number it cannot read', () => {
    expect(searchFormsOfPhone('12-34')).toEqual(['1234'])
    expect(searchFormsOfPhone('none')).toEqual([])
  })

  it('lets "0712 345" find +254712345xxx by digit prefix', () => {
    const query = phoneQueryDigits('0712 345')
    expect(query).toBe('0712345')
    expect(searchFormsOfPhone('+254712345999').some((form) => form.startsWith(query as string))).toBe(true)
  })

  it('does not treat a name as a phone query', () => {
    expect(phoneQueryDigits('Aïcha')).toBeUndefined()
    expect(phoneQueryDigits('7')).toBeUndefined()
    expect(phoneQueryDigits('+254 (712)')).toBe('254712')
  })

  it('digitsOf strips everything but digits', () => {
    expect(digitsOf('+254 712-345-678')).toBe('254712345678')
  })
})

describe('countries', () => {
  it('names a country with its adjective or its name', () => {
    expect(aNumberIn('KE')).toBe('a Kenyan number')
    expect(aNumberIn('IN')).toBe('an Indian number')
    expect(aNumberIn('PE')).toBe('a number in Peru')
    expect(aNumberIn('KE', 'valid')).toBe('a valid Kenyan number')
  })

  it('accepts country codes in any case and rejects unknown ones', () => {
    expect(toCountryCode('ke')).toBe('KE')
    expect(toCountryCode('XX')).toBeUndefined()
    expect(toCountryCode('')).toBeUndefined()
  })
})
