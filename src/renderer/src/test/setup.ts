import { configure } from '@testing-library/react'
import { afterEach, beforeEach, expect } from 'vitest'
import { i18n } from '../i18n'

// The jsdom tests run beside the node and browser projects on two cores: give a slow run time to
// finish rather than failing it (a wrong result still fails, only later).
configure({ asyncUtilTimeout: 15_000 })

// A key the code asks for and no catalogue has fails the test that rendered it (i18next would
// otherwise show the key itself and carry on).
const missing: string[] = []
i18n.options.saveMissing = true
i18n.options.missingKeyHandler = (lngs, ns, key) => {
  missing.push(`${ns}:${key} (${[lngs].flat().join(', ')})`)
}

beforeEach(async () => {
  missing.length = 0
  // Tests read English unless they ask otherwise (renderIn): existing assertions stay valid.
  if (i18n.language !== 'en') await i18n.changeLanguage('en')
})

afterEach(() => {
  const found = missing.splice(0)
  expect(found, 'keys used by the code but missing from the catalogues').toEqual([])
})
