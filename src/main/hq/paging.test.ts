import { describe, expect, it } from 'vitest'
import { OverlapPass, overlapFor, type PageWindow } from './paging'

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `w${from + i}`)

/** Reads a pass one page at a time against a list that `change` may edit before each read. */
function read(
  pass: OverlapPass,
  list: string[],
  change: (request: number, list: string[]) => void = () => undefined
): number[] {
  const offsets: number[] = []
  for (let offset = pass.next(), n = 1; offset !== undefined; offset = pass.next(), n++) {
    change(n, list)
    offsets.push(offset)
    pass.record(offset, list.slice(offset, offset + pass.limit), list.length)
  }
  return offsets
}

function start(list: string[], limit: number, known?: PageWindow[]): OverlapPass {
  const pass = new OverlapPass(limit, list.length, known ? { known } : {})
  pass.claim(0)
  pass.record(0, list.slice(0, limit), list.length)
  return pass
}

describe('an overlapping read of a list', () => {
  it('overlaps each page with the one before by a few rows, about 1% at HQ’s page size', () => {
    expect(overlapFor(1000)).toBe(10)
    expect(overlapFor(20)).toBe(5)
    expect(overlapFor(2)).toBe(0)
    const list = ids(0, 95)
    const pass = start(list, 20)
    expect(read(pass, list)).toEqual([15, 30, 45, 60, 75])
    expect(pass.result()).toMatchObject({ complete: true, ids: list, refetched: 0, broken: [] })
  })

  it('treats an empty list as one complete page', () => {
    const pass = start([], 20)
    expect(read(pass, [])).toEqual([])
    expect(pass.result()).toMatchObject({ complete: true, ids: [] })
  })

  it('sees a create and a delete that cancel out, and ends with the list as it is now', () => {
    const list = ids(0, 95)
    const pass = start(list, 20)
    read(pass, list, (n, l) => {
      // Before the third read: one worker on an unread page goes, one appears on a read page.
      if (n === 3) {
        l.splice(50, 1)
        l.splice(3, 0, 'new')
      }
    })
    const result = pass.result()
    expect(result.complete).toBe(true)
    expect(result.refetched).toBeGreaterThan(0)
    expect(result.ids).toEqual(list)
  })

  it('reads again only the pages the change reached', () => {
    const list = ids(0, 200)
    const pass = start(list, 20)
    const offsets = read(pass, list, (n, l) => {
      if (n === 8) l.splice(100, 0, 'new')
    })
    expect(pass.result()).toMatchObject({ complete: true, ids: list })
    // Pages before the change's place are not read twice.
    expect(offsets.filter((o) => o < 90).length).toBe(new Set(offsets.filter((o) => o < 90)).size)
  })

  it('plans the pages that appear when the list grows, and ends where the list ends', () => {
    const list = ids(0, 40)
    const pass = start(list, 20)
    read(pass, list, (n, l) => {
      if (n === 1) l.push(...ids(40, 70))
    })
    expect(pass.result()).toMatchObject({ complete: true, ids: list })
  })

  it('says where it stopped when the list keeps changing beyond the re-read budget', () => {
    const list = ids(0, 200)
    const pass = new OverlapPass(20, list.length, { maxRefetches: 3 })
    pass.claim(0)
    pass.record(0, list.slice(0, 20), list.length)
    let added = 0
    read(pass, list, (n, l) => {
      if (n % 2 === 0) l.unshift(`new${added++}`)
    })
    const result = pass.result()
    expect(result.complete).toBe(false)
    expect(result.refetched).toBe(3)
    expect(result.broken.length).toBeGreaterThan(0)
  })

  it('checks pages kept from an earlier read against the pages read now, and re-reads the stale ones', () => {
    const list = ids(0, 95)
    const first = start(list, 20)
    read(first, list)
    const known = first.result().windows
    // Unchanged: only page 0 is read, and the kept pages agree with it.
    const same = start(list, 20, known)
    expect(read(same, list)).toEqual([])
    expect(same.result()).toMatchObject({ complete: true, ids: list })
    // Two workers deleted near the top since: every kept page is read again.
    list.splice(1, 2)
    const moved = start(list, 20, known)
    expect(read(moved, list).sort((a, b) => a - b)).toEqual([15, 30, 45, 60, 75])
    expect(moved.result()).toMatchObject({ complete: true, ids: list })
  })

  it('does not use kept pages cut with another page size', () => {
    const list = ids(0, 60)
    const known: PageWindow[] = [{ offset: 7, ids: list.slice(7, 27), seq: 1 }]
    const pass = start(list, 20, known)
    expect(read(pass, list)).toEqual([15, 30, 45])
  })
})
