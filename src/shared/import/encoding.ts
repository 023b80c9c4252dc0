import jschardet from 'jschardet'
import { toBytes } from './bytes'

// Byte decoding lives in ./bytes so that it can be used without loading jschardet.
export { decodeBytes, ENCODING_CHOICES, toBytes } from './bytes'

export interface EncodingGuess {
  /** A TextDecoder label: 'utf-8', 'utf-16le', 'utf-16be' or 'windows-1252'. */
  encoding: string
  /** 0..1; below about 0.5 the review screen should invite the coordinator to choose. */
  confidence: number
  source: 'bom' | 'detected'
}

const SAMPLE_BYTES = 64 * 1024

function bomEncoding(b: Uint8Array): string | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8'
  if (b[0] === 0xff && b[1] === 0xfe) return 'utf-16le'
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be'
  return undefined
}

/** UTF-16 without a BOM: text in Latin script has a zero in every other byte. */
function utf16WithoutBom(sample: Uint8Array): string | undefined {
  const pairs = Math.floor(sample.length / 2)
  if (pairs < 4) return undefined
  let evenZeros = 0
  let oddZeros = 0
  for (let i = 0; i < pairs * 2; i += 2) {
    if (sample[i] === 0) evenZeros++
    if (sample[i + 1] === 0) oddZeros++
  }
  if (oddZeros / pairs > 0.4 && evenZeros / pairs < 0.05) return 'utf-16le'
  if (evenZeros / pairs > 0.4 && oddZeros / pairs < 0.05) return 'utf-16be'
  return undefined
}

function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if ((b[i] as number) > 0x7f) return false
  return true
}

function isValidUtf8(b: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b)
    return true
  } catch {
    return false
  }
}

/**
 * BOM first, then UTF-16 by its zero bytes, then UTF-8 if the bytes are valid UTF-8 (text in
 * another encoding almost never is), else jschardet's choice between UTF-8 and Windows-1252,
 * the encoding Excel uses for "CSV" on Western-language Windows.
 */
export function detectEncoding(input: Uint8Array | ArrayBuffer): EncodingGuess {
  const bytes = toBytes(input)
  const bom = bomEncoding(bytes)
  if (bom) return { encoding: bom, confidence: 1, source: 'bom' }
  const sample = bytes.subarray(0, SAMPLE_BYTES)
  const utf16 = utf16WithoutBom(sample)
  if (utf16) return { encoding: utf16, confidence: 0.9, source: 'detected' }
  // Plain ASCII reads the same in every candidate.
  if (isAscii(bytes)) return { encoding: 'utf-8', confidence: 1, source: 'detected' }
  if (isValidUtf8(bytes)) return { encoding: 'utf-8', confidence: 0.99, source: 'detected' }

  const guess = jschardet.detect(sample, { detectEncodings: ['UTF-8', 'windows-1252'] })
  const encoding = guess.encoding?.toLowerCase() === 'utf-8' ? 'utf-8' : 'windows-1252'
  return { encoding, confidence: westernConfidence(sample), source: 'detected' }
}

/**
 * How sure the Windows-1252 reading is: high when jschardet's unrestricted best guess is a
 * Western (Latin-alphabet) encoding too, low when it thinks the text is Cyrillic, Greek, Arabic...
 * so the coordinator is asked to pick.
 */
function westernConfidence(sample: Uint8Array): number {
  const best = jschardet.detect(sample)
  const name = best.encoding ?? ''
  if (name === '' || /1252|1250|8859-(1|2|15|16)\b|latin|roman|cp850|cp437|ascii/i.test(name)) return 0.8
  return 0.3
}
