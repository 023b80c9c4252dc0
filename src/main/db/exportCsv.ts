import Papa from 'papaparse'
import type { WorkerFilter, WorkerRow } from '../../shared/domain'
import type { Db } from './open'
import { getProject } from './projects'
import { customFieldKeys, iterateWorkers } from './workerQueries'

/** Column ids of the CSV export; custom fields are "data:<key>". */
export const STANDARD_COLUMNS = {
  name: 'Name',
  first_name: 'First name',
  last_name: 'Last name',
  username: 'Username',
  email: 'Email',
  default_phone: 'Default phone',
  phones: 'Phone numbers',
  groups: 'Groups',
  location: 'Location',
  status: 'Status',
  id: 'HQ id'
} as const satisfies Record<string, string>

type StandardColumn = keyof typeof STANDARD_COLUMNS

function cell(row: WorkerRow, column: string): string {
  if (column.startsWith('data:')) return row.userData[column.slice(5)] ?? ''
  switch (column as StandardColumn) {
    case 'name':
      return row.name
    case 'first_name':
      return row.firstName
    case 'last_name':
      return row.lastName
    case 'username':
      return row.username
    case 'email':
      return row.email
    case 'default_phone':
      return row.defaultPhone ?? ''
    case 'phones':
      return row.phones.join('; ')
    case 'groups':
      return row.groupNames.join('; ')
    case 'location':
      return row.locationName ?? ''
    case 'status':
      return row.archived ? 'archived' : 'active'
    case 'id':
      return row.id
  }
  return ''
}

/**
 * A spreadsheet would run a cell that starts with "=", "@", or "+"/"-" followed by something
 * other than a number as a formula. Phone numbers ("+254...") stay as they are.
 */
export function safeCell(text: string): string {
  if (/^[=@\t\r]/.test(text) || /^[+-](?![\d\s().-]*$)/.test(text)) return `'${text}`
  return text
}

const UTF8_BOM = '\uFEFF'

/**
 * The roster as CSV for the given filter (all custom fields unless columns say otherwise),
 * starting with a UTF-8 byte order mark for Excel.
 */
export function workersCsv(
  db: Db,
  filter: WorkerFilter,
  columns?: readonly string[],
  now: Date = new Date()
): { filename: string; csv: string; rows: number } {
  const project = getProject(db, filter.projectId)
  if (!project) throw new Error(`There is no saved project with id ${filter.projectId}.`)
  const chosen = columns?.length
    ? columns.filter((c) => c in STANDARD_COLUMNS || c.startsWith('data:'))
    : [...Object.keys(STANDARD_COLUMNS), ...customFieldKeys(db, project.id).map((k) => `data:${k}`)]
  const header = chosen.map((c) =>
    c.startsWith('data:') ? c.slice(5) : STANDARD_COLUMNS[c as StandardColumn]
  )
  const data: string[][] = []
  for (const row of iterateWorkers(db, filter)) data.push(chosen.map((c) => safeCell(cell(row, c))))
  // The BOM tells Excel on Windows the file is UTF-8; without it names in Amharic, Arabic or
  // with accents open as mojibake.
  const csv = UTF8_BOM + Papa.unparse({ fields: header, data }, { newline: '\r\n' })
  const date = now.toISOString().slice(0, 10)
  return { filename: `${project.domain}-workers-${date}.csv`, csv, rows: data.length }
}
