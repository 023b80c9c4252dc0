import { screen } from '@testing-library/react'
import { useTranslation } from 'react-i18next'
import { describe, expect, it } from 'vitest'
import { prefs } from '../lib/storage'
import { chooseLanguage, currentLanguage, i18n } from '.'
import { pickLanguage } from './languages'
import { renderIn, switchTo } from './testing'

describe('the language', () => {
  it("follows the system's first language Roster speaks, else English", () => {
    expect(pickLanguage(['fr-SN', 'en-US'])).toBe('fr')
    expect(pickLanguage(['ht', 'fr'])).toBe('fr')
    expect(pickLanguage(['es-419'])).toBe('es')
    expect(pickLanguage(['sw-KE', 'de'])).toBe('en')
    expect(pickLanguage([])).toBe('en')
  })

  it('is English in jsdom tests unless a test asks for another', () => {
    expect(currentLanguage()).toBe('en')
    expect(document.documentElement.lang).toBe('en')
  })

  it('chosen in the app is remembered and sets <html lang>', async () => {
    await chooseLanguage('es')
    expect(prefs.language()).toBe('es')
    expect(document.documentElement.lang).toBe('es')
    prefs.setLanguage(null)
  })
})

function Probe({ count }: { count: number }) {
  const { t } = useTranslation()
  return <p>{t('test.workers', { count })}</p>
}

describe('plurals and numbers', () => {
  // A throwaway catalogue: the real ones are checked by catalogues.test.ts.
  const add = (lng: string, one: string, other: string) =>
    i18n.addResourceBundle(lng, 'common', { test: { workers_one: one, workers_other: other } }, true, true)
  add('en', '{{count, number}} worker', '{{count, number}} workers')
  add('fr', '{{count, number}} agent', '{{count, number}} agents')
  add('es', '{{count, number}} trabajador', '{{count, number}} trabajadores')

  it('use the language’s own rules: French says "0 agent", numbers are grouped per locale', async () => {
    const { rerender, container } = renderIn('fr', <Probe count={0} />)
    expect(screen.getByText('0 agent')).toBeTruthy()
    rerender(<Probe count={2345} />)
    // French groups thousands with a narrow no-break space.
    expect(container.textContent).toBe('2\u202f345 agents')
    await switchTo('es')
    expect(screen.getByText('2345 trabajadores')).toBeTruthy()
    await switchTo('en')
    expect(screen.getByText('2,345 workers')).toBeTruthy()
    rerender(<Probe count={0} />)
    expect(screen.getByText('0 workers')).toBeTruthy()
  })
})

describe('the language asked for in the page address', () => {
  it('reads lang from the address hash next to the token, and ignores what it does not know', async () => {
    const { languageFromHash } = await import('./index')
    expect(languageFromHash('#token=abc&lang=fr')).toBe('fr')
    expect(languageFromHash('#lang=es')).toBe('es')
    expect(languageFromHash('#token=abc&lang=de')).toBeNull()
    expect(languageFromHash('')).toBeNull()
  })
})
