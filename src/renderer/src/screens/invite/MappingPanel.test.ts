import { describe, expect, it } from 'vitest'
import type { ColumnMapping } from '../../../../shared/import/mapping'
import { keyProblem } from './MappingPanel'

const mapping = (keys: string[]): ColumnMapping => ({
  phone: 0,
  fields: keys.map((key, i) => ({ index: i + 1, header: key, key, skip: false }))
})

describe('the column name check', () => {
  it('accepts a name HQ takes, keeping its case', () => {
    expect(keyProblem(mapping(['District']), 1)).toBeNull()
  })

  it('refuses a name HQ keeps for its own data and suggests another', () => {
    expect(keyProblem(mapping(['name']), 1)).toMatch(/^CommCare HQ uses "name".*worker_name/)
  })

  it('refuses a name with characters HQ does not take', () => {
    expect(keyProblem(mapping(['Région sanitaire']), 1)).toMatch(/letters/)
  })

  it('refuses two columns sent under the same name', () => {
    expect(keyProblem(mapping(['village', 'village']), 2)).toBe('Another column has this name.')
  })
})
