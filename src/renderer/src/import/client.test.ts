import { describe, expect, it } from 'vitest'
import { createWorkerClient } from './client'
import { PART_SIZE, splitResult, type FromWorker, type ToWorker } from './protocol'

/** A stand-in Worker: answers each request with `answer`, through splitResult as the real worker does. */
function fakeWorker(answer: (message: ToWorker, send: (m: FromWorker) => void) => void) {
  const worker = {
    onmessage: null as ((event: MessageEvent<FromWorker>) => void) | null,
    onerror: null as ((event: ErrorEvent) => void) | null,
    sent: [] as FromWorker[],
    postMessage(message: ToWorker) {
      queueMicrotask(() =>
        answer(message, (m) => {
          worker.sent.push(m)
          worker.onmessage?.({ data: m } as MessageEvent<FromWorker>)
        })
      )
    },
    terminate() {}
  }
  return worker
}

describe('answers from the import worker', () => {
  it('send long lists ahead in small parts and keep short ones in the result', () => {
    const sent: FromWorker[] = []
    const rows = Array.from({ length: PART_SIZE * 2 + 345 }, (_, i) => ({ id: i + 1 }))
    splitResult(7, { rows, fieldKeys: ['Name'], digits: ['254711000001'] }, (m) => sent.push(m))
    expect(sent.map((m) => m.type)).toEqual(['part', 'part', 'part', 'result'])
    expect(sent.slice(0, 3).map((m) => (m.type === 'part' ? m.items.length : 0))).toEqual([
      PART_SIZE,
      PART_SIZE,
      345
    ])
    expect(sent[3]).toEqual({
      type: 'result',
      id: 7,
      result: { rows: [], fieldKeys: ['Name'], digits: ['254711000001'] },
      parted: ['rows']
    })
  })

  it('are put back together, in order, for the request they belong to', async () => {
    const worker = fakeWorker(({ id, request }, send) => {
      const n = request.op === 'lookups' ? PART_SIZE * 3 + 1 : 3
      send({ type: 'progress', id, progress: { phase: 'checking', done: 1, total: n } })
      splitResult(id, { checks: Array.from({ length: n }, (_, i) => [i + 1, { op: request.op }]) }, send)
    })
    const client = createWorkerClient(worker as unknown as Worker)
    const progress: number[] = []
    const lookups = client.request(
      { op: 'lookups', lookup: { registered: [], invited: [], takenUsernames: [] } },
      (p) => progress.push(p.done)
    )
    const update = client.request({ op: 'update', upsert: [], remove: [] })
    const [big, small] = await Promise.all([lookups, update])
    expect(big.checks).toHaveLength(PART_SIZE * 3 + 1)
    expect(big.checks.map(([id]) => id)).toEqual(Array.from({ length: PART_SIZE * 3 + 1 }, (_, i) => i + 1))
    expect(small.checks).toEqual([
      [1, { op: 'update' }],
      [2, { op: 'update' }],
      [3, { op: 'update' }]
    ])
    expect(progress).toEqual([1])
    expect(worker.sent.filter((m) => m.type === 'part')).toHaveLength(4)
  })
})
