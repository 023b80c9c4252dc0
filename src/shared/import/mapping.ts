import { z } from 'zod'
import { repairInput } from '../phone/repair'
import { foldHeader, phoneHeaderScore } from './header'
import { columnLetter, type ParsedTable } from './table'
import type { ImportRow } from './validate'

export const FieldMappingSchema = z.object({
  /** 0-based column index in the parsed table. */
  index: z.number().int().min(0),
  header: z.string(),
  /** The custom_user_data key the column's values are sent under. */
  key: z.string(),
  skip: z.boolean(),
  /** Why the column is skipped by default, for the mapping screen. */
  reason: z.string().optional()
})
export type FieldMapping = z.infer<typeof FieldMappingSchema>

export const ColumnMappingSchema = z.object({
  /** Column holding the phone numbers; -1 when none was found (the coordinator must choose). */
  phone: z.number().int().min(-1),
  fields: z.array(FieldMappingSchema)
})
export type ColumnMapping = z.infer<typeof ColumnMappingSchema>

const SAMPLE_ROWS = 200

/** A cell that holds something meant as a phone number, even one Excel has damaged. */
function phoneLike(cell: string): boolean {
  if (cell.trim() === '') return false
  const repaired = repairInput(cell)
  if (repaired.damaged) return true
  return /^\+?\d{7,15}$/.test(repaired.cleaned)
}

/** Share of the column's non-empty sample cells that look like phone numbers. */
function phoneShare(rows: readonly (readonly string[])[], col: number): number {
  let filled = 0
  let phones = 0
  for (const row of rows.slice(0, SAMPLE_ROWS)) {
    const cell = row[col] ?? ''
    if (cell.trim() === '') continue
    filled++
    if (phoneLike(cell)) phones++
  }
  return filled === 0 ? 0 : phones / filled
}

/**
 * The column most likely to hold the phone numbers, from its title (phone, mobile, msisdn,
 * téléphone, simu, ...) and its content (share of cells that look like numbers); -1 if none does.
 */
export function guessPhoneColumn(headers: readonly string[], rows: readonly (readonly string[])[]): number {
  let best = -1
  let bestScore = 0
  const width = Math.max(headers.length, ...rows.slice(0, SAMPLE_ROWS).map((r) => r.length))
  for (let col = 0; col < width; col++) {
    const title = phoneHeaderScore(headers[col] ?? '')
    const share = phoneShare(rows, col)
    // Content must agree unless the title is clear; a clear title wins over a column of IDs.
    if (share < 0.3 && title < 2) continue
    const score = share * 2 + title
    if (score > bestScore) {
      best = col
      bestScore = score
    }
  }
  return best
}

/** HQ's custom data keys: letters, digits, underscores; starting with a letter (they become XML names). */
export function isValidUserDataKey(key: string): boolean {
  return /^[a-z][a-z0-9_]*$/i.test(key) && !/^xml/i.test(key) && !isReservedKey(key)
}

/** HQ keeps commcare_* keys for itself (commcare_project, commcare_location_id, ...). */
export function isReservedKey(key: string): boolean {
  return /^commcare_/i.test(key)
}

/** "Numéro d'équipe" -> "numero_d_equipe"; a key that would start with a digit gets "field_" in front. */
export function slugifyKey(header: string, index = 0): string {
  let key = foldHeader(header).replace(/ /g, '_')
  if (key === '') return `column_${columnLetter(index).toLowerCase()}`
  if (/^[0-9]/.test(key) || /^xml/.test(key)) key = `field_${key}`
  return key.slice(0, 64)
}

/**
 * The phone column plus one custom-data field per other column, keyed by its slugified title.
 * Columns are skipped by default when empty, untitled (no header row), or named like HQ's own keys.
 */
export function defaultMapping(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: { hasHeader?: boolean } = {}
): ColumnMapping {
  const hasHeader = options.hasHeader ?? true
  const phone = guessPhoneColumn(headers, rows)
  const used = new Set<string>()
  const fields: FieldMapping[] = []
  headers.forEach((header, index) => {
    if (index === phone) return
    const base = hasHeader ? slugifyKey(header, index) : slugifyKey('', index)
    let key = base
    for (let n = 2; used.has(key); n++) key = `${base}_${n}`
    used.add(key)
    const empty = rows.every((r) => (r[index] ?? '').trim() === '')
    const reason = empty
      ? 'the column is empty'
      : !hasHeader
        ? 'the column has no title; name it to send it'
        : isReservedKey(key)
          ? 'names starting with commcare_ are reserved by CommCare HQ'
          : undefined
    fields.push(reason ? { index, header, key, skip: true, reason } : { index, header, key, skip: false })
  })
  return { phone, fields }
}

/** The rows for validateRows: the phone cell and the mapped fields (trimmed, empty ones left out). */
export function importRows(
  table: Pick<ParsedTable, 'rows' | 'rowNumbers'>,
  mapping: ColumnMapping
): ImportRow[] {
  if (mapping.phone < 0) throw new Error('choose the column that holds the phone numbers')
  const active = mapping.fields.filter((f) => !f.skip && f.index !== mapping.phone)
  return table.rows.map((cells, i) => {
    const fields: Record<string, string> = {}
    for (const f of active) {
      const value = (cells[f.index] ?? '').trim()
      if (value !== '') fields[f.key] = value
    }
    return { row: table.rowNumbers[i] ?? i + 1, phone: cells[mapping.phone] ?? '', fields }
  })
}
