import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  ACCOUNT_ROLES,
  accountRoleReason,
  roleOfColumn,
  slugifyKey,
  userDataKeyProblem,
  type AccountRole,
  type ColumnMapping,
  type FieldMapping
} from '../../../../shared/import/mapping'
import type { SourceInfo } from '../../import/protocol'
import { i18n } from '../../i18n'
import { ColumnsIcon } from '../../shell/icons'

/** What a column becomes: the phone, an account column (channels 2 and 3), custom data, nothing. */
type Role = 'phone' | AccountRole | 'field' | 'skip'

function isAccountRole(role: Role): role is AccountRole {
  return (ACCOUNT_ROLES as readonly string[]).includes(role)
}

function roleOf(mapping: ColumnMapping, index: number): Role {
  if (mapping.phone === index) return 'phone'
  const account = roleOfColumn(mapping.roles, index)
  if (account) return account
  const field = mapping.fields.find((f) => f.index === index)
  return field && !field.skip ? 'field' : 'skip'
}

function fieldFor(mapping: ColumnMapping, info: SourceInfo, index: number): FieldMapping {
  return (
    mapping.fields.find((f) => f.index === index) ?? {
      index,
      header: info.headers[index] ?? '',
      key: slugifyKey(info.hasHeader ? (info.headers[index] ?? '') : '', index),
      skip: true
    }
  )
}

/**
 * Sets one column's role; the old phone column becomes a custom field so nothing is lost
 * silently. An account role is one column's at a time: the column that had it becomes custom
 * data again. A column with an account role stays in `fields`, skipped, so it is not sent twice.
 */
export function withRole(mapping: ColumnMapping, info: SourceInfo, index: number, role: Role): ColumnMapping {
  const fields = new Map<number, FieldMapping>()
  for (const f of mapping.fields) fields.set(f.index, f)
  const roles = { ...mapping.roles }
  const had = roleOfColumn(roles, index)
  if (had) delete roles[had]
  let phone = mapping.phone
  if (role === 'phone') {
    if (phone >= 0 && phone !== index) fields.set(phone, { ...fieldFor(mapping, info, phone), skip: false })
    fields.delete(index)
    phone = index
  } else {
    if (phone === index) phone = -1
    const { reason: _reason, ...base } = fieldFor(mapping, info, index)
    if (isAccountRole(role)) {
      const previous = roles[role]
      if (previous !== undefined && previous !== index) {
        const { reason: _r, ...other } = fieldFor(mapping, info, previous)
        fields.set(previous, { ...other, skip: false })
      }
      roles[role] = index
      fields.set(index, { ...base, skip: true, reason: accountRoleReason(role) })
    } else {
      fields.set(index, { ...base, skip: role === 'skip' })
    }
  }
  const out: ColumnMapping = { phone, fields: [...fields.values()].sort((a, b) => a.index - b.index) }
  if (Object.keys(roles).length > 0 || mapping.roles) out.roles = roles
  return out
}

export function withKey(mapping: ColumnMapping, info: SourceInfo, index: number, key: string): ColumnMapping {
  const field = { ...fieldFor(mapping, info, index), key }
  return {
    ...mapping,
    fields: [...mapping.fields.filter((f) => f.index !== index), field].sort((a, b) => a.index - b.index)
  }
}

/**
 * Why a key cannot be sent to HQ, or null when it can. (HQ's key rules are worded by the shared
 * import code, in English for now.)
 */
export function keyProblem(mapping: ColumnMapping, index: number): string | null {
  const field = mapping.fields.find((f) => f.index === index)
  if (!field || field.skip || mapping.phone === index) return null
  const problem = userDataKeyProblem(field.key)
  if (problem) return `${problem[0]!.toUpperCase()}${problem.slice(1)}.`
  const same = mapping.fields.filter((f) => !f.skip && f.index !== mapping.phone && f.key === field.key)
  if (same.length > 1) return i18n.t('invite:mapping.sameName')
  return null
}

function sameMapping(a: ColumnMapping, b: ColumnMapping): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * Which column holds the phone numbers and what each other column becomes: a custom user data
 * field sent to HQ (under a name the coordinator can change) or nothing.
 */
export function MappingPanel({
  info,
  mapping,
  onApply,
  edits,
  disabled,
  accounts = false
}: {
  info: SourceInfo
  mapping: ColumnMapping
  onApply: (mapping: ColumnMapping) => void
  /** Undoable edits in the grid: applying a new mapping reads the rows again and loses them. */
  edits: number
  disabled?: boolean
  /** The channel creates accounts: columns can be the username, names or e-mail. */
  accounts?: boolean
}) {
  const { t } = useTranslation('invite')
  const [draft, setDraft] = useState(mapping)
  const [base, setBase] = useState(mapping)
  // A new mapping from outside (another file, a re-read) replaces the draft.
  if (base !== mapping) {
    setBase(mapping)
    setDraft(mapping)
  }
  const changed = !sameMapping(draft, mapping)
  const problems = info.headers.map((_, i) => keyProblem(draft, i))
  const blocked = draft.phone < 0 || problems.some((p) => p !== null)
  const sent = draft.fields.filter((f) => !f.skip && f.index !== draft.phone).length
  const accountColumns = accounts ? ACCOUNT_ROLES.filter((r) => draft.roles?.[r] !== undefined) : []

  return (
    <details className="imap" open={mapping.phone < 0 || changed || undefined}>
      <summary>
        <ColumnsIcon /> <strong>{t('mapping.title')}</strong>
        <span className="muted">
          {draft.phone >= 0
            ? t('mapping.phoneFrom', { header: info.headers[draft.phone] })
            : t('mapping.choosePhone')}
          {' · '}
          {sent === 0 ? t('mapping.noCustomData') : t('mapping.customData', { count: sent })}
          {accountColumns.length > 0 &&
            ` · ${t('mapping.forAccounts', {
              roles: accountColumns.map((r) => t(`mapping.roleLower.${r}`)).join(', ')
            })}`}
        </span>
      </summary>
      <div className="imap-body">
        <table className="imap-table">
          <thead>
            <tr>
              <th scope="col">{t('mapping.column')}</th>
              <th scope="col">{t('mapping.firstValues')}</th>
              <th scope="col">{t('mapping.useAs')}</th>
              <th scope="col">{t('mapping.customDataName')}</th>
            </tr>
          </thead>
          <tbody>
            {info.headers.map((header, index) => {
              const role = roleOf(draft, index)
              const field = fieldFor(draft, info, index)
              const problem = problems[index]
              const label = t('mapping.useColumnAs', { header })
              return (
                <tr key={index} className={`imap-${role}`}>
                  <th scope="row">{header}</th>
                  <td className="imap-sample">
                    {info.preview
                      .map((r) => r[index] ?? '')
                      .filter((v) => v.trim() !== '')
                      .slice(0, 3)
                      .join(' · ') || <span className="muted">{t('mapping.empty')}</span>}
                  </td>
                  <td>
                    <select
                      aria-label={label}
                      value={role}
                      disabled={disabled}
                      onChange={(e) => setDraft(withRole(draft, info, index, e.target.value as Role))}
                    >
                      <option value="phone">{t('mapping.phoneNumbers')}</option>
                      {(accounts || isAccountRole(role)) &&
                        ACCOUNT_ROLES.map((r) => (
                          <option key={r} value={r}>
                            {t(`mapping.role.${r}`)}
                          </option>
                        ))}
                      <option value="field">{t('mapping.customDataOption')}</option>
                      <option value="skip">{t('mapping.skip')}</option>
                    </select>
                  </td>
                  <td>
                    {role === 'field' ? (
                      <>
                        <input
                          aria-label={t('mapping.customDataNameFor', { header })}
                          value={field.key}
                          disabled={disabled}
                          aria-invalid={problem !== null}
                          spellCheck={false}
                          onChange={(e) => setDraft(withKey(draft, info, index, e.target.value.trim()))}
                        />
                        {problem && <div className="field-error">{problem}</div>}
                      </>
                    ) : (
                      <span className="muted small">
                        {role === 'skip'
                          ? (field.reason ?? t('mapping.notSent'))
                          : role === 'phone'
                            ? t('mapping.sentAsNumber')
                            : t(`mapping.sentAs.${role}`)}
                      </span>
                    )}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
        <div className="imap-actions">
          {draft.phone < 0 && <span className="field-error">{t('mapping.choosePhoneColumn')}</span>}
          {changed && edits > 0 && (
            <span className="imap-warn">{t('mapping.editsLost', { count: edits })}</span>
          )}
          <button
            type="button"
            className="btn btn-small"
            disabled={!changed || disabled}
            onClick={() => setDraft(mapping)}
          >
            {t('mapping.reset')}
          </button>
          <button
            type="button"
            className="btn btn-small btn-primary"
            disabled={!changed || blocked || disabled}
            onClick={() => onApply(draft)}
          >
            {t('mapping.apply')}
          </button>
        </div>
      </div>
    </details>
  )
}
