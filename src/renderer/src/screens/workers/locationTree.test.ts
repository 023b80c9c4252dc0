import { describe, expect, it } from 'vitest'
import { locationLabel, locationOptions } from './locationTree'

const loc = (id: string, name: string, parentId: string | null) => ({
  id,
  name,
  parentId,
  type: null,
  count: 1
})

describe('locationOptions', () => {
  it('lists every location under its parent, siblings by name', () => {
    const options = locationOptions([
      loc('kib', 'Kibera', 'nbi'),
      loc('ke', 'Kenya', null),
      loc('nbi', 'Nairobi', 'ke'),
      loc('ug', 'Uganda', null),
      loc('emb', 'Embakasi', 'nbi')
    ])
    expect(options.map((o) => [o.name, o.depth])).toEqual([
      ['Kenya', 0],
      ['Nairobi', 1],
      ['Embakasi', 2],
      ['Kibera', 2],
      ['Uganda', 0]
    ])
    expect(locationLabel(options[2]!)).toBe('\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0└ Embakasi')
  })

  it('shows a location whose parent is unknown at the top and survives a parent loop', () => {
    const options = locationOptions([loc('a', 'A', 'b'), loc('b', 'B', 'a'), loc('c', 'C', 'missing')])
    expect(options.map((o) => o.name).sort()).toEqual(['A', 'B', 'C'])
    expect(options.find((o) => o.name === 'C')?.depth).toBe(0)
  })
})
