import { columnLetter } from './table'

/** Lower case, accents removed, punctuation as spaces: "Numéro de Téléphone" -> "numero de telephone". */
export function foldHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

// Words that name a phone column, in the languages of CommCare's projects (English, French,
// Swahili, Portuguese, Spanish). Matched as whole words of the folded header.
const STRONG_PHONE_WORDS = new Set([
  'phone',
  'phones',
  'mobile',
  'msisdn',
  'telephone',
  'tel',
  'cell',
  'cellphone',
  'gsm',
  'portable',
  'simu',
  'whatsapp',
  'celular',
  'telefone',
  'telefono',
  'movil'
])
// Weaker: these also name other columns ("ID number"), so the content has to agree.
const WEAK_PHONE_WORDS = new Set(['number', 'numero', 'num', 'namba', 'nambari', 'contact'])

// Words common in other column titles; enough to recognise a header row that has no phone word.
const OTHER_HEADER_WORDS = new Set(
  [
    'name',
    'names',
    'first',
    'last',
    'surname',
    'nom',
    'prenom',
    'jina',
    'village',
    'district',
    'region',
    'county',
    'ville',
    'location',
    'site',
    'facility',
    'role',
    'email',
    'gender',
    'sexe',
    'age',
    'id',
    'code',
    'group',
    'team',
    'equipe',
    'username',
    'language',
    'langue'
  ].map(foldHeader)
)

/** 0 when the header names no phone, 2 for a clear name ("Téléphone"), 1 for a vague one ("Numéro"). */
export function phoneHeaderScore(header: string): number {
  const words = foldHeader(header).split(' ')
  if (words.some((w) => STRONG_PHONE_WORDS.has(w))) return 2
  if (words.some((w) => WEAK_PHONE_WORDS.has(w))) return 1
  return 0
}

/** A cell that holds data rather than a title: a number, a phone number, a date. */
export function looksLikeData(cell: string): boolean {
  const c = cell.trim()
  if (c === '') return false
  let digits = 0
  for (let i = 0; i < c.length; i++) {
    const code = c.charCodeAt(i)
    if (code >= 48 && code <= 57) digits++
  }
  return digits >= 3 && digits / c.length >= 0.5
}

/**
 * Whether the first row is a row of column titles. Titles hold no numbers; data rows below them
 * usually do (every list here has a phone column).
 */
export function detectHeaderRow(
  first: readonly string[] | undefined,
  rest: readonly (readonly string[])[]
): boolean {
  if (!first) return false
  const filled = first.filter((c) => c.trim() !== '')
  if (filled.length === 0) return false
  if (filled.some(looksLikeData)) return false
  const folded = filled.map(foldHeader)
  if (folded.some((h) => phoneHeaderScore(h) > 0 || h.split(' ').some((w) => OTHER_HEADER_WORDS.has(w)))) {
    return true
  }
  // No known word: call it a header when some column below holds data where the title has none.
  const sample = rest.slice(0, 50)
  return first.some((title, col) => {
    if (title.trim() === '') return false
    const cells = sample.map((r) => r[col] ?? '').filter((c) => c.trim() !== '')
    return cells.length > 0 && cells.filter(looksLikeData).length / cells.length >= 0.5
  })
}

export function defaultHeaders(width: number): string[] {
  return Array.from({ length: width }, (_, i) => `Column ${columnLetter(i)}`)
}

export interface ShapedTable {
  headers: string[]
  rows: string[][]
  rowNumbers: number[]
  hasHeader: boolean
}

/**
 * Drops empty rows (keeping everyone's row number), takes the first non-empty row as the header
 * when it is one (or when told), and pads every row to the same width.
 */
export function shapeTable(
  records: readonly string[][],
  rowNumbers: readonly number[],
  hasHeader?: boolean
): ShapedTable {
  const kept: string[][] = []
  const keptNumbers: number[] = []
  records.forEach((cells, i) => {
    if (cells.some((c) => c.trim() !== '')) {
      kept.push(cells)
      keptNumbers.push(rowNumbers[i] ?? i + 1)
    }
  })
  const header = hasHeader ?? detectHeaderRow(kept[0], kept.slice(1))
  const width = kept.reduce((w, r) => Math.max(w, lastFilled(r) + 1), 0)
  const pad = (r: string[]): string[] => {
    const out = r.slice(0, width)
    while (out.length < width) out.push('')
    return out
  }
  const titles = header && kept[0] ? pad(kept[0]).map((t) => t.trim()) : []
  const fallback = defaultHeaders(width)
  return {
    headers: header ? titles.map((t, i) => t || (fallback[i] as string)) : fallback,
    rows: (header ? kept.slice(1) : kept).map(pad),
    rowNumbers: header ? keptNumbers.slice(1) : keptNumbers,
    hasHeader: header
  }
}

function lastFilled(cells: readonly string[]): number {
  for (let i = cells.length - 1; i >= 0; i--) if ((cells[i] ?? '').trim() !== '') return i
  return -1
}
