import { HqError } from './errors'

/** Time and waiting, injectable so tests can run the retry rules without real delays. */
export interface Clock {
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export function cancelledError(): HqError {
  return new HqError('cancelled', 'Cancelled before HQ answered.')
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelledError())
      return
    }
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(cancelledError())
    }
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      },
      Math.max(0, ms)
    )
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: abortableSleep
}
