import { countSegments, firstUcs2Char, type SmsEncoding } from './segments'

export interface SmsIssue {
  code:
    | 'placeholder-missing'
    | 'placeholder-repeated'
    | 'stray-brace'
    | 'reply-question-missing'
    | 'placeholder-not-replaced'
    | 'unicode'
  message: string
  /** Where in the typed message the problem is (UTF-16 index), when it is one place. */
  index?: number
}

export interface MessageAnalysis {
  /** True when the message is empty or only spaces: HQ then sends its own default message. */
  blank: boolean
  /** Problems HQ would reject or fail on: sending is refused while there are any. */
  errors: SmsIssue[]
  /** Things that will probably go wrong for the people receiving it. */
  warnings: SmsIssue[]
  encoding: SmsEncoding
  /** Counted with the registration link in place of {} (android only). */
  length: number
  segments: number
  perSegment: number
  /** The first character that makes the message UCS-2 (index into the typed message). */
  ucs2Char?: { index: number; char: string }
  /** What one person receives, link included; null for a blank message (HQ's default). */
  preview: string | null
}

export interface AnalyseOptions {
  androidOnly: boolean
  /** How many characters the registration link HQ substitutes for {} takes. */
  registrationUrlLength: number
  /** Shown in the preview in place of {}; defaults to a run of X of the right length. */
  registrationUrl?: string
}

/**
 * HQ's self-registration link is, to our reading of its source, the project's
 * `/a/<domain>/settings/users/commcare/register/<token>/` page with a 32-hex-digit token
 * (UNCONFIRMED: measure a real one when possible). Erring long is the safe side: a counter that
 * over-counts never surprises anyone with an extra SMS.
 */
const TOKEN_LENGTH = 32

/** An estimate of the link HQ puts in place of {} for a project on a server. */
export function exampleRegistrationUrl(server: string, domain: string): string {
  return `${server.replace(/\/+$/, '')}/a/${domain}/settings/users/commcare/register/${'X'.repeat(TOKEN_LENGTH)}/`
}

const PLACEHOLDER = '{}'

// Verbs people use to ask for an answer by SMS, without accents (the text is folded first).
const REPLY_WORDS = [
  // English
  'reply',
  'respond',
  'answer',
  'text',
  'send',
  'sms',
  'press',
  'type',
  'enter',
  'choose',
  // French
  'repond',
  'reponse',
  'envoy',
  'tape',
  'entrez',
  'ecrivez',
  'choisi',
  // Swahili
  'jibu',
  'tuma',
  'bonyeza',
  'andika',
  'chagua',
  // Spanish / Portuguese
  'respond',
  'envia',
  'envie',
  'digite',
  'escrib'
]

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
}

function hasStandaloneDigit(text: string, digit: string): boolean {
  return new RegExp(`(^|\\D)${digit}(\\D|$)`).test(text)
}

/** Whether a message looks like it asks for "1 for Android, 2 for other". Lenient on purpose. */
export function asksReplyOneOrTwo(text: string): boolean {
  const folded = fold(text)
  if (!hasStandaloneDigit(folded, '1') || !hasStandaloneDigit(folded, '2')) return false
  return folded.includes('android') || REPLY_WORDS.some((w) => folded.includes(w))
}

function bracesIssues(text: string): SmsIssue[] {
  const issues: SmsIssue[] = []
  const placeholders: number[] = []
  for (let i = text.indexOf(PLACEHOLDER); i !== -1; i = text.indexOf(PLACEHOLDER, i + 2)) {
    placeholders.push(i)
  }
  if (placeholders.length === 0) {
    issues.push({
      code: 'placeholder-missing',
      message:
        'Add {} where the registration link should go: with "Android only", HQ puts the link there and nowhere else.'
    })
  } else if (placeholders.length > 1) {
    issues.push({
      code: 'placeholder-repeated',
      message: `Use {} only once (it appears ${placeholders.length} times): HQ can put the registration link in one place only.`,
      index: placeholders[1]
    })
  }
  const inPlaceholder = new Set(placeholders.flatMap((i) => [i, i + 1]))
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if ((c === '{' || c === '}') && !inPlaceholder.has(i)) {
      issues.push({
        code: 'stray-brace',
        message: `Remove the "${c}" at character ${i + 1}: HQ reads braces as the place for the link, so this message would fail.`,
        index: i
      })
      break
    }
  }
  return issues
}

/** The message editor's rules: what HQ accepts, what it will cost, and what people will read. */
export function analyseMessage(text: string | null | undefined, opts: AnalyseOptions): MessageAnalysis {
  const message = text ?? ''
  if (message.trim() === '') {
    return {
      blank: true,
      errors: [],
      warnings: [],
      encoding: 'gsm7',
      length: 0,
      segments: 0,
      perSegment: 160,
      preview: null
    }
  }

  const errors: SmsIssue[] = []
  const warnings: SmsIssue[] = []
  let sent = message
  if (opts.androidOnly) {
    errors.push(...bracesIssues(message))
    // Count with every {} replaced, even when there are several: the numbers stay meaningful
    // while the coordinator fixes the error. The link is ASCII letters, digits and / : . -,
    // all GSM-7 basic characters, so a run of X of the same length counts the same.
    sent = message.split(PLACEHOLDER).join('X'.repeat(Math.max(0, opts.registrationUrlLength)))
  } else {
    if (!asksReplyOneOrTwo(message)) {
      warnings.push({
        code: 'reply-question-missing',
        message:
          'Ask people to reply 1 if they use an Android phone and 2 otherwise (for example "Reply 1 for Android, 2 for other"): HQ reads that answer to send the right link.'
      })
    }
    const at = message.indexOf(PLACEHOLDER)
    if (at !== -1) {
      warnings.push({
        code: 'placeholder-not-replaced',
        message:
          'HQ puts the link in place of {} only when "Android only" is on; without it, people receive "{}" as typed.',
        index: at
      })
    }
  }

  const count = countSegments(sent)
  const ucs2Char = firstUcs2Char(message)
  if (ucs2Char) {
    warnings.push({
      code: 'unicode',
      message: `"${ucs2Char.char}" (character ${ucs2Char.index + 1}) is not in the basic SMS alphabet, so each SMS holds ${count.perSegment} characters instead of ${count.segments > 1 ? 153 : 160}. Replace it to send fewer SMS.`,
      index: ucs2Char.index
    })
  }

  return {
    blank: false,
    errors,
    warnings,
    encoding: count.encoding,
    length: count.length,
    segments: count.segments,
    perSegment: count.perSegment,
    ...(ucs2Char ? { ucs2Char } : {}),
    preview: opts.androidOnly
      ? message
          .split(PLACEHOLDER)
          .join(opts.registrationUrl ?? 'X'.repeat(Math.max(0, opts.registrationUrlLength)))
      : message
  }
}
