import { useId, useMemo } from 'react'
import type { Facets } from '../../../../shared/domain'
import { formatCount } from '../../lib/format'
import { locationLabel, locationOptions } from './locationTree'

export type StatusFilter = 'active' | 'archived' | 'all'

export interface FilterState {
  groupId: string
  locationId: string
  status: StatusFilter
  hasPhone: boolean
  fieldKey: string
  fieldValue: string
}

export const NO_FILTERS: FilterState = {
  groupId: '',
  locationId: '',
  status: 'active',
  hasPhone: false,
  fieldKey: '',
  fieldValue: ''
}

export function filtersActive(f: FilterState): boolean {
  return Boolean(
    f.groupId || f.locationId || f.status !== 'active' || f.hasPhone || (f.fieldKey && f.fieldValue)
  )
}

const STATUSES: { value: StatusFilter; label: string }[] = [
  { value: 'active', label: 'Active' },
  { value: 'archived', label: 'Archived' },
  { value: 'all', label: 'All' }
]

const ARCHIVED_TITLE =
  'Inactive in HQ: archived workers, and accounts Roster created whose worker has not confirmed yet'

export function Filters({
  facets,
  value,
  onChange
}: {
  facets: Facets | undefined
  value: FilterState
  onChange: (next: FilterState) => void
}) {
  const id = useId()
  const set = <K extends keyof FilterState>(key: K, v: FilterState[K]) => onChange({ ...value, [key]: v })
  const locations = useMemo(() => locationOptions(facets?.locations ?? []), [facets])
  const groups = useMemo(
    () => [...(facets?.groups ?? [])].sort((a, b) => a.name.localeCompare(b.name)),
    [facets]
  )
  const fieldKeys = facets?.customFieldKeys ?? []
  // HQ lists an account Roster created among the inactive ones until its worker confirms it.
  const invited = facets?.counts.invited ?? 0

  return (
    <div className="filters" role="group" aria-label="Filters">
      <div className="filter">
        <label htmlFor={`${id}-group`}>Group</label>
        <select id={`${id}-group`} value={value.groupId} onChange={(e) => set('groupId', e.target.value)}>
          <option value="">All groups</option>
          {groups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name} ({formatCount(g.count)})
            </option>
          ))}
        </select>
      </div>

      <div className="filter">
        <label htmlFor={`${id}-location`}>Location</label>
        <select
          id={`${id}-location`}
          className="location-select"
          value={value.locationId}
          onChange={(e) => set('locationId', e.target.value)}
        >
          <option value="">All locations</option>
          {locations.map((l) => (
            <option key={l.id} value={l.id} title={l.type ?? undefined}>
              {locationLabel(l)}
            </option>
          ))}
        </select>
      </div>

      <fieldset className="filter segmented">
        <legend>Status</legend>
        <div className="segments">
          {STATUSES.map((s) => (
            <label
              key={s.value}
              className={`segment${value.status === s.value ? ' is-on' : ''}`}
              title={s.value === 'archived' ? ARCHIVED_TITLE : undefined}
            >
              <input
                type="radio"
                name={`${id}-status`}
                value={s.value}
                checked={value.status === s.value}
                onChange={() => set('status', s.value)}
              />
              {s.value === 'archived' && invited > 0 ? 'Archived or invited' : s.label}
            </label>
          ))}
        </div>
      </fieldset>

      <div className="filter filter-check">
        <label className="check-label">
          <input
            type="checkbox"
            checked={value.hasPhone}
            onChange={(e) => set('hasPhone', e.target.checked)}
          />
          Has phone
        </label>
      </div>

      {fieldKeys.length > 0 && (
        <div className="filter filter-field">
          <label htmlFor={`${id}-field`}>Custom field</label>
          <div className="field-pair">
            <select
              id={`${id}-field`}
              value={value.fieldKey}
              onChange={(e) =>
                onChange({
                  ...value,
                  fieldKey: e.target.value,
                  fieldValue: e.target.value ? value.fieldValue : ''
                })
              }
            >
              <option value="">Any field</option>
              {fieldKeys.map((key) => (
                <option key={key} value={key}>
                  {key}
                </option>
              ))}
            </select>
            <input
              aria-label="Custom field value"
              placeholder={value.fieldKey ? 'equals…' : 'Choose a field'}
              disabled={!value.fieldKey}
              value={value.fieldValue}
              onChange={(e) => set('fieldValue', e.target.value)}
            />
          </div>
        </div>
      )}
    </div>
  )
}
