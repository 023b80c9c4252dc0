import { describe, expect, it } from 'vitest'
import { applyLeniency, isAllDigits } from './leniency'
import { pythonFormat } from './pyformat'
import { Bundle, determineFormat, pythonJson, toXml, XmlSerializationError } from './serialize'

describe("HQ's phone number leniency", () => {
  it('drops spaces, brackets, dashes and dots, then one leading plus', () => {
    expect(applyLeniency(' +254 (712) 345-678.9 ')).toBe('2547123456789')
    expect(applyLeniency('++221771234567')).toBe('+221771234567')
    expect(applyLeniency('\u00a0+91\u00a098765 43210')).toBe('919876543210')
  })

  it('counts any Unicode decimal digit as a digit, as Python re does', () => {
    expect(isAllDigits('254712345678')).toBe(true)
    expect(isAllDigits('९१९८७६५४३२१०')).toBe(true)
    expect(isAllDigits('')).toBe(false)
    expect(isAllDigits('2547l2345678')).toBe(false)
  })
})

describe("Python's str.format with the registration link", () => {
  it('fills {} and {0}, and keeps doubled braces', () => {
    expect(pythonFormat('Register: {}', 'URL')).toEqual({ ok: true, text: 'Register: URL' })
    expect(pythonFormat('{0} and again {0}', 'U')).toEqual({ ok: true, text: 'U and again U' })
    expect(pythonFormat('{{literal}} {}', 'U')).toEqual({ ok: true, text: '{literal} U' })
    expect(pythonFormat('No placeholder', 'U')).toEqual({ ok: true, text: 'No placeholder' })
  })

  it('fails where Python raises', () => {
    for (const template of ['{name}', '{} {}', '{} {0}', 'Lone { brace', 'Lone } brace', '{1}', '{!x}']) {
      expect(pythonFormat(template, 'U').ok, template).toBe(false)
    }
  })
})

describe('tastypie serialisation', () => {
  it('writes JSON with sorted keys and Python separators, keeping non-ASCII text', () => {
    expect(pythonJson({ b: [1, null], a: 'Ødegård' })).toBe('{"a": "Ødegård", "b": [1, null]}')
    expect(pythonJson({ b: 1, a: 2 }, false)).toBe('{"b": 1, "a": 2}')
  })

  it('writes XML with typed elements, sorted children and the id lifted to an attribute', () => {
    const xml = toXml({
      objects: [new Bundle({ name: 'A & B', id: 'x1', ok: true, n: 2, none: null, tags: [] })]
    })
    expect(xml).toBe(
      '<?xml version=\'1.0\' encoding=\'utf-8\'?>\n<response><objects type="list"><object id="x1">' +
        '<n type="integer">2</n><name>A &amp; B</name><none type="null"/><ok type="boolean">True</ok>' +
        '<tags type="list"/></object></objects></response>'
    )
  })

  it('refuses names and characters XML cannot hold', () => {
    expect(() => toXml({ 'two words': 'x' })).toThrow(XmlSerializationError)
    expect(() => toXml({ '9lives': 'x' })).toThrow(XmlSerializationError)
    expect(() => toXml({ note: 'bell \u0007' })).toThrow(XmlSerializationError)
  })

  it('picks the format from ?format=, then Accept, defaulting to JSON', () => {
    const q = (s: string) => new URLSearchParams(s)
    expect(determineFormat(q('format=xml'), 'application/json')).toBe('xml')
    expect(determineFormat(q(''), 'application/xml')).toBe('xml')
    expect(determineFormat(q(''), 'application/json, application/xml')).toBe('json')
    expect(determineFormat(q(''), 'text/html')).toBe('json')
    expect(determineFormat(q('format=csv'), undefined)).toBe('json')
  })
})
