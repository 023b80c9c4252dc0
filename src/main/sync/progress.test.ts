import { describe, expect, it } from 'vitest'
import type { SyncProgress } from '../../shared/domain'
import { ProgressReporter } from './progress'

function reporter() {
  const events: SyncProgress[] = []
  let now = 0
  const progress = new ProgressReporter(
    { projectId: 'p', runId: 7 },
    (e) => events.push(e),
    () => now
  )
  return { events, progress, advance: (ms: number) => (now += ms) }
}

describe('ProgressReporter', () => {
  it('sends at most one event per 100 ms within a phase', () => {
    const { events, progress, advance } = reporter()
    progress.update('active', 0, 10_000)
    for (let i = 1; i <= 100; i++) {
      advance(10)
      progress.update('active', i * 50, 10_000)
    }
    // 1 s of updates every 10 ms: the first event and about ten more.
    expect(events.length).toBeGreaterThanOrEqual(10)
    expect(events.length).toBeLessThanOrEqual(12)
  })

  it('always sends a phase change and a forced update', () => {
    const { events, progress } = reporter()
    progress.update('groups', 0, null)
    progress.update('groups', 12, 12, true)
    progress.update('locations', 0, null)
    expect(events.map((e) => [e.phase, e.done, e.total])).toEqual([
      ['groups', 0, null],
      ['groups', 12, 12],
      ['locations', 0, null]
    ])
    expect(events[0]).toMatchObject({ projectId: 'p', runId: 7 })
  })

  it('reports the recent rate and the time left', () => {
    const { events, progress, advance } = reporter()
    progress.update('active', 0, 10_000)
    for (let i = 1; i <= 10; i++) {
      advance(500)
      progress.update('active', i * 500, 10_000)
    }
    const last = events[events.length - 1]!
    expect(last.ratePerSec).toBe(1000)
    expect(last.etaSeconds).toBe(5)
  })

  it('never reports more done than the total', () => {
    const { events, progress } = reporter()
    progress.update('archived', 120, 100, true)
    expect(events[0]!.done).toBe(100)
  })
})
