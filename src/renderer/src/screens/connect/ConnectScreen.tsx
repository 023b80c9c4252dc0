import { useId, useMemo, useState, type FormEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { CHANNELS, type ChannelChoice } from '../../../../shared/channels'
import type { ConnectionTest, Project } from '../../../../shared/domain'
import { useApi } from '../../api/context'
import { toApiError } from '../../api/hooks'
import { useSession } from '../../session'
import { COMMON_COUNTRIES, countryName } from '../../lib/countries'
import { formatClock, formatDuration, formatWhen } from '../../lib/format'
import { useLanguage } from '../../i18n'
import { AlertIcon, CheckIcon } from '../../shell/icons'
import {
  EMPTY_FORM,
  PRESETS,
  autoSyncChoices,
  autoSyncFromValue,
  autoSyncValue,
  channelChoices,
  channelLine,
  channelName,
  describeServer,
  formFromProject,
  nextAutoSync,
  presetLabel,
  toProjectInput,
  type ConnectForm,
  type FormErrors,
  type Preset
} from './form'

type TestState =
  | { kind: 'idle' }
  | { kind: 'testing' }
  | { kind: 'answer'; result: ConnectionTest }
  | { kind: 'failed'; message: string }

/** The usual countries by name, named and sorted in the language shown. */
function countryOptions(lng: string) {
  return [...COMMON_COUNTRIES]
    .map((code) => ({ code, name: countryName(code, lng) }))
    .sort((a, b) => a.name.localeCompare(b.name, lng))
}
const OTHER = '__other__'

export function ConnectScreen({
  onOpenProject,
  onOpenHistory
}: {
  onOpenProject: () => void
  /** Opens History for a project (to settle the batches that keep it from being removed). */
  onOpenHistory?: (projectId: string) => void
}) {
  const { t } = useTranslation('connect')
  const api = useApi()
  const { projects, current, selectProject, reloadProjects } = useSession()
  const [editing, setEditing] = useState<Project | null>(null)
  const [form, setForm] = useState<ConnectForm>(EMPTY_FORM)
  const [errors, setErrors] = useState<FormErrors>({})
  const [test, setTest] = useState<TestState>({ kind: 'idle' })
  const [saving, setSaving] = useState(false)
  const [saveError, setSaveError] = useState<string | null>(null)
  /** HQ refused the typed credentials on Save: offer to save them anyway (say, to fix later). */
  const [saveBlocked, setSaveBlocked] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const firstRun = !projects?.length

  const update = <K extends keyof ConnectForm>(key: K, value: ConnectForm[K]) => {
    setForm((prev) => ({ ...prev, [key]: value }))
    setErrors((prev) => ({ ...prev, [key]: undefined }))
    setNotice(null)
    setSaveBlocked(false)
    // An answer about other credentials would mislead.
    if (key !== 'label' && key !== 'defaultCountry' && key !== 'autoSyncHours' && key !== 'channel')
      setTest({ kind: 'idle' })
  }

  const startEdit = (project: Project | null) => {
    setEditing(project)
    setForm(project ? formFromProject(project) : EMPTY_FORM)
    setErrors({})
    setTest({ kind: 'idle' })
    setSaveError(null)
    setSaveBlocked(false)
    setNotice(null)
  }

  const keepsSavedKey = Boolean(editing?.hasKey)
  // The core identifies a project by server + domain + username: an edit cannot change them.
  const locked = Boolean(editing)

  async function runTest() {
    setSaveError(null)
    const typedKey = form.apiKey.trim()
    // Editing with the key box left empty tests the key already saved.
    if (editing && keepsSavedKey && !typedKey) {
      setTest({ kind: 'testing' })
      try {
        setTest({ kind: 'answer', result: await api.call('projects.test', { projectId: editing.id }) })
      } catch (error) {
        setTest({ kind: 'failed', message: toApiError(error).message })
        return
      }
      // The core keeps what the test found as the project's channel probe: show the new one.
      const fresh = (await reloadProjects())?.find((p) => p.id === editing.id)
      if (fresh) setEditing(fresh)
      return
    }
    const checked = toProjectInput(form, { requireKey: true })
    if ('errors' in checked) {
      setErrors(checked.errors)
      setTest({ kind: 'idle' })
      return
    }
    setTest({ kind: 'testing' })
    try {
      setTest({ kind: 'answer', result: await api.call('projects.test', checked.input) })
    } catch (error) {
      setTest({ kind: 'failed', message: toApiError(error).message })
    }
  }

  async function save(event?: FormEvent, anyway = false) {
    event?.preventDefault()
    setSaveError(null)
    setSaveBlocked(false)
    const checked = toProjectInput(form, { requireKey: !keepsSavedKey })
    if ('errors' in checked) {
      setErrors(checked.errors)
      return
    }
    setSaving(true)
    // HQ read the project with these details: the saved project should keep what it offers.
    let readable = false
    try {
      // A new key is checked with HQ before it is kept, unless this form was just tested.
      if (checked.input.apiKey && !anyway) {
        let answer = test.kind === 'answer' ? test.result : null
        if (!answer) {
          setTest({ kind: 'testing' })
          try {
            answer = await api.call('projects.test', checked.input)
            setTest({ kind: 'answer', result: answer })
          } catch (error) {
            setTest({ kind: 'failed', message: toApiError(error).message })
            setSaveBlocked(true)
            return
          }
        }
        if (!answer.workers.ok) {
          setSaveBlocked(true)
          return
        }
        readable = true
      }
      let saved = await api.call('projects.save', {
        ...checked.input,
        ...(editing ? { id: editing.id } : {})
      })
      // What projects.save does not take goes in one update, only what changed.
      const patch = {
        ...(form.autoSyncHours !== saved.autoSyncHours ? { autoSyncHours: form.autoSyncHours } : {}),
        ...(form.channel !== saved.channel ? { channel: form.channel } : {})
      }
      if (Object.keys(patch).length) {
        saved = await api.call('projects.update', { projectId: saved.id, ...patch })
      }
      // The core stores a probe only on a saved project, and this one was tested before it was
      // saved: probe it again by id (side-effect free) so it shows what its server offers.
      if (readable && !saved.channelProbe) {
        void api
          .call('projects.test', { projectId: saved.id })
          .then(() => reloadProjects())
          .catch(() => {})
      }
      // The key went to the core once; it is never kept in the renderer.
      setForm((prev) => ({ ...prev, apiKey: '' }))
      await reloadProjects()
      if (editing) {
        setEditing(saved)
        setNotice(t('saved', { name: saved.label || saved.domain }))
      } else {
        selectProject(saved.id)
        onOpenProject()
      }
    } catch (error) {
      setSaveError(toApiError(error).message)
    } finally {
      setSaving(false)
    }
  }

  return (
    <div className="connect-layout">
      <section className="card connect-card" aria-labelledby="connect-heading">
        <header className="card-header">
          <h2 id="connect-heading">
            {editing
              ? t('heading.edit', { name: editing.label || editing.domain })
              : firstRun
                ? t('heading.connect')
                : t('heading.add')}
          </h2>
          <p className="muted">{firstRun ? t('intro.firstRun') : t('intro.other')}</p>
        </header>

        <form className="form" onSubmit={save} noValidate>
          <div className="form-row two">
            <Field label={t('field.server')} error={undefined}>
              {(id) => (
                <select
                  id={id}
                  value={form.preset}
                  disabled={locked}
                  onChange={(e) => update('preset', e.target.value as Preset)}
                >
                  {PRESETS.map((preset) => (
                    <option key={preset} value={preset}>
                      {presetLabel(preset)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {form.preset === 'custom' ? (
              <Field label={t('field.serverAddress')} error={errors.customUrl}>
                {(id, describedBy) => (
                  <input
                    id={id}
                    type="url"
                    inputMode="url"
                    placeholder="https://commcare.example.org"
                    value={form.customUrl}
                    readOnly={locked}
                    aria-invalid={Boolean(errors.customUrl)}
                    aria-describedby={describedBy}
                    onChange={(e) => update('customUrl', e.target.value)}
                  />
                )}
              </Field>
            ) : (
              <div aria-hidden="true" />
            )}
          </div>

          <Field
            label={t('field.projectSpace')}
            hint={locked ? t('hint.locked') : t('hint.projectSpace')}
            error={errors.domain}
          >
            {(id, describedBy) => (
              <input
                id={id}
                autoComplete="off"
                spellCheck={false}
                placeholder="demo-project"
                value={form.domain}
                readOnly={locked}
                aria-invalid={Boolean(errors.domain)}
                aria-describedby={describedBy}
                onChange={(e) => update('domain', e.target.value)}
              />
            )}
          </Field>

          <div className="form-row two">
            <Field label={t('field.username')} error={errors.username}>
              {(id, describedBy) => (
                <input
                  id={id}
                  type="email"
                  autoComplete="username"
                  spellCheck={false}
                  placeholder="you@example.org"
                  value={form.username}
                  readOnly={locked}
                  aria-invalid={Boolean(errors.username)}
                  aria-describedby={describedBy}
                  onChange={(e) => update('username', e.target.value)}
                />
              )}
            </Field>
            <Field
              label={t('field.apiKey')}
              hint={keepsSavedKey ? t('hint.keySaved') : t('hint.keyWhere')}
              error={errors.apiKey}
            >
              {(id, describedBy) => (
                <input
                  id={id}
                  type="password"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder={keepsSavedKey ? t('placeholder.keySaved') : t('placeholder.key')}
                  value={form.apiKey}
                  aria-invalid={Boolean(errors.apiKey)}
                  aria-describedby={describedBy}
                  onChange={(e) => update('apiKey', e.target.value)}
                />
              )}
            </Field>
          </div>

          <div className="form-row two">
            <CountryField
              key={editing?.id ?? 'new'}
              value={form.defaultCountry}
              error={errors.defaultCountry}
              onChange={(code) => update('defaultCountry', code)}
            />
            <Field label={t('field.label')} error={errors.label}>
              {(id, describedBy) => (
                <input
                  id={id}
                  placeholder={form.domain.trim() || t('placeholder.label')}
                  value={form.label}
                  aria-describedby={describedBy}
                  onChange={(e) => update('label', e.target.value)}
                />
              )}
            </Field>
          </div>

          <div className="form-row two">
            <Field label={t('field.autoSync')} hint={t('hint.autoSync')} error={undefined}>
              {(id, describedBy) => (
                <select
                  id={id}
                  value={autoSyncValue(form.autoSyncHours)}
                  aria-describedby={describedBy}
                  onChange={(e) => update('autoSyncHours', autoSyncFromValue(e.target.value))}
                >
                  {autoSyncChoices().map(({ value, label }) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <div aria-hidden="true" />
          </div>

          <ChannelField
            value={form.channel}
            project={editing}
            test={test.kind === 'answer' ? test.result : null}
            onChange={(channel) => update('channel', channel)}
          />

          <div className="form-actions">
            <button
              type="button"
              className="btn"
              onClick={() => void runTest()}
              disabled={test.kind === 'testing' || saving}
            >
              {test.kind === 'testing' ? t('actions.testing') : t('actions.test')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={saving}>
              {saving
                ? test.kind === 'testing'
                  ? t('actions.checking')
                  : t('actions.saving')
                : editing
                  ? t('actions.saveChanges')
                  : t('actions.saveProject')}
            </button>
            {editing && (
              <button type="button" className="btn btn-ghost" onClick={() => startEdit(null)}>
                {t('common:actions.cancel')}
              </button>
            )}
          </div>
        </form>

        <div aria-live="polite">
          <TestResult test={test} />
          {saveBlocked && (
            <div className="callout callout-warn" role="alert">
              <AlertIcon className="callout-icon" />
              <div className="callout-body">
                <span>
                  <strong>{t('blocked.title')}</strong> {t('blocked.text')}
                </span>
                <button type="button" className="btn btn-small" onClick={() => void save(undefined, true)}>
                  {t('blocked.anyway')}
                </button>
              </div>
            </div>
          )}
          {saveError && (
            <div className="callout callout-error" role="alert">
              <AlertIcon className="callout-icon" />
              <div>
                <strong>{t('notSaved')}</strong> {saveError}
              </div>
            </div>
          )}
          {notice && (
            <div className="callout callout-ok" role="status">
              <CheckIcon className="callout-icon" />
              <div>{notice}</div>
            </div>
          )}
        </div>
      </section>

      <section className="card projects-card" aria-labelledby="projects-heading">
        <header className="card-header row">
          <h2 id="projects-heading">{t('projects.heading')}</h2>
          {editing && (
            <button type="button" className="btn btn-small" onClick={() => startEdit(null)}>
              {t('heading.add')}
            </button>
          )}
        </header>
        {projects?.length ? (
          <ul className="project-list" aria-label={t('projects.heading')}>
            {projects.map((project) => (
              <SavedProject
                key={project.id}
                project={project}
                isCurrent={project.id === current?.id}
                isEditing={project.id === editing?.id}
                onOpen={() => {
                  selectProject(project.id)
                  onOpenProject()
                }}
                onEdit={() => startEdit(project)}
                onOpenHistory={onOpenHistory ? () => onOpenHistory(project.id) : undefined}
                onRemoved={async () => {
                  if (editing?.id === project.id) startEdit(null)
                  await reloadProjects()
                }}
              />
            ))}
          </ul>
        ) : (
          <p className="muted empty-note">{t('projects.empty')}</p>
        )}
      </section>
    </div>
  )
}

function Field({
  label,
  hint,
  error,
  children
}: {
  label: string
  hint?: string
  error: string | undefined
  children: (id: string, describedBy: string | undefined) => ReactNode
}) {
  const id = useId()
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(id, describedBy)}
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : (
        hint && (
          <p className="field-hint" id={hintId}>
            {hint}
          </p>
        )
      )}
    </div>
  )
}

function CountryField({
  value,
  error,
  onChange
}: {
  value: string
  error: string | undefined
  onChange: (code: string) => void
}) {
  const { t } = useTranslation('connect')
  const lng = useLanguage()
  const options = useMemo(() => countryOptions(lng), [lng])
  const known = options.some((c) => c.code === value)
  const [other, setOther] = useState(!known)
  const typedId = useId()
  return (
    <Field label={t('country.label')} hint={t('country.hint')} error={error}>
      {(id, describedBy) => (
        <div className="country-field">
          <select
            id={id}
            value={other ? OTHER : value}
            aria-describedby={describedBy}
            onChange={(e) => {
              if (e.target.value === OTHER) {
                setOther(true)
              } else {
                setOther(false)
                onChange(e.target.value)
              }
            }}
          >
            {options.map(({ code, name }) => (
              <option key={code} value={code}>
                {name} ({code})
              </option>
            ))}
            <option value={OTHER}>{t('country.other')}</option>
          </select>
          {other && (
            <>
              <label htmlFor={typedId} className="visually-hidden">
                {t('country.code')}
              </label>
              <input
                id={typedId}
                className="country-code"
                maxLength={2}
                placeholder="KE"
                value={value}
                aria-invalid={Boolean(error)}
                onChange={(e) => onChange(e.target.value.toUpperCase().replace(/[^A-Z]/g, ''))}
              />
            </>
          )}
        </div>
      )}
    </Field>
  )
}

function TestResult({ test }: { test: TestState }) {
  const { t } = useTranslation('connect')
  if (test.kind === 'idle') return null
  if (test.kind === 'testing') {
    return (
      <div className="callout callout-info" role="status">
        <span className="spinner" aria-hidden="true" />
        <div>{t('test.asking')}</div>
      </div>
    )
  }
  if (test.kind === 'failed') {
    return (
      <div className="callout callout-error" role="alert">
        <AlertIcon className="callout-icon" />
        <div>
          <strong>{t('test.failed')}</strong> {test.message}
        </div>
      </div>
    )
  }
  const { result } = test
  const tone = !result.workers.ok ? 'error' : result.channel ? 'ok' : 'warn'
  // A refused key fails every check alike: say it once.
  const sameFailure =
    !result.workers.ok && CHANNELS.every((c) => result.channels[c].message.includes(result.workers.message))
  return (
    <div className={`callout callout-${tone} test-result`} role={tone === 'error' ? 'alert' : 'status'}>
      {tone === 'ok' ? <CheckIcon className="callout-icon" /> : <AlertIcon className="callout-icon" />}
      <div>
        <strong className="test-headline">{result.workers.ok ? result.message : t('test.refused')}</strong>
        {result.workers.ok && (
          <p className="test-channel">
            {result.channel
              ? t('test.channel', { channel: channelName(result.channel) })
              : t('test.noChannel')}
          </p>
        )}
        <ul className="checks">
          <Check name={t('test.workerList')} check={result.workers} />
          {sameFailure ? (
            <Check name={t('test.invitations')} check={{ ok: false, message: t('test.sameReason') }} />
          ) : (
            CHANNELS.map((channel) => (
              <Check key={channel} name={channelName(channel)} check={result.channels[channel]} />
            ))
          )}
        </ul>
      </div>
    </div>
  )
}

/**
 * How the project's invitations go out: automatic (what the server offers) or one channel. The
 * hint says what the last probe found, from this form's test when there is one, else as stored.
 */
function ChannelField({
  value,
  project,
  test,
  onChange
}: {
  value: ChannelChoice
  project: Project | null
  test: ConnectionTest | null
  onChange: (channel: ChannelChoice) => void
}) {
  const { t } = useTranslation('connect')
  const probe = project?.channelProbe ?? null
  const offers = test?.workers.ok ? test.offers : (probe?.offers ?? null)
  // The probe's message is the core's words, shown as the core sends it.
  const hint = test?.workers.ok
    ? t('channelField.asTested')
    : probe
      ? `${probe.message} ${t('checked', { when: formatWhen(probe.probedAt) })}`
      : t('channelField.untested')
  return (
    <Field label={t('channelField.label')} hint={hint} error={undefined}>
      {(id, describedBy) => (
        <select
          id={id}
          value={value}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value as ChannelChoice)}
        >
          {channelChoices(offers).map(({ value: choice, label }) => (
            <option key={choice} value={choice}>
              {label}
            </option>
          ))}
        </select>
      )}
    </Field>
  )
}

function Check({ name, check }: { name: string; check: { ok: boolean; message: string } }) {
  return (
    <li className={`check ${check.ok ? 'check-ok' : 'check-bad'}`}>
      {check.ok ? <CheckIcon className="check-icon" /> : <AlertIcon className="check-icon" />}
      <span className="check-text">
        <span className="check-name">{name}:</span> {check.message}
      </span>
    </li>
  )
}

function SavedProject({
  project,
  isCurrent,
  isEditing,
  onOpen,
  onEdit,
  onRemoved,
  onOpenHistory
}: {
  project: Project
  isCurrent: boolean
  isEditing: boolean
  onOpen: () => void
  onEdit: () => void
  onRemoved: () => Promise<void>
  onOpenHistory: (() => void) | undefined
}) {
  const { t } = useTranslation('connect')
  const api = useApi()
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<{ code: string; message: string } | null>(null)
  const name = project.label || project.domain
  const good = project.lastGoodSync
  const now = Date.now()
  const next = nextAutoSync(project, now)

  async function remove() {
    setBusy(true)
    setError(null)
    try {
      await api.call('projects.remove', { projectId: project.id })
      await onRemoved()
    } catch (e) {
      const apiError = toApiError(e)
      setError({ code: apiError.code, message: apiError.message })
      setBusy(false)
      // Refused: nothing was removed, so there is nothing left to confirm.
      setConfirming(false)
    }
  }

  return (
    <li
      className={`project-item${isCurrent ? ' is-current' : ''}${isEditing ? ' is-editing' : ''}`}
      aria-label={name}
    >
      <div className="project-main">
        <div className="project-name">
          {name}
          {isCurrent && <span className="pill pill-blue">{t('project.current')}</span>}
          {!project.hasKey && <span className="pill pill-amber">{t('project.noKey')}</span>}
        </div>
        <div className="project-sub">
          {project.domain} · {describeServer(project.server)}
        </div>
        <div className="project-sub">{project.username}</div>
        <div className="project-sub">
          {good?.endedAt
            ? `${
                good.durationMs !== null
                  ? t('shell:topbar.lastSyncedTook', {
                      when: formatWhen(good.endedAt),
                      duration: formatDuration(good.durationMs)
                    })
                  : t('shell:topbar.lastSynced', { when: formatWhen(good.endedAt) })
              } · ${t('project.workers', { count: good.workers })}`
            : t('shell:topbar.notSynced')}
        </div>
        {/* An automatic sync is at most a day ahead: "14:32" or "tomorrow 08:05". */}
        {next !== null && (
          <div className="project-sub">
            {t('project.nextSync', {
              when:
                new Date(next).toDateString() === new Date(now).toDateString()
                  ? formatClock(next)
                  : t('project.tomorrow', { clock: formatClock(next) })
            })}
          </div>
        )}
        <div className="project-sub project-channel">{channelLine(project)}</div>
        {project.channelProbe && (
          <div className="project-sub project-probe">
            {project.channelProbe.message}{' '}
            <span className="muted">{t('checked', { when: formatWhen(project.channelProbe.probedAt) })}</span>
          </div>
        )}
        {error && (
          <div className="callout callout-error project-error" role="alert">
            <AlertIcon className="callout-icon" />
            <div className="callout-body">
              <span>
                <strong>{t('project.notRemoved', { name })}</strong> {error.message}
              </span>
              {error.code === 'busy' && onOpenHistory && (
                <button type="button" className="btn btn-small" onClick={onOpenHistory}>
                  {t('project.openHistory')}
                </button>
              )}
            </div>
          </div>
        )}
      </div>
      {confirming ? (
        // Keyed apart so the red Remove button is not reused (mid-transition) as the plain Edit one.
        <div
          key="confirm"
          className="project-actions confirm"
          role="group"
          aria-label={t('project.removeQuestion', { name })}
        >
          <span className="confirm-text">{t('project.removeText')}</span>
          <button
            type="button"
            className="btn btn-small btn-danger"
            disabled={busy}
            onClick={() => void remove()}
          >
            {busy ? t('project.removing') : t('project.remove')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={busy}
            onClick={() => setConfirming(false)}
          >
            {t('project.keep')}
          </button>
        </div>
      ) : (
        <div key="actions" className="project-actions">
          <button
            type="button"
            className="btn btn-small"
            onClick={onOpen}
            aria-label={t('project.openName', { name })}
          >
            {t('project.open')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={onEdit}
            aria-label={t('project.editName', { name })}
          >
            {t('project.edit')}
          </button>
          <button
            type="button"
            className="btn btn-small btn-ghost-danger"
            onClick={() => {
              setError(null)
              setConfirming(true)
            }}
            aria-label={t('project.removeName', { name })}
          >
            {t('project.remove')}
          </button>
        </div>
      )}
    </li>
  )
}
