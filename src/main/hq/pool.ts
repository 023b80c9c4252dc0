import type { AimdController } from './aimd'

export interface TaskSource<T> {
  /** The next task to start, or undefined if none is ready (more may appear as tasks finish). */
  next(): T | undefined
}

/**
 * Runs tasks with at most `controller.limit` in flight, re-reading the limit as it changes.
 * On the first failure the remaining tasks are cancelled through the signal they were given,
 * and the promise rejects only once every running task has settled — so nothing (no onPage
 * call) happens after the caller has seen the error.
 */
export function runAdaptive<T>(
  source: TaskSource<T>,
  controller: AimdController,
  run: (task: T, signal: AbortSignal) => Promise<void>,
  outer?: AbortSignal
): Promise<void> {
  const stop = new AbortController()
  const onOuterAbort = (): void => stop.abort()
  outer?.addEventListener('abort', onOuterAbort, { once: true })
  if (outer?.aborted) stop.abort()

  return new Promise<void>((resolve, reject) => {
    let active = 0
    let failed = false
    let firstError: unknown

    const finish = (): void => {
      outer?.removeEventListener('abort', onOuterAbort)
      if (failed) reject(firstError)
      else resolve()
    }

    const pump = (): void => {
      if (!failed) {
        while (active < controller.limit) {
          const task = source.next()
          if (task === undefined) break
          active += 1
          run(task, stop.signal).then(
            () => {
              active -= 1
              pump()
            },
            (error: unknown) => {
              active -= 1
              if (!failed) {
                failed = true
                firstError = error
                stop.abort()
              }
              pump()
            }
          )
        }
      }
      if (active === 0) finish()
    }

    pump()
  })
}
