/**
 * How catalogue files become i18next resources: each folder's `locales/<lng>.json` is one
 * namespace named after the folder (`screens/invite/locales/fr.json` -> "invite"), and the
 * renderer's own `src/locales/` is "common".
 */
import { LANGUAGES, isLanguage, type Language } from './languages'

export const COMMON_NS = 'common'

export type Catalogue = { [key: string]: string | Catalogue }
export type Resources = Record<Language, Record<string, Catalogue>>

/** "../screens/invite/locales/fr.json" -> { ns: "invite", lng: "fr" }; null for anything else. */
export function catalogueOf(path: string): { ns: string; lng: Language } | null {
  const match = /(?:^|\/)(?:([^/]+)\/)?locales\/([^/]+)\.json$/.exec(path)
  if (!match) return null
  const [, folder, lng] = match
  if (!isLanguage(lng)) return null
  // The renderer's root folder (src/) holds the shared strings.
  const ns = !folder || folder === 'src' || folder === '..' || folder === '.' ? COMMON_NS : folder
  return { ns, lng }
}

/** Builds i18next's resources from `import.meta.glob(..., { eager: true })` modules. */
export function resourcesFrom(modules: Record<string, unknown>): Resources {
  const resources = Object.fromEntries(LANGUAGES.map((lng) => [lng, {}])) as Resources
  for (const [path, mod] of Object.entries(modules)) {
    const where = catalogueOf(path)
    if (!where) continue
    const data = (mod as { default?: unknown }).default ?? mod
    resources[where.lng][where.ns] = data as Catalogue
  }
  return resources
}

/** { a: { b: "x" } } -> ["a.b"]: the keys as code writes them. */
export function flatKeys(catalogue: Catalogue, prefix = ''): string[] {
  return Object.entries(catalogue).flatMap(([key, value]) =>
    typeof value === 'string' ? [prefix + key] : flatKeys(value, `${prefix}${key}.`)
  )
}
