/**
 * The renderer's one i18next instance. Catalogues are bundled (no loading at run time), so it is
 * ready as soon as this module is imported: jsdom tests and the app alike.
 */
import i18next, { type i18n as I18n } from 'i18next'
import { initReactI18next, useTranslation } from 'react-i18next'
import { prefs } from '../lib/storage'
import { COMMON_NS, resourcesFrom } from './catalogues'
import { LANGUAGES, isLanguage, pickLanguage, type Language } from './languages'

export { LANGUAGES, LANGUAGE_NAMES, type Language } from './languages'

const resources = resourcesFrom(import.meta.glob('../**/locales/*.json', { eager: true }))

/** `#…&lang=fr` in the page address (`npm run demo:web -- --lang fr`) wins for that page. */
export function languageFromHash(hash: string): Language | null {
  const lng = new URLSearchParams(hash.replace(/^#/, '')).get('lang')
  return isLanguage(lng) ? lng : null
}

function startLanguage(): Language {
  const asked = languageFromHash(globalThis.location?.hash ?? '')
  if (asked) return asked
  const chosen = prefs.language()
  if (isLanguage(chosen)) return chosen
  const nav = globalThis.navigator
  return pickLanguage(nav?.languages?.length ? nav.languages : [nav?.language ?? 'en'])
}

export const i18n: I18n = i18next.createInstance()

void i18n.use(initReactI18next).init({
  resources,
  lng: startLanguage(),
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  ns: Object.keys(resources.en),
  defaultNS: COMMON_NS,
  // A screen's namespace falls back to the shared strings (Cancel, Close…).
  fallbackNS: COMMON_NS,
  initAsync: false,
  returnNull: false,
  // React escapes what it renders.
  interpolation: { escapeValue: false },
  react: { useSuspense: false }
})

function followDocument(lng: string): void {
  if (globalThis.document) globalThis.document.documentElement.lang = lng
}
followDocument(i18n.language)
i18n.on('languageChanged', followDocument)

/** The language the screen shows now. */
export function currentLanguage(): Language {
  const lng = i18n.resolvedLanguage ?? i18n.language
  return isLanguage(lng) ? lng : 'en'
}

/** The coordinator's choice from the language menu: shown at once and remembered. */
export function chooseLanguage(lng: Language): Promise<unknown> {
  prefs.setLanguage(lng)
  return i18n.changeLanguage(lng)
}

/** The current language, re-rendering the caller when it changes. */
export function useLanguage(): Language {
  const { i18n: instance } = useTranslation()
  const lng = instance.resolvedLanguage ?? instance.language
  return isLanguage(lng) ? lng : 'en'
}
