import { describe, expect, it } from 'vitest'
import { PagePass, pageOffsets, rowsAt, usableSkips } from './paging'

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `w${from + i}`)

function drain(pass: PagePass): number[] {
  const out: number[] = []
  for (let o = pass.next(); o !== undefined; o = pass.next()) out.push(o)
  return out
}

describe('pageOffsets and rowsAt', () => {
  it('plans one page per limit rows, and one page for an empty list', () => {
    expect(pageOffsets(2500, 1000)).toEqual([0, 1000, 2000])
    expect(pageOffsets(2000, 1000)).toEqual([0, 1000])
    expect(pageOffsets(0, 1000)).toEqual([0])
  })

  it('counts the rows a page holds, the last one partial', () => {
    expect(rowsAt(2000, 1000, 2500)).toBe(500)
    expect(rowsAt(1000, 1000, 2500)).toBe(1000)
    expect(rowsAt(3000, 1000, 2500)).toBe(0)
  })
})

describe('usableSkips', () => {
  it('never skips page 0, which carries total_count', () => {
    expect([...usableSkips(new Set([0, 100, 200]), 100)]).toEqual([100, 200])
  })

  it('skips nothing when the stored pages were cut with another page size', () => {
    expect(usableSkips(new Set([100, 150]), 100).size).toBe(0)
    expect(usableSkips(new Set([1000]), 300).size).toBe(0)
  })

  it('skips nothing when there is nothing to skip', () => {
    expect(usableSkips(undefined, 100).size).toBe(0)
  })
})

describe('PagePass', () => {
  it('is complete when every page agrees on the total and the distinct ids add up to it', () => {
    const pass = new PagePass(100, 250)
    expect(drain(pass)).toEqual([0, 100, 200])
    pass.record({ offset: 0, limit: 100, totalCount: 250, ids: ids(0, 100) })
    pass.record({ offset: 200, limit: 100, totalCount: 250, ids: ids(200, 250) })
    pass.record({ offset: 100, limit: 100, totalCount: 250, ids: ids(100, 200) })
    expect(pass.result()).toMatchObject({ complete: true, totalCount: 250, distinctIds: 250 })
  })

  it('is not complete when a worker repeats at a page boundary and another is missed', () => {
    const pass = new PagePass(100, 200)
    pass.record({ offset: 0, limit: 100, totalCount: 200, ids: ids(0, 100) })
    pass.record({ offset: 100, limit: 100, totalCount: 200, ids: ids(99, 199) })
    expect(pass.result()).toMatchObject({ complete: false, distinctIds: 199 })
  })

  it('is not complete when the total changed during the pass, even if the count adds up', () => {
    // w0 removed between the pages: w100 shifted onto page 0 and was never seen.
    const pass = new PagePass(100, 200)
    pass.record({ offset: 0, limit: 100, totalCount: 200, ids: ids(0, 100) })
    pass.record({ offset: 100, limit: 100, totalCount: 199, ids: ids(101, 200) })
    expect(pass.result()).toMatchObject({ complete: false, totalCount: 199, distinctIds: 199 })
  })

  it('plans the pages that appear when the list grows during the pass', () => {
    const pass = new PagePass(100, 200)
    expect(drain(pass)).toEqual([0, 100])
    pass.record({ offset: 100, limit: 100, totalCount: 230, ids: ids(100, 200) })
    expect(drain(pass)).toEqual([200])
  })

  it('is not complete when HQ changed its page size', () => {
    const pass = new PagePass(100, 150)
    pass.record({ offset: 0, limit: 100, totalCount: 150, ids: ids(0, 100) })
    pass.record({ offset: 100, limit: 50, totalCount: 150, ids: ids(100, 150) })
    expect(pass.result()).toMatchObject({ complete: false, limit: 50 })
  })

  it('counts the rows of skipped pages toward the total without fetching them', () => {
    const pass = new PagePass(100, 250, new Set([100, 200]))
    pass.claim(0)
    expect(drain(pass)).toEqual([])
    pass.record({ offset: 0, limit: 100, totalCount: 250, ids: ids(0, 100) })
    expect(pass.result()).toMatchObject({ complete: true, distinctIds: 100, skippedRows: 150 })
  })

  it('does not hand out a claimed offset again', () => {
    const pass = new PagePass(100, 300)
    pass.claim(0)
    expect(drain(pass)).toEqual([100, 200])
  })

  it('treats an empty list as one complete page', () => {
    const pass = new PagePass(1000, 0)
    expect(drain(pass)).toEqual([0])
    pass.record({ offset: 0, limit: 1000, totalCount: 0, ids: [] })
    expect(pass.result().complete).toBe(true)
  })
})
