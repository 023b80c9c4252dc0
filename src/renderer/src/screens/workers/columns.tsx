import { i18n } from '../../i18n'
import type { ReactNode } from 'react'
import type { WorkerRow, WorkerSortKey } from '../../../../shared/domain'
import { formatPhone } from '../../lib/format'
import { WorkerStatusBadge, workerState, workerStateWords } from './status'

/** What the core sorts by: a standard column, or a custom field as `data:<key>`. */
export type SortKey = WorkerSortKey

export interface Column {
  id: string
  /** The header's words: a key of the workers catalogue for the standard columns, the field's own key for a custom one. */
  label: string
  /** Whether `label` is a catalogue key (standard columns) rather than HQ's own field name. */
  translated?: boolean
  /** A CSS grid track: header and rows share it, so cells line up. */
  width: string
  sort?: SortKey
  render: (row: WorkerRow) => ReactNode
  /** Tooltip for cells whose text may be cut off. */
  title?: (row: WorkerRow) => string | undefined
}

/** "amina.k@demo-project.commcarehq.org" -> "amina.k": the domain part is the same for every worker. */
export function shortUsername(username: string): string {
  const at = username.indexOf('@')
  return at > 0 && /\.commcarehq\.org$/i.test(username) ? username.slice(0, at) : username
}

function mainPhone(row: WorkerRow): string | null {
  return row.defaultPhone ?? row.phones[0] ?? null
}

export const BASE_COLUMNS: Column[] = [
  {
    id: 'name',
    label: 'column.name',
    translated: true,
    width: 'minmax(190px, 1.4fr)',
    sort: 'name',
    render: (row) => <span className="cell-strong">{row.name}</span>,
    title: (row) => row.name
  },
  {
    id: 'username',
    label: 'column.username',
    translated: true,
    width: 'minmax(160px, 1.1fr)',
    sort: 'username',
    render: (row) => shortUsername(row.username),
    title: (row) => row.username
  },
  {
    id: 'phone',
    label: 'column.phone',
    translated: true,
    width: 'minmax(160px, 1fr)',
    sort: 'phone',
    render: (row) => {
      const phone = mainPhone(row)
      if (!phone) return <span className="cell-none">{i18n.t('column.noPhone', { ns: 'workers' })}</span>
      const more = row.phones.filter((p) => p !== phone).length
      return (
        <>
          <span className="tabular">{formatPhone(phone)}</span>
          {more > 0 && <span className="cell-more"> +{more}</span>}
        </>
      )
    },
    title: (row) => row.phones.map(formatPhone).join(', ') || undefined
  },
  {
    id: 'groups',
    label: 'column.groups',
    translated: true,
    width: 'minmax(150px, 1.1fr)',
    sort: 'groups',
    render: (row) =>
      row.groupNames.length ? row.groupNames.join(', ') : <span className="cell-none">—</span>,
    title: (row) => row.groupNames.join(', ') || undefined
  },
  {
    id: 'location',
    label: 'column.location',
    translated: true,
    width: 'minmax(140px, 1fr)',
    sort: 'location',
    render: (row) => row.locationName ?? <span className="cell-none">—</span>,
    title: (row) => row.locationName ?? undefined
  },
  {
    id: 'status',
    label: 'column.status',
    translated: true,
    // Wide enough for "Invited — not confirmed yet".
    width: '200px',
    sort: 'status',
    render: (row) => <WorkerStatusBadge row={row} />,
    title: (row) => workerStateWords(workerState(row))
  }
]

export const FIELD_PREFIX = 'field:'

/** The core's sort key for a custom field. */
export function fieldSort(key: string): SortKey {
  return `data:${key}`
}

export function fieldColumn(key: string): Column {
  return {
    id: `${FIELD_PREFIX}${key}`,
    label: key,
    width: 'minmax(130px, 1fr)',
    sort: fieldSort(key),
    render: (row) => row.userData[key] ?? '',
    title: (row) => row.userData[key] || undefined
  }
}

/** The min widths added up: the table scrolls sideways below this. */
export function minTableWidth(columns: readonly Column[]): number {
  return columns.reduce((sum, c) => sum + (Number(/(\d+)px/.exec(c.width)?.[1]) || 120), 0)
}
