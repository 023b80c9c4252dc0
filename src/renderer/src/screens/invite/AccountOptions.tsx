import { useId, useMemo, useState } from 'react'
import { hqConfirmationSms, type Channel } from '../../../../shared/channels'
import type { Facets } from '../../../../shared/domain'
import { countSegments } from '../../../../shared/sms'
import { usernameTemplateProblem } from '../../../../shared/username'
import { plural } from '../../lib/format'
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
        <label htmlFor={templateId}>Usernames for rows without one</label>
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
        <div className="field-hint">
          {'{first}'}, {'{last}'}, {'{name}'}, {'{digits}'}, {'{row}'} or {'{data:<field>}'}; without a name,
          the phone’s digits. Roster adds a number when a username is taken.
        </div>
        {problem && <div className="field-error">{problem[0]!.toUpperCase() + problem.slice(1)}.</div>}
        {templateNote && (
          <div className="field-error" role="status">
            {templateNote}
          </div>
        )}
      </div>
      <div className="field">
        <label htmlFor={locationId}>Location for every new account</label>
        <select
          id={locationId}
          value={form.locationId}
          disabled={disabled || !facets}
          onChange={(e) => onForm({ ...form, locationId: e.target.value })}
        >
          <option value="">No location</option>
          {locations.map((l) => (
            <option key={l.id} value={l.id}>
              {l.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={groupId}>Group for every new account</label>
        <select
          id={groupId}
          value={form.groupId}
          disabled={disabled || !facets}
          onChange={(e) => onForm({ ...form, groupId: e.target.value })}
        >
          <option value="">No group</option>
          {facets?.groups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
        {facetsError && <div className="field-error">{facetsError}</div>}
        {facets && facets.groups.length === 0 && facets.locations.length === 0 && (
          <div className="field-hint">
            Sync the project on the Workers screen to pick from its groups and locations.
          </div>
        )}
      </div>
      {channel === 'sms-confirmation' ? (
        <ConfirmationSmsPreview first={first} server={server} domain={domain} />
      ) : (
        <p className="muted small">
          HQ e-mails each worker its own confirmation message: rows without an e-mail address cannot be sent.
        </p>
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
        The SMS HQ sends {first ? `row ${first.row}` : 'each worker'} (HQ’s own text, which Roster cannot
        change)
      </figcaption>
      <div className="msg-bubble">{text}</div>
      <div className="msg-count" data-testid="hq-sms-count">
        <span>{count.length} characters</span>
        <span className={count.segments > 1 ? 'msg-count-warn' : undefined}>
          {plural(count.segments, 'SMS', 'SMS')}
        </span>
        <span className={count.encoding === 'ucs2' ? 'msg-count-warn' : undefined}>
          {count.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2 (Unicode)'} · {count.perSegment} per SMS
        </span>
      </div>
      <p className="muted small">The link’s length varies by server; Roster counts a long one.</p>
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
