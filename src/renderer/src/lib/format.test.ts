import { describe, expect, it } from 'vitest'
import { setTestLanguage } from '../i18n/testing'
import { formatCount, formatDuration, formatEta, formatPhone, formatWhen, plural } from './format'

describe('format', () => {
  it('says how long a sync took in words a coordinator reads at a glance', () => {
    expect(formatDuration(400)).toBe('under 1 s')
    expect(formatDuration(12_000)).toBe('12 s')
    expect(formatDuration(64_000)).toBe('1 min 4 s')
    expect(formatDuration(120_000)).toBe('2 min')
    expect(formatDuration(3_720_000)).toBe('1 h 2 min')
  })

  it('names today and yesterday instead of a date', () => {
    const now = new Date(2025, 2, 3, 15, 0)
    expect(formatWhen(new Date(2025, 2, 3, 9, 5).toISOString(), now)).toBe('today 09:05')
    expect(formatWhen(new Date(2025, 2, 2, 18, 30).toISOString(), now)).toBe('yesterday 18:30')
    expect(formatWhen(new Date(2025, 0, 14, 8, 0).toISOString(), now)).toBe('14 Jan 08:00')
    expect(formatWhen(new Date(2024, 11, 31, 8, 0).toISOString(), now)).toBe('31 Dec 2024 08:00')
  })

  it('groups the digits of an E.164 number and leaves an unreadable one as HQ had it', () => {
    expect(formatPhone('+254712345678')).toBe('+254 712 345678')
    expect(formatPhone('+15417543010')).toBe('+1 541 754 3010')
    expect(formatPhone('0712 345')).toBe('0712 345')
  })

  it('rounds the time left of a sync', () => {
    expect(formatEta(3)).toBe('a few seconds left')
    expect(formatEta(42)).toBe('about 40 s left')
    expect(formatEta(130)).toBe('about 2 min left')
  })

  it('counts with thousands separators and the right noun', () => {
    expect(plural(1, 'worker')).toBe('1 worker')
    expect(plural(100_000, 'worker')).toBe('100,000 workers')
  })

  it('writes dates, durations and counts as French and Spanish readers expect', () => {
    const now = new Date(2025, 2, 3, 15, 0)
    setTestLanguage('fr')
    expect(formatWhen(new Date(2025, 2, 3, 9, 5).toISOString(), now)).toBe('aujourd’hui 09:05')
    expect(formatWhen(new Date(2025, 0, 14, 8, 0).toISOString(), now)).toBe('14 janv. 08:00')
    expect(formatWhen(new Date(2024, 11, 31, 8, 0).toISOString(), now)).toBe('31 déc. 2024 08:00')
    expect(formatDuration(400)).toBe('moins d’1 s')
    expect(formatEta(130)).toBe('encore 2 min environ')
    expect(formatCount(100_000)).toBe('100\u202f000')
    setTestLanguage('es')
    expect(formatWhen(new Date(2025, 2, 2, 18, 30).toISOString(), now)).toBe('ayer 18:30')
    expect(formatWhen(new Date(2025, 0, 14, 8, 0).toISOString(), now)).toBe('14 ene 08:00')
    expect(formatCount(100_000)).toBe('100.000')
  })
})
