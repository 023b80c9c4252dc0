/**
 * The plain-text tables of `workers`, `validate` and `history`: columns padded to their widest
 * cell, the last one left as it is. Widths are found with a loop, never by spreading every row
 * into Math.max, which overflows the call stack on a file of 150,000 rows.
 */

/** The widest cell of each column, header included. */
export function columnWidths(head: readonly string[], body: readonly (readonly string[])[]): number[] {
  const widths = head.map((h) => h.length)
  for (const cells of body) {
    for (let i = 0; i < widths.length; i++) {
      const length = cells[i]?.length ?? 0
      if (length > widths[i]!) widths[i] = length
    }
  }
  return widths
}

/** Header and rows, two spaces between columns, one line each, ending with a newline. */
export function formatTable(head: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = columnWidths(head, body)
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  const lines = [line(head)]
  for (const cells of body) lines.push(line(cells))
  return `${lines.join('\n')}\n`
}
