import { beforeEach, describe, expect, it, vi } from 'vitest'

// jschardet is large; the main bundle imports the text readers, so they must not pull it in.
describe('loading the encoding detector', () => {
  let loaded = false

  beforeEach(() => {
    vi.resetModules()
    loaded = false
    vi.doMock('jschardet', async (original) => {
      loaded = true
      return original()
    })
    return () => vi.doUnmock('jschardet')
  })

  it('reads pasted cells, decoded text and chosen encodings without loading it', async () => {
    const { parsePaste } = await import('./paste')
    const { parseDelimitedText } = await import('./delimitedText')
    const { decodeBytes } = await import('./bytes')
    expect(parsePaste('Name\tPhone\nAmina\t0712 345 678\n').rows).toEqual([['Amina', '0712 345 678']])
    expect(parseDelimitedText('Name;Phone\nAmina;0712 345 678\n').delimiter).toBe(';')
    expect(decodeBytes(Uint8Array.from([0x41, 0xe9]), 'windows-1252')).toBe('Aé')
    expect(loaded).toBe(false)
  })

  it('loads it to read a file whose encoding is not known', async () => {
    const { parseDelimited } = await import('./delimited')
    expect(loaded).toBe(true)
    expect(parseDelimited(Uint8Array.from([0x41, 0xe9, 0x0a])).encoding).toBe('windows-1252')
  })
})
