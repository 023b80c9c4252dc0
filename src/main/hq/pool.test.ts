import { describe, expect, it } from 'vitest'
import { AimdController } from './aimd'
import { runAdaptive } from './pool'

function source(items: number[]) {
  const queue = [...items]
  return { next: () => queue.shift() }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1))

describe('runAdaptive', () => {
  it('never has more tasks in flight than the controller allows, and follows it as it grows', async () => {
    const aimd = new AimdController({ initial: 2, max: 4, successRun: 1 })
    let active = 0
    const peaks: number[] = []
    await runAdaptive(source([...Array(20).keys()]), aimd, async () => {
      active += 1
      peaks.push(active)
      await tick()
      active -= 1
      aimd.onSuccess()
    })
    expect(Math.max(...peaks)).toBe(4)
    expect(peaks[0]).toBe(1)
    expect(peaks[1]).toBe(2)
  })

  it('halves what it starts after a rate limit', async () => {
    const aimd = new AimdController({ initial: 4, max: 4, successRun: 1000 })
    let active = 0
    const peaksAfter: number[] = []
    let limited = false
    await runAdaptive(source([...Array(12).keys()]), aimd, async (task) => {
      active += 1
      if (limited) peaksAfter.push(active)
      await tick()
      if (task === 0) {
        aimd.onRateLimited()
        limited = true
      }
      active -= 1
    })
    expect(aimd.limit).toBe(2)
    expect(Math.max(...peaksAfter.slice(4))).toBeLessThanOrEqual(2)
  })

  it('cancels the other tasks on the first failure and rejects only after they settled', async () => {
    const aimd = new AimdController({ initial: 3 })
    const settled: number[] = []
    const started: number[] = []
    const run = runAdaptive(source([0, 1, 2, 3, 4, 5]), aimd, async (task, signal) => {
      started.push(task)
      if (task === 1) throw new Error('page 1 failed')
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50)
        signal.addEventListener('abort', () => {
          clearTimeout(timer)
          resolve()
        })
      })
      settled.push(task)
    })
    await expect(run).rejects.toThrow('page 1 failed')
    expect(settled.sort()).toEqual([0, 2])
    expect(started).not.toContain(4)
  })

  it('picks up tasks that appear while others run', async () => {
    const aimd = new AimdController({ initial: 2 })
    const queue = [0]
    const done: number[] = []
    await runAdaptive({ next: () => queue.shift() }, aimd, async (task) => {
      await tick()
      if (task < 3) queue.push(task + 1)
      done.push(task)
    })
    expect(done).toEqual([0, 1, 2, 3])
  })

  it('stops when the caller cancels', async () => {
    const aimd = new AimdController()
    const controller = new AbortController()
    const run = runAdaptive(
      source([0, 1, 2]),
      aimd,
      async (_task, signal) => {
        controller.abort()
        if (signal.aborted) throw new Error('cancelled')
      },
      controller.signal
    )
    await expect(run).rejects.toThrow('cancelled')
  })
})
