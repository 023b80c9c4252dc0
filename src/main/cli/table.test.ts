import { describe, expect, it } from 'vitest'
import { columnWidths, formatTable } from './table'

describe('formatTable', () => {
  it('pads every column but the last to its widest cell, two spaces apart', () => {
    expect(
      formatTable(
        ['Row', 'Status', 'Message'],
        [
          ['2', 'ready', ''],
          ['10', 'error', 'same number as row 2']
        ]
      )
    ).toBe('Row  Status  Message\n2    ready\n10   error   same number as row 2\n')
  })

  it('measures 300,000 rows, more than a call stack holds as arguments', () => {
    const body = Array.from({ length: 300_000 }, (_, i) => [String(i), 'x'])
    expect(columnWidths(['N', 'X'], body)).toEqual([6, 1])
    expect(formatTable(['N', 'X'], body).split('\n')).toHaveLength(300_002)
  })
})
