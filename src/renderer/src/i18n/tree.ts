/** Test-only: the renderer's catalogue folders and source files, read from disk. */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { catalogueOf, flatKeys, type Catalogue } from './catalogues'

export const RENDERER_SRC = join(__dirname, '..')

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}

export const rendererFiles = (): string[] => walk(RENDERER_SRC).map((p) => relative(RENDERER_SRC, p))

/** Every `locales` folder under the renderer, relative to src/renderer/src. */
export function localeFolders(): string[] {
  const folders = new Set<string>()
  for (const file of rendererFiles()) {
    const parts = file.split(/[\\/]/)
    const at = parts.lastIndexOf('locales')
    if (at >= 0) folders.add(parts.slice(0, at + 1).join('/'))
  }
  return [...folders].sort()
}

export function readCatalogue(path: string): Catalogue {
  return JSON.parse(readFileSync(join(RENDERER_SRC, path), 'utf8')) as Catalogue
}

/** The namespace of a folder's catalogues, e.g. "screens/invite/locales" -> "invite". */
export function namespaceOfFolder(folder: string): string {
  return catalogueOf(`${folder}/en.json`)!.ns
}

/** English keys per namespace. */
export function englishKeys(): Map<string, Set<string>> {
  return new Map(
    localeFolders().map((folder) => [
      namespaceOfFolder(folder),
      new Set(flatKeys(readCatalogue(`${folder}/en.json`)))
    ])
  )
}

export const readSource = (file: string): string => readFileSync(join(RENDERER_SRC, file), 'utf8')
