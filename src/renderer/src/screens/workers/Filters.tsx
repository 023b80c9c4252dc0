import { useTranslation } from 'react-i18next'
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

const STATUSES: readonly StatusFilter[] = ['active', 'archived', 'all']

export function Filters({
  facets,
  value,
  onChange
}: {
  facets: Facets | undefined
  value: FilterState
  onChange: (next: FilterState) => void
}) {
  const { t } = useTranslation('workers')
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
    <div className="filters" role="group" aria-label={t('filters.label')}>
      <div className="filter">
        <label htmlFor={`${id}-group`}>{t('filters.group')}</label>
        <select id={`${id}-group`} value={value.groupId} onChange={(e) => set('groupId', e.target.value)}>
          <option value="">{t('filters.allGroups')}</option>
          {groups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name} ({formatCount(g.count)})
            </option>
          ))}
        </select>
      </div>

      <div className="filter">
        <label htmlFor={`${id}-location`}>{t('filters.location')}</label>
        <select
          id={`${id}-location`}
          className="location-select"
          value={value.locationId}
          onChange={(e) => set('locationId', e.target.value)}
        >
          <option value="">{t('filters.allLocations')}</option>
          {locations.map((l) => (
            <option key={l.id} value={l.id} title={l.type ?? undefined}>
              {locationLabel(l)}
            </option>
          ))}
        </select>
      </div>

      <fieldset className="filter segmented">
        <legend>{t('filters.status')}</legend>
        <div className="segments">
          {STATUSES.map((s) => (
            <label
              key={s}
              className={`segment${value.status === s ? ' is-on' : ''}`}
              title={s === 'archived' ? t('filters.archivedTitle') : undefined}
            >
              <input
                type="radio"
                name={`${id}-status`}
                value={s}
                checked={value.status === s}
                onChange={() => set('status', s)}
              />
              {s === 'archived' && invited > 0 ? t('filters.archivedOrInvited') : t(`filters.${s}`)}
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
          {t('filters.hasPhone')}
        </label>
      </div>

      {fieldKeys.length > 0 && (
        <div className="filter filter-field">
          <label htmlFor={`${id}-field`}>{t('filters.customField')}</label>
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
              <option value="">{t('filters.anyField')}</option>
              {fieldKeys.map((key) => (
                <option key={key} value={key}>
                  {key}
                </option>
              ))}
            </select>
            <input
              aria-label={t('filters.fieldValue')}
              placeholder={value.fieldKey ? t('filters.equals') : t('filters.chooseField')}
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
