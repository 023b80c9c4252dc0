/**
 * Text folding for sort keys and extra search tokens. SQLite here has no ICU, and FTS5's
 * unicode61 tokenizer removes combining marks but keeps letters like "ø", "ł", "ß" and "æ",
 * so "Odegard" would not find "Ødegård" without this.
 */
const LETTERS: Record<string, string> = {
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  ħ: 'h',
  ı: 'i',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  þ: 'th',
  ŋ: 'n'
}
const LETTER_CLASS = `[${Object.keys(LETTERS).join('')}]`
const LETTER_PATTERN = new RegExp(LETTER_CLASS, 'g')
const HAS_LETTER = new RegExp(LETTER_CLASS, 'i')

/** Lower case, without diacritics, with the few letters Unicode does not decompose spelled out. */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(LETTER_PATTERN, (letter) => LETTERS[letter] ?? letter)
}

/**
 * The text to index for a field: the original, plus the folded spelling of the words whose
 * folding the tokenizer would not reproduce, so both spellings find it.
 */
export function searchText(text: string): string {
  if (!HAS_LETTER.test(text)) return text
  return `${text} ${fold(text)}`
}
