import { describe, expect, it } from 'vitest'
import { catalogueOf, flatKeys, resourcesFrom, type Catalogue } from './catalogues'
import { LANGUAGES } from './languages'
import { localeFolders, namespaceOfFolder, readCatalogue, rendererFiles } from './tree'

const PLURAL = /_(zero|one|two|few|many|other)$/
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w.]+)/g)].map((m) => m[1]!)

/** What is wrong with a folder's catalogues: keys one language has and another lacks, etc. */
function problems(byLanguage: Record<string, Catalogue>): string[] {
  const found: string[] = []
  const english = byLanguage.en ? flatKeys(byLanguage.en) : []
  const englishSet = new Set(english)
  const value = (cat: Catalogue, key: string) =>
    key.split('.').reduce<unknown>((node, part) => (node as Catalogue | undefined)?.[part], cat)
  for (const lng of LANGUAGES) {
    const cat = byLanguage[lng]
    if (!cat) {
      found.push(`${lng}.json is missing`)
      continue
    }
    const keys = flatKeys(cat)
    for (const key of keys) if (!englishSet.has(key)) found.push(`${lng} has "${key}", English lacks it`)
    for (const key of english) if (!keys.includes(key)) found.push(`${lng} lacks "${key}"`)
    for (const key of keys) {
      const text = value(cat, key)
      if (typeof text !== 'string' || text.trim() === '') {
        found.push(`${lng} "${key}" is empty`)
        continue
      }
      // A translation may only name values the English of the same string (any plural form) names.
      const base = key.replace(PLURAL, '')
      const allowed = new Set(['count'])
      for (const en of english.filter((k) => k.replace(PLURAL, '') === base)) {
        for (const name of placeholders(String(value(byLanguage.en!, en)))) allowed.add(name)
      }
      for (const name of placeholders(text)) {
        if (!allowed.has(name)) found.push(`${lng} "${key}" uses {{${name}}}, which English never passes`)
      }
    }
  }
  return found
}

describe('the catalogues', () => {
  const folders = localeFolders()

  it('exist for the shared strings and for every screen that has strings', () => {
    expect(folders).toContain('locales')
  })

  it.each(folders)('%s has English, French and Spanish with exactly the same keys', (folder) => {
    const files = rendererFiles().filter((f) => f.startsWith(`${folder}/`))
    const byLanguage: Record<string, Catalogue> = {}
    for (const file of files) {
      const lng = file.slice(folder.length + 1).replace(/\.json$/, '')
      expect(LANGUAGES as readonly string[], `${file} is not a language Roster ships`).toContain(lng)
      byLanguage[lng] = readCatalogue(file)
    }
    expect(problems(byLanguage)).toEqual([])
  })

  it('give every folder its own namespace', () => {
    const names = folders.map(namespaceOfFolder)
    expect(new Set(names).size).toBe(names.length)
  })
})

describe('the catalogue check', () => {
  it('fails a catalogue that has a key English lacks, and one that lacks an English key', () => {
    expect(
      problems({
        en: { title: 'Workers', count_one: '{{count}} worker', count_other: '{{count}} workers' },
        fr: {
          title: 'Agents',
          extra: 'Encore',
          count_one: '{{count}} agent',
          count_other: '{{count}} agents'
        },
        es: { count_one: '{{count}} trabajador', count_other: '{{count}} trabajadores' }
      })
    ).toEqual(['fr has "extra", English lacks it', 'es lacks "title"'])
  })

  it('fails a missing language and a placeholder English never passes', () => {
    expect(problems({ en: { hello: 'Hello {{name}}' }, fr: { hello: 'Bonjour {{nom}}' } })).toEqual([
      'fr "hello" uses {{nom}}, which English never passes',
      'es.json is missing'
    ])
  })
})

describe('catalogue files', () => {
  it('become namespaces named after their folder, the root being "common"', () => {
    expect(catalogueOf('../screens/invite/locales/fr.json')).toEqual({ ns: 'invite', lng: 'fr' })
    expect(catalogueOf('../shell/locales/es.json')).toEqual({ ns: 'shell', lng: 'es' })
    expect(catalogueOf('../locales/en.json')).toEqual({ ns: 'common', lng: 'en' })
    expect(catalogueOf('../locales/de.json')).toBeNull()
    const resources = resourcesFrom({
      '../locales/en.json': { default: { ok: 'OK' } },
      '../shell/locales/fr.json': { default: { nav: { workers: 'Agents' } } }
    })
    expect(resources.en.common).toEqual({ ok: 'OK' })
    expect(resources.fr.shell).toEqual({ nav: { workers: 'Agents' } })
    expect(flatKeys({ nav: { workers: 'Agents' }, ok: 'OK' })).toEqual(['nav.workers', 'ok'])
  })
})
