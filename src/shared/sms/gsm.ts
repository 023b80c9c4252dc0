/**
 * GSM 03.38 character sets. A message made only of these travels as GSM-7 (160 characters a
 * segment); one character outside them switches the whole message to UCS-2 (70 a segment).
 */

/** The basic table: one septet each. (ESC, 0x1B, is not a character anyone types.) */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'

/** The extension table: sent as ESC + character, so each counts as two septets. */
const EXTENSION = '\f^{}\\[~]|€'

const basicSet = new Set(Array.from(BASIC))
const extensionSet = new Set(Array.from(EXTENSION))

/** Septets a character costs in GSM-7, or null when GSM-7 cannot carry it. */
export function gsmSeptets(char: string): 1 | 2 | null {
  if (basicSet.has(char)) return 1
  if (extensionSet.has(char)) return 2
  return null
}
