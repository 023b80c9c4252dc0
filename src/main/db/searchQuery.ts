import { phoneQueryDigits } from '../../shared/phone'

const MAX_TERMS = 12
const PHONE_PIECE = /^\+?[\d\-().\u00A0]*\d[\d\-().\u00A0]*$/

function quote(term: string): string {
  return `"${term.replace(/"/g, '""')}"*`
}

/**
 * Turns what a coordinator typed into an FTS5 query that cannot be a syntax error: every term
 * is a quoted phrase matched as a prefix (search as you type), and all terms must match.
 * Runs of number-like pieces are one phone number ("0712 345" -> "0712345"*), matched against
 * every stored form of every phone. A username typed in full loses its "@<domain>..." tail,
 * which every worker shares. Returns null when nothing searchable is left.
 */
export function ftsQuery(text: string, domain?: string): string | null {
  const pieces = text.normalize('NFC').split(/\s+/).filter(Boolean)
  const terms: string[] = []
  for (let i = 0; i < pieces.length; i++) {
    let piece = pieces[i]!
    if (PHONE_PIECE.test(piece)) {
      let run = piece
      while (i + 1 < pieces.length && PHONE_PIECE.test(pieces[i + 1]!)) run += ` ${pieces[++i]!}`
      const digits = phoneQueryDigits(run)
      terms.push(digits ?? run.replace(/\D/g, ''))
      continue
    }
    const at = piece.indexOf('@')
    if (at > 0) {
      const host = piece.slice(at + 1).toLowerCase()
      if ((domain && host.startsWith(`${domain.toLowerCase()}.`)) || host.includes('commcarehq.')) {
        piece = piece.slice(0, at)
      }
    }
    // A piece of punctuation only would be an empty phrase.
    if (/[\p{L}\p{N}]/u.test(piece)) terms.push(piece)
  }
  const unique = [...new Set(terms.filter(Boolean))].slice(0, MAX_TERMS)
  return unique.length ? unique.map(quote).join(' AND ') : null
}
