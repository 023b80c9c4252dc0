// A small seeded PRNG so the same seed always yields the same project, on every machine.

export type Rng = () => number

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Independent streams (data, later mutations, fault dice) so that using one never shifts another.
export function deriveSeed(seed: number, label: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0
  }
  return h
}

export function intBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1))
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)]
  if (item === undefined) throw new Error('pick from an empty list')
  return item
}

export function chance(rng: Rng, p: number): boolean {
  return rng() < p
}

export function pickWeighted<T>(rng: Rng, items: readonly { weight: number; value: T }[]): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0)
  let r = rng() * total
  for (const item of items) {
    r -= item.weight
    if (r < 0) return item.value
  }
  const last = items[items.length - 1]
  if (!last) throw new Error('pickWeighted from an empty list')
  return last.value
}

const HEX = '0123456789abcdef'

// 32 lowercase hex characters, like HQ's couch/uuid4().hex ids.
export function hexId(rng: Rng): string {
  let out = ''
  for (let i = 0; i < 4; i++) {
    const n = Math.floor(rng() * 4294967296)
    for (let shift = 28; shift >= 0; shift -= 4) out += HEX[(n >>> shift) & 15]
  }
  return out
}

export function randomDigits(rng: Rng, count: number): string {
  let out = ''
  for (let i = 0; i < count; i++) out += String(Math.floor(rng() * 10))
  return out
}

// Stable small hash for values derived from an id (e.g. extras counts) without consuming a stream.
export function hashString(value: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < value.length; i++) {
    h = Math.imul(h ^ value.charCodeAt(i), 0x01000193) >>> 0
  }
  return h >>> 0
}
