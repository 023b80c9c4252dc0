import { cpus, totalmem, type } from 'node:os'

/** One line naming the machine the figures came from. */
export function describeMachine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
  return `${type()} ${process.arch}, ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Runs fn `times` times (after one warm-up) and returns the median in milliseconds. */
export function timeMedian(fn: () => unknown, times = 15): number {
  fn()
  const samples: number[] = []
  for (let i = 0; i < times; i++) {
    const start = performance.now()
    fn()
    samples.push(performance.now() - start)
  }
  return median(samples)
}
