import { describe, expect, it } from 'vitest'
import { keysUsedIn, missingIn, namespacesIn } from './scan'
import { englishKeys, localeFolders, namespaceOfFolder, readSource, rendererFiles } from './tree'

/** The namespace of the nearest folder above a file that has catalogues ("common" at the root). */
function folderNamespace(file: string, folders: string[]): string {
  const owners = folders
    .map((f) => f.replace(/\/?locales$/, ''))
    .filter((dir) => dir === '' || file.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length)
  return namespaceOfFolder(owners[0] ? `${owners[0]}/locales` : 'locales')
}

describe('keys the code uses', () => {
  it('are all in the English catalogue of their namespace', () => {
    const folders = localeFolders()
    const catalogues = englishKeys()
    const sources = rendererFiles().filter(
      (f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && !f.startsWith('i18n/') && !f.startsWith('test/')
    )
    const missing = sources.flatMap((file) =>
      missingIn(readSource(file), folderNamespace(file, folders), catalogues).map(
        (use) => `${file}:${use.line} ${use.ns ? `${use.ns}:` : ''}${use.key}`
      )
    )
    expect(missing).toEqual([])
  })
})

describe('the key scan', () => {
  const catalogues = new Map([
    ['common', new Set(['actions.cancel'])],
    ['shell', new Set(['nav.workers', 'waiting_one', 'waiting_other'])],
    ['invite', new Set(['send.title'])]
  ])

  it('finds literal keys in t() calls and Trans, with their namespace when written', () => {
    const source = `const { t } = useTranslation('shell')
      t('nav.workers'); i18n.t("common:actions.cancel", { x }); <Trans i18nKey="send.title" />
      t(\`dynamic.\${x}\`); format('no.key')`
    expect(keysUsedIn(source).map((u) => [u.ns, u.key])).toEqual([
      [null, 'nav.workers'],
      ['common', 'actions.cancel'],
      [null, 'send.title']
    ])
    expect(namespacesIn(source)).toEqual(['shell'])
    expect(namespacesIn(`useTranslation(['invite', 'shell'])`)).toEqual(['invite', 'shell'])
  })

  it('reports a key its namespace lacks, and accepts plurals and the shared strings', () => {
    const source = `const { t } = useTranslation('shell')
      t('nav.workers'); t('waiting', { count }); t('actions.cancel'); t('nav.invite'); t('invite:send.title')`
    expect(missingIn(source, 'shell', catalogues).map((u) => `${u.line}:${u.key}`)).toEqual(['2:nav.invite'])
  })

  it("uses the folder's namespace when the file names none", () => {
    expect(missingIn(`t('send.title'); t('nav.workers')`, 'invite', catalogues).map((u) => u.key)).toEqual([
      'nav.workers'
    ])
  })
})
