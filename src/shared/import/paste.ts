import { readRecords } from './delimitedText'
import { shapeTable } from './header'
import type { PastedTable } from './table'

/**
 * Text copied from Excel, LibreOffice or Google Sheets: rows end with CRLF or LF, cells are
 * separated by tabs, and a cell holding a tab, newline or quote is quoted with "…".
 * A single copied column is just one number per line.
 */
export function parsePaste(text: string, options: { hasHeader?: boolean } = {}): PastedTable {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const { records, errors } = readRecords(body, '\t')
  return {
    kind: 'paste',
    errors,
    ...shapeTable(
      records,
      records.map((_, i) => i + 1),
      options.hasHeader
    )
  }
}
