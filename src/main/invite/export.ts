import type Database from 'better-sqlite3'
import Papa from 'papaparse'
import { batchRow, getBatch } from './summary'

/** A cell a spreadsheet would run as a formula gets a leading apostrophe (CSV injection). */
function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}

/**
 * One batch's numbers with their outcome, for a spreadsheet: file row, number, status, HQ's
 * reason, registration follow-up and the custom user data that was sent. Phone numbers are
 * written as E.164 text (a "+" followed by digits is a number to a spreadsheet, not a formula).
 */
export function exportBatchCsv(
  db: Database.Database,
  batchId: number
): { filename: string; csv: string; rows: number } {
  const { batch, numbers } = getBatch(db, batchId)
  const project = db
    .prepare('SELECT domain FROM projects WHERE id = ?')
    .get(batchRow(db, batchId).project_id) as { domain: string } | undefined
  const dataKeys = [...new Set(numbers.flatMap((n) => Object.keys(n.customUserData)))].sort()
  const fields = [
    'row',
    'phone_number',
    'status',
    'reason',
    'registered_worker_id',
    'registered_at',
    'updated_at',
    ...dataKeys
  ]
  const data = numbers.map((n) => [
    String(n.row),
    n.e164,
    n.status,
    safeCell(n.reason ?? ''),
    n.registeredWorkerId ?? '',
    n.registeredAt ?? '',
    n.updatedAt,
    ...dataKeys.map((k) => safeCell(n.customUserData[k] ?? ''))
  ])
  // The BOM tells Excel on Windows the file is UTF-8 (custom data in Amharic, Arabic, accents).
  const csv = '\uFEFF' + Papa.unparse({ fields: fields.map(safeCell), data }, { newline: '\r\n' })
  const day = batch.createdAt.slice(0, 10)
  const domain = (project?.domain ?? 'project').replace(/[^A-Za-z0-9-]/g, '_')
  return { filename: `invitations-${domain}-batch-${batchId}-${day}.csv`, csv, rows: numbers.length }
}
