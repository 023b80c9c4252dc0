/**
 * A static look at the code: which literal keys each source file asks for, in which namespaces.
 * Only literal keys (`t('send.title')`, `i18nKey="send.title"`) can be checked this way; keys
 * built at run time are caught when a jsdom test renders them (see test/setup.ts).
 */
import { COMMON_NS } from './catalogues'

export type KeyUse = { key: string; ns: string | null; line: number }

const CALL = /(?<![\w$])t\(\s*(['"])((?:(?!\1)[^\\\n])+)\1/g
const TRANS = /\bi18nKey=(?:\{\s*)?(['"])((?:(?!\1)[^\\\n])+)\1/g
const HOOK = /\buseTranslation\(\s*(\[[^\]]*\]|'[^']*'|"[^"]*")/g
const FIXED = /\bgetFixedT\(\s*[^,)]+,\s*(['"])([^'"]+)\1/g

/** Every literal key in a file, with the namespace written in it ("shell:title") if any. */
export function keysUsedIn(source: string): KeyUse[] {
  const uses: KeyUse[] = []
  for (const pattern of [CALL, TRANS]) {
    for (const match of source.matchAll(pattern)) {
      const written = match[2]!
      const line = source.slice(0, match.index).split('\n').length
      const colon = written.indexOf(':')
      uses.push(
        colon > 0
          ? { ns: written.slice(0, colon), key: written.slice(colon + 1), line }
          : { ns: null, key: written, line }
      )
    }
  }
  return uses
}

/** The namespaces a file asks for with useTranslation(…) or getFixedT(…, ns). */
export function namespacesIn(source: string): string[] {
  const found = new Set<string>()
  for (const match of source.matchAll(HOOK)) {
    for (const name of match[1]!.matchAll(/['"]([^'"]+)['"]/g)) found.add(name[1]!)
  }
  for (const match of source.matchAll(FIXED)) found.add(match[2]!)
  return [...found]
}

/** Whether a catalogue's flat keys answer `key` (directly or as a plural: key_one/key_other). */
export function hasKey(keys: ReadonlySet<string>, key: string): boolean {
  return keys.has(key) || keys.has(`${key}_other`)
}

/**
 * The keys a file uses that none of its namespaces has. A key without a namespace is looked up
 * in the namespaces the file names (else its folder's), then in "common", as i18next does.
 */
export function missingIn(
  source: string,
  folderNs: string,
  catalogues: ReadonlyMap<string, ReadonlySet<string>>
): KeyUse[] {
  const named = namespacesIn(source)
  const defaults = [...(named.length ? named : [folderNs]), COMMON_NS]
  return keysUsedIn(source).filter((use) => {
    const where = use.ns ? [use.ns] : defaults
    return !where.some((ns) => {
      const keys = catalogues.get(ns)
      return keys !== undefined && hasKey(keys, use.key)
    })
  })
}
