import { describe, expect, it } from 'vitest'
import { AimdController } from './aimd'

describe('AimdController', () => {
  it('starts at two concurrent requests', () => {
    expect(new AimdController().limit).toBe(2)
  })

  it('adds one after a run of successes, up to the maximum', () => {
    const aimd = new AimdController({ successRun: 3, max: 4 })
    for (let i = 0; i < 2; i++) aimd.onSuccess()
    expect(aimd.limit).toBe(2)
    aimd.onSuccess()
    expect(aimd.limit).toBe(3)
    for (let i = 0; i < 30; i++) aimd.onSuccess()
    expect(aimd.limit).toBe(4)
  })

  it('halves at once on a rate limit and never drops below one', () => {
    const aimd = new AimdController({ initial: 6 })
    aimd.onRateLimited()
    expect(aimd.limit).toBe(3)
    aimd.onRateLimited()
    expect(aimd.limit).toBe(1)
    aimd.onRateLimited()
    expect(aimd.limit).toBe(1)
  })

  it('restarts the success run after a failure without shrinking', () => {
    const aimd = new AimdController({ successRun: 2 })
    aimd.onSuccess()
    aimd.onFailure()
    aimd.onSuccess()
    expect(aimd.limit).toBe(2)
    aimd.onSuccess()
    expect(aimd.limit).toBe(3)
  })

  it('clamps nonsense settings', () => {
    const aimd = new AimdController({ initial: 50, max: 0, min: -1, successRun: 0 })
    expect(aimd.limit).toBe(1)
  })
})
