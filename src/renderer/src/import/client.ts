/**
 * The screen's handle on the import engine: the Web Worker in the app, the same engine in-process
 * where workers do not exist (jsdom tests). Requests are answered in order.
 */
import { i18n } from '../i18n'
import type { ImportEngine } from './engine'
import type { FromWorker, Progress, Request, ResultOf, ToWorker } from './protocol'

export interface ImportClient {
  request<R extends Request>(request: R, onProgress?: (p: Progress) => void): Promise<ResultOf<R>>
  dispose(): void
}

interface Pending {
  resolve: (value: unknown) => void
  reject: (error: Error) => void
  onProgress?: ((p: Progress) => void) | undefined
  /** Array fields of the result received so far in 'part' messages. */
  parts?: Map<string, unknown[]>
}

export function createWorkerClient(worker: Worker): ImportClient {
  let nextId = 1
  const pending = new Map<number, Pending>()
  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const message = event.data
    const waiting = pending.get(message.id)
    if (!waiting) return
    if (message.type === 'progress') {
      waiting.onProgress?.(message.progress)
      return
    }
    if (message.type === 'part') {
      waiting.parts ??= new Map()
      const items = waiting.parts.get(message.field)
      if (items) for (const item of message.items) items.push(item)
      else waiting.parts.set(message.field, message.items)
      return
    }
    pending.delete(message.id)
    if (message.type === 'result') waiting.resolve(joinParts(message.result, message.parted, waiting.parts))
    else waiting.reject(new Error(message.message))
  }
  worker.onerror = (event) => {
    const error = new Error(
      event.message
        ? i18n.t('invite:import.readerStopped', { error: event.message })
        : i18n.t('invite:import.readerStoppedUnknown')
    )
    for (const waiting of pending.values()) waiting.reject(error)
    pending.clear()
  }
  return {
    request<R extends Request>(request: R, onProgress?: (p: Progress) => void): Promise<ResultOf<R>> {
      const id = nextId++
      return new Promise<ResultOf<R>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject, onProgress })
        const message: ToWorker = { id, request }
        // The file's bytes move to the worker rather than being copied.
        const transfer = request.op === 'openFile' ? [request.data] : []
        worker.postMessage(message, transfer)
      })
    },
    dispose() {
      worker.terminate()
      for (const waiting of pending.values()) waiting.reject(new Error(i18n.t('invite:import.closed')))
      pending.clear()
    }
  }
}

/** Puts the array fields sent ahead in parts back into the result. */
function joinParts(result: unknown, parted: string[] | undefined, parts: Map<string, unknown[]> | undefined) {
  if (!parted?.length) return result
  const whole = { ...(result as Record<string, unknown>) }
  for (const field of parted) whole[field] = parts?.get(field) ?? []
  return whole
}

/** The engine in this thread, loaded on first use so the app's own bundle stays small. */
export function createInlineClient(): ImportClient {
  let engine: Promise<ImportEngine> | null = null
  let queue: Promise<unknown> = Promise.resolve()
  return {
    request<R extends Request>(request: R, onProgress?: (p: Progress) => void): Promise<ResultOf<R>> {
      engine ??= import('./engine').then((m) => new m.ImportEngine())
      const ready = engine
      const run = queue.then(async () => (await ready).handle(request, onProgress)) as Promise<ResultOf<R>>
      queue = run.catch(() => undefined)
      return run
    },
    dispose() {}
  }
}

export function createImportClient(): ImportClient {
  if (typeof Worker === 'undefined') return createInlineClient()
  const worker = new Worker(new URL('./worker.ts', import.meta.url), {
    type: 'module',
    name: 'roster-import'
  })
  return createWorkerClient(worker)
}
