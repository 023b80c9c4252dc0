import type { Clock } from './clock'
import { cancelledError } from './clock'
import { HqError } from './errors'

/**
 * A clock for unit tests: sleeping moves virtual time forward at once and is recorded, so
 * retry and pause rules can be checked without real waiting. Test support only.
 */
export class VirtualClock implements Clock {
  time = 1_000_000
  readonly sleeps: number[] = []

  now(): number {
    return this.time
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw cancelledError()
    this.sleeps.push(ms)
    this.time += Math.max(0, ms)
    await Promise.resolve()
    if (signal?.aborted) throw cancelledError()
  }
}

/** The HqError a call fails with; anything else (success, another error) fails the test. */
export async function failure(promise: Promise<unknown>): Promise<HqError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof HqError) return error
    throw new Error(`expected an HqError, got ${String(error)}`)
  }
  throw new Error('expected the call to fail')
}
