import { gsmSeptets } from './gsm'

export type SmsEncoding = 'gsm7' | 'ucs2'

export interface SegmentCount {
  encoding: SmsEncoding
  /** GSM-7: septets (extension characters count 2). UCS-2: UTF-16 code units. */
  length: number
  segments: number
  /** Capacity of each segment: 160/153 (GSM-7) or 70/67 (UCS-2), single vs concatenated. */
  perSegment: number
  /** First character that forces UCS-2, as an index into the text (UTF-16 units, as a textarea counts). */
  ucs2Char?: { index: number; char: string }
}

const LIMITS = {
  gsm7: { single: 160, multi: 153 },
  ucs2: { single: 70, multi: 67 }
} as const

/** The first character GSM-7 cannot carry, or undefined when the whole text fits GSM-7. */
export function firstUcs2Char(text: string): { index: number; char: string } | undefined {
  let index = 0
  for (const char of text) {
    if (gsmSeptets(char) === null) return { index, char }
    index += char.length
  }
  return undefined
}

/**
 * Splits costs into segments the way phones and gateways do: a concatenated segment loses room
 * to its header, and a two-unit character (GSM escape pair, UCS-2 surrogate pair) is never cut
 * across two segments, so the count can exceed a plain division.
 */
function pack(costs: number[], single: number, multi: number): number {
  const total = costs.reduce((a, b) => a + b, 0)
  if (total === 0) return 0
  if (total <= single) return 1
  let segments = 1
  let used = 0
  for (const cost of costs) {
    if (used + cost > multi) {
      segments++
      used = 0
    }
    used += cost
  }
  return segments
}

export function countSegments(text: string): SegmentCount {
  const chars = Array.from(text)
  const ucs2Char = firstUcs2Char(text)
  if (!ucs2Char) {
    const costs = chars.map((c) => gsmSeptets(c) ?? 1)
    const length = costs.reduce((a, b) => a + b, 0)
    const segments = pack(costs, LIMITS.gsm7.single, LIMITS.gsm7.multi)
    return {
      encoding: 'gsm7',
      length,
      segments,
      perSegment: segments > 1 ? LIMITS.gsm7.multi : LIMITS.gsm7.single
    }
  }
  const costs = chars.map((c) => c.length)
  const length = text.length
  const segments = pack(costs, LIMITS.ucs2.single, LIMITS.ucs2.multi)
  return {
    encoding: 'ucs2',
    length,
    segments,
    perSegment: segments > 1 ? LIMITS.ucs2.multi : LIMITS.ucs2.single,
    ucs2Char
  }
}
