import anyAscii from 'any-ascii'

/** HQ's characters for a username, once lower-cased: `a-z 0-9 . + - _`. */
export const USERNAME_CHARACTERS = /^[a-z0-9.+_-]+$/

// Emoji and other pictures carry no name: any-ascii would spell them out (":grinning:").
const PICTURES = /(?![\x20-\x7e])[\p{S}\p{Extended_Pictographic}]|\u200d|\ufe0e|\ufe0f/gu
// Marks that transliteration leaves for sounds (Amharic ejectives "bik'ila", Arabic ayn "`ly")
// and apostrophes inside names ("O'Brien"): dropped, so the name stays one word.
const DROPPED = /['`"^~]/g
const OTHER = /[^a-z0-9.+_-]+/g

/**
 * Any text folded to what HQ takes in a username: accents removed, other scripts transliterated
 * (any-ascii), lower case, apostrophes dropped, every other character HQ refuses (spaces
 * included) turned into a dot, runs of dots collapsed and none at either end, so the result is
 * a valid e-mail local part. "Zoë O'Brien" -> "zoe.obrien", "አበበ ቢቂላ" -> "abebe.bikila",
 * "张伟" -> "zhangwei". '' when nothing usable remains.
 */
export function foldUsername(text: string): string {
  // Most names are plain ASCII already: transliteration is for the others.
  const ascii = /^[\x20-\x7e]*$/.test(text) ? text : anyAscii(text.replace(PICTURES, ' '))
  return trimDots(
    ascii
      .toLowerCase()
      .replace(DROPPED, '')
      .replace(OTHER, '.')
      .replace(/\.{2,}/g, '.')
  )
}

export function trimDots(s: string): string {
  return s.replace(/^\.+|\.+$/g, '')
}

/**
 * Why HQ would refuse `username` (already lower case, without the @ part) for its characters,
 * in the coordinator's words; undefined when they are fine. Length is checked apart.
 */
export function usernameCharacterProblem(username: string): string | undefined {
  if (username === '') return 'is empty'
  if (!USERNAME_CHARACTERS.test(username)) {
    const bad = [...new Set([...username].filter((c) => !/[a-z0-9.+_-]/.test(c)))]
    const shown = bad.slice(0, 5).map((c) => (/\s/.test(c) ? 'spaces' : `"${c}"`))
    return `has characters HQ does not allow (${shown.join(', ')}); use only letters a-z, digits, . + - and _`
  }
  if (username.startsWith('.') || username.endsWith('.')) return 'cannot start or end with a dot'
  if (username.includes('..')) return 'cannot have two dots in a row'
  return undefined
}
