/** The languages Roster ships, and how the system's preference picks one. Pure: no i18next here. */
export const LANGUAGES = ['en', 'fr', 'es'] as const
export type Language = (typeof LANGUAGES)[number]

/** Each language named in itself, so a coordinator finds theirs whatever the screen shows now. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: 'English',
  fr: 'Français',
  es: 'Español'
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)
}

/**
 * The first of the system's languages that Roster speaks ("fr-SN" -> fr, "es-419" -> es),
 * else English: a Haitian laptop set to "ht, fr" opens in French.
 */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split(/[-_]/)[0]
    if (isLanguage(base)) return base
  }
  return 'en'
}
