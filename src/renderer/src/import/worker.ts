/// <reference lib="webworker" />
/**
 * The import worker: parsing a 100,000-row file and reading every number with libphonenumber
 * takes seconds, which must not freeze the grid. One request at a time, in order.
 */
import '../zod-config'
import { ImportEngine } from './engine'
import { splitResult, type FromWorker, type ToWorker } from './protocol'

declare const self: DedicatedWorkerGlobalScope

const engine = new ImportEngine()
let queue: Promise<void> = Promise.resolve()

function post(message: FromWorker): void {
  self.postMessage(message)
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const { id, request } = event.data
  queue = queue.then(async () => {
    try {
      const result = await engine.handle(request, (progress) => post({ type: 'progress', id, progress }))
      splitResult(id, result, post)
    } catch (error) {
      post({ type: 'error', id, message: error instanceof Error ? error.message : String(error) })
    }
  })
}
