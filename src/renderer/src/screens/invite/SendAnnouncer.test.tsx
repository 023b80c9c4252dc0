import { act, cleanup, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { emptyCounts } from '../../../../shared/batchCounts'
import { makeBatch } from '../../test/fakeApi'
import { SendAnnouncer } from './SendPanel'

afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

const region = () => screen.getByRole('status')
const progress = (queued: number) => ({
  kind: 'sending' as const,
  batchId: 4,
  progress: { batchId: 4, state: 'sending' as const, total: 100, counts: { ...emptyCounts(), queued } }
})

describe('SendAnnouncer, the live region of a send', () => {
  it('is on the page and silent before anything is sent, then says each phase', async () => {
    vi.useFakeTimers()
    const { rerender } = render(<SendAnnouncer phase={{ kind: 'idle' }} />)
    expect(region().getAttribute('aria-live')).toBe('polite')
    expect(region().textContent).toBe('')

    rerender(<SendAnnouncer phase={{ kind: 'creating' }} />)
    await act(() => vi.advanceTimersByTimeAsync(0))
    expect(region().textContent).toBe('Saving the batch…')

    rerender(<SendAnnouncer phase={progress(100)} />)
    await act(() => vi.advanceTimersByTimeAsync(0))
    expect(region().textContent).toBe('Sending batch 4… 0 of 100 answered by HQ')

    const summary = makeBatch(4, { state: 'done', error: null, counts: { ...emptyCounts(), success: 98 } })
    rerender(<SendAnnouncer phase={{ kind: 'finished', batchId: 4, summary }} />)
    await act(() => vi.advanceTimersByTimeAsync(0))
    expect(region().textContent).toBe('Batch 4: sent. Invited: 98.')
  })

  it('speaks progress at most every five seconds, and the end at once', async () => {
    vi.useFakeTimers()
    const { rerender } = render(<SendAnnouncer phase={progress(100)} />)
    await act(() => vi.advanceTimersByTimeAsync(0))
    expect(region().textContent).toBe('Sending batch 4… 0 of 100 answered by HQ')
    for (const queued of [90, 80, 70]) {
      rerender(<SendAnnouncer phase={progress(queued)} />)
      await act(() => vi.advanceTimersByTimeAsync(1000))
    }
    // Three answers in three seconds: still the first sentence.
    expect(region().textContent).toBe('Sending batch 4… 0 of 100 answered by HQ')
    await act(() => vi.advanceTimersByTimeAsync(2000))
    expect(region().textContent).toBe('Sending batch 4… 30 of 100 answered by HQ')

    const summary = makeBatch(4, { state: 'done', error: null, counts: { ...emptyCounts(), success: 100 } })
    rerender(<SendAnnouncer phase={{ kind: 'finished', batchId: 4, summary }} />)
    await act(() => vi.advanceTimersByTimeAsync(0))
    expect(region().textContent).toBe('Batch 4: sent. Invited: 100.')
  })
})
