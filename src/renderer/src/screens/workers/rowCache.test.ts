import { describe, expect, it } from 'vitest'
import { ApiError } from '../../../../shared/api'
import type { WorkerPage } from '../../../../shared/domain'
import { makeWorker } from '../../test/fakeApi'
import { RowWindowCache } from './rowCache'

function source(total: number) {
  const requests: number[] = []
  let fail: ApiError | null = null
  const pending: (() => void)[] = []
  const fetchPage = (offset: number, limit: number): Promise<WorkerPage> => {
    requests.push(offset)
    return new Promise((resolve, reject) => {
      pending.push(() => {
        if (fail) return reject(fail)
        const rows = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) =>
          makeWorker(offset + i)
        )
        resolve({ total, offset, rows })
      })
    })
  }
  return {
    fetchPage,
    requests,
    failWith: (e: ApiError | null) => (fail = e),
    /** Answers every request made so far. */
    flush: async () => {
      while (pending.length) pending.shift()!()
      await new Promise((r) => setTimeout(r, 0))
    }
  }
}

describe('RowWindowCache', () => {
  it('fetches only the pages a range touches, once each', async () => {
    const s = source(100_000)
    const cache = new RowWindowCache(s.fetchPage, 200)
    cache.ensure(0, 0)
    await s.flush()
    expect(cache.total).toBe(100_000)
    cache.ensure(150, 450)
    cache.ensure(150, 450)
    await s.flush()
    expect(s.requests).toEqual([0, 200, 400])
    expect(cache.rowAt(450)?.name).toBe(makeWorker(450).name)
    expect(cache.rowAt(900)).toBeUndefined()
  })

  it('keeps a bounded number of pages, dropping the least recently used', async () => {
    const s = source(100_000)
    const cache = new RowWindowCache(s.fetchPage, 200, 3)
    for (const start of [0, 200, 400]) cache.ensure(start, start)
    await s.flush()
    cache.ensure(0, 0) // page 0 used again: page 1 is now the oldest
    cache.ensure(600, 600)
    await s.flush()
    expect(cache.rowAt(0)).toBeDefined()
    expect(cache.rowAt(200)).toBeUndefined()
    expect(cache.rowAt(600)).toBeDefined()
  })

  it('does not retry a failed page on its own, only after retry()', async () => {
    const s = source(1000)
    const cache = new RowWindowCache(s.fetchPage, 200)
    s.failWith(new ApiError('offline', 'The database is locked'))
    cache.ensure(0, 0)
    await s.flush()
    expect(cache.error?.message).toBe('The database is locked')
    cache.ensure(0, 0)
    expect(s.requests).toEqual([0])
    s.failWith(null)
    cache.retry()
    cache.ensure(0, 0)
    await s.flush()
    expect([cache.error, cache.total]).toEqual([null, 1000])
  })

  it('keeps showing rows after invalidate() while they are fetched again', async () => {
    const s = source(1000)
    const cache = new RowWindowCache(s.fetchPage, 200)
    cache.ensure(0, 0)
    await s.flush()
    cache.invalidate()
    expect(cache.rowAt(5)).toBeDefined()
    cache.ensure(0, 10)
    await s.flush()
    expect(s.requests).toEqual([0, 0])
  })

  it('ignores answers to requests made before an invalidate()', async () => {
    const s = source(1000)
    const cache = new RowWindowCache(s.fetchPage, 200)
    cache.ensure(0, 0)
    cache.invalidate()
    await s.flush()
    expect(cache.total).toBeNull()
  })
})
