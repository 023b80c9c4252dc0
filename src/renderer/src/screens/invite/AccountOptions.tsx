import { useId, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { hqConfirmationSms, type Channel } from '../../../../shared/channels'
import type { Facets } from '../../../../shared/domain'
import { countSegments } from '../../../../shared/sms'
import { usernameTemplateProblem } from '../../../../shared/username'
import type { PlanRow } from './sendPlan'

/**
 * HQ's confirmation link (`/a/<domain>/settings/users/commcare/confirm_account_sms/<token>/`)
 * carries an encrypted token whose length Roster cannot know; a long one errs on the side of
 * counting an SMS too many, never one too few.
 */
const CONFIRMATION_TOKEN_LENGTH = 88

export function exampleConfirmationUrl(server: string, domain: string): string {
  return `${server.replace(/\/+$/, '')}/a/${domain}/settings/users/commcare/confirm_account_sms/${'X'.repeat(CONFIRMATION_TOKEN_LENGTH)}/`
}

/** The name HQ greets the worker with: the account's full name, else its username. */
export function greetingName(row: Pick<PlanRow, 'firstName' | 'lastName' | 'username'>): string {
  const full = [row.firstName, row.lastName]
    .map((p) => p?.trim() ?? '')
    .filter(Boolean)
    .join(' ')
  return full || row.username || 'worker'
}

export interface AccountForm {
  locationId: string
  groupId: string
}

/**
 * What only channels 2 and 3 have: the location and group every new account gets, the template
 * for usernames the list does not give, and (channel 2) the SMS HQ itself sends, which Roster
 * cannot change.
 */
export function AccountOptions({
  channel,
  facets,
  facetsError,
  form,
  onForm,
  template,
  onTemplate,
  templateNote,
  fieldKeys,
  first,
  server,
  domain,
  disabled
}: {
  channel: Exclude<Channel, 'sms-registration'>
  facets: Facets | undefined
  facetsError: string | null
  form: AccountForm
  onForm: (form: AccountForm) => void
  /** The project's username template. */
  template: string
  onTemplate: (template: string) => void
  /** Why the template could not be saved, or null. */
  templateNote: string | null
  /** The list's custom fields, which `{data:<field>}` may name. */
  fieldKeys: readonly string[]
  /** The first row to be sent, for the SMS preview. */
  first: PlanRow | undefined
  server: string
  domain: string
  disabled: boolean
}) {
  const { t } = useTranslation('invite')
  const locationId = useId()
  const groupId = useId()
  const templateId = useId()
  const [draft, setDraft] = useState(template)
  const [base, setBase] = useState(template)
  // A template saved elsewhere (or by this field) replaces the draft.
  if (base !== template) {
    setBase(template)
    setDraft(template)
  }
  const problem = usernameTemplateProblem(draft, fieldKeys)
  // A template HQ's rules cannot fill is kept as a draft, with why, not saved in the project.
  const saveTemplate = () => {
    const t = draft.trim()
    if (t === template || problem) return
    onTemplate(t)
  }
  const locations = useMemo(() => locationLabels(facets?.locations ?? []), [facets])

  return (
    <div className="iaccount" data-testid="account-options">
      <div className="field">
        <label htmlFor={templateId}>{t('accounts.template')}</label>
        <input
          id={templateId}
          value={draft}
          disabled={disabled}
          spellCheck={false}
          aria-invalid={problem !== undefined}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={saveTemplate}
          onKeyDown={(e) => {
            if (e.key === 'Enter') saveTemplate()
          }}
        />
        <div className="field-hint">{t('accounts.templateHint')}</div>
        {problem && <div className="field-error">{problem[0]!.toUpperCase() + problem.slice(1)}.</div>}
        {templateNote && (
          <div className="field-error" role="status">
            {templateNote}
          </div>
        )}
      </div>
      <div className="field">
        <label htmlFor={locationId}>{t('accounts.location')}</label>
        <select
          id={locationId}
          value={form.locationId}
          disabled={disabled || !facets}
          onChange={(e) => onForm({ ...form, locationId: e.target.value })}
        >
          <option value="">{t('accounts.noLocation')}</option>
          {locations.map((l) => (
            <option key={l.id} value={l.id}>
              {l.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={groupId}>{t('accounts.group')}</label>
        <select
          id={groupId}
          value={form.groupId}
          disabled={disabled || !facets}
          onChange={(e) => onForm({ ...form, groupId: e.target.value })}
        >
          <option value="">{t('accounts.noGroup')}</option>
          {facets?.groups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
        {facetsError && <div className="field-error">{facetsError}</div>}
        {facets && facets.groups.length === 0 && facets.locations.length === 0 && (
          <div className="field-hint">{t('accounts.syncForFacets')}</div>
        )}
      </div>
      {channel === 'sms-confirmation' ? (
        <ConfirmationSmsPreview first={first} server={server} domain={domain} />
      ) : (
        <p className="muted small">{t('accounts.emailNote')}</p>
      )}
    </div>
  )
}

/** HQ's confirmation SMS for the first row, with what it costs: Roster cannot change its text. */
export function ConfirmationSmsPreview({
  first,
  server,
  domain
}: {
  first: PlanRow | undefined
  server: string
  domain: string
}) {
  const { t } = useTranslation('invite')
  // HQ's own words, in HQ's language: only the caption and the counter around them are Roster's.
  const text = hqConfirmationSms({
    name: first ? greetingName(first) : 'Amina Diallo',
    domain,
    username: `${first?.username ?? 'amina.diallo'}@${domain}.commcarehq.org`,
    url: exampleConfirmationUrl(server, domain)
  })
  const count = countSegments(text)
  return (
    <figure className="msg-preview" data-testid="hq-sms-preview">
      <figcaption>
        {first ? t('accounts.smsCaptionRow', { row: first.row }) : t('accounts.smsCaption')}
      </figcaption>
      <div className="msg-bubble">{text}</div>
      <div className="msg-count" data-testid="hq-sms-count">
        <span>{t('message.length', { count: count.length })}</span>
        <span className={count.segments > 1 ? 'msg-count-warn' : undefined}>
          {t('message.segments', { count: count.segments })}
        </span>
        <span className={count.encoding === 'ucs2' ? 'msg-count-warn' : undefined}>
          {t(count.encoding === 'gsm7' ? 'message.gsm7' : 'message.ucs2', { perSegment: count.perSegment })}
        </span>
      </div>
      <p className="muted small">{t('accounts.linkLength')}</p>
    </figure>
  )
}

/** Locations as "Kenya › Kisumu", sorted the way the tree reads. */
function locationLabels(locations: Facets['locations']): { id: string; label: string }[] {
  const byId = new Map(locations.map((l) => [l.id, l]))
  const label = (id: string): string => {
    const parts: string[] = []
    const seen = new Set<string>()
    for (
      let at = byId.get(id);
      at && !seen.has(at.id);
      at = at.parentId ? byId.get(at.parentId) : undefined
    ) {
      seen.add(at.id)
      parts.unshift(at.name)
    }
    return parts.join(' › ')
  }
  return locations
    .map((l) => ({ id: l.id, label: label(l.id) }))
    .sort((a, b) => a.label.localeCompare(b.label))
}
