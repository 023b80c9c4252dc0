/**
 * Bytes to text with a known encoding. Kept apart from the detector (./encoding), which pulls in
 * jschardet: code that only reads text, or decodes with a chosen encoding, does not load it.
 */

/** What the encoding menu offers; Excel on Windows saves one of these. */
export const ENCODING_CHOICES = [
  { encoding: 'utf-8', label: 'Unicode (UTF-8)' },
  { encoding: 'windows-1252', label: 'Western European (Windows-1252, Excel "CSV")' },
  { encoding: 'utf-16le', label: 'Unicode (UTF-16 LE, Excel "Unicode Text")' },
  { encoding: 'utf-16be', label: 'Unicode (UTF-16 BE)' },
  { encoding: 'windows-1250', label: 'Central European (Windows-1250)' },
  { encoding: 'windows-1251', label: 'Cyrillic (Windows-1251)' },
  { encoding: 'iso-8859-1', label: 'Latin-1 (ISO-8859-1)' }
] as const

export function toBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  return input instanceof Uint8Array ? input : new Uint8Array(input)
}

/** Decodes with the given TextDecoder label; a BOM for that encoding is dropped. */
export function decodeBytes(input: Uint8Array | ArrayBuffer, encoding: string): string {
  const decoder = makeDecoder(encoding)
  return decoder.decode(toBytes(input))
}

function makeDecoder(encoding: string) {
  try {
    return new TextDecoder(encoding)
  } catch {
    throw new Error(`"${encoding}" is not a text encoding this app can read`)
  }
}
