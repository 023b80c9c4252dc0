import { useId, useState, type FormEvent, type ReactNode } from 'react'
import { CHANNELS, CHANNEL_NAMES, type ChannelChoice } from '../../../../shared/channels'
import type { ConnectionTest, Project } from '../../../../shared/domain'
import { useApi } from '../../api/context'
import { toApiError } from '../../api/hooks'
import { useSession } from '../../session'
import { COMMON_COUNTRIES, countryName } from '../../lib/countries'
import { formatClock, formatDuration, formatWhen } from '../../lib/format'
import { AlertIcon, CheckIcon } from '../../shell/icons'
import {
  AUTO_SYNC_CHOICES,
  EMPTY_FORM,
  PRESET_LABELS,
  autoSyncFromValue,
  autoSyncValue,
  channelChoices,
  channelLine,
  describeServer,
  formFromProject,
  nextAutoSync,
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

const COUNTRY_OPTIONS = [...COMMON_COUNTRIES]
  .map((code) => ({ code, name: countryName(code) }))
  .sort((a, b) => a.name.localeCompare(b.name))
const OTHER = '__other__'

export function ConnectScreen({
  onOpenProject,
  onOpenHistory
}: {
  onOpenProject: () => void
  /** Opens History for a project (to settle the batches that keep it from being removed). */
  onOpenHistory?: (projectId: string) => void
}) {
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
        setNotice(`Saved ${saved.label || saved.domain}.`)
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
              ? `Edit ${editing.label || editing.domain}`
              : firstRun
                ? 'Connect to CommCare HQ'
                : 'Add a project'}
          </h2>
          <p className="muted">
            {firstRun
              ? 'Roster keeps an offline copy of your mobile workers and invites new ones through HQ. Start by connecting it to your project.'
              : 'Roster reads the project with your HQ API key. The key is stored encrypted on this computer and is never shown again.'}
          </p>
        </header>

        <form className="form" onSubmit={save} noValidate>
          <div className="form-row two">
            <Field label="Server" error={undefined}>
              {(id) => (
                <select
                  id={id}
                  value={form.preset}
                  disabled={locked}
                  onChange={(e) => update('preset', e.target.value as Preset)}
                >
                  {(Object.keys(PRESET_LABELS) as Preset[]).map((preset) => (
                    <option key={preset} value={preset}>
                      {PRESET_LABELS[preset]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {form.preset === 'custom' ? (
              <Field label="Server address" error={errors.customUrl}>
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
            label="Project space"
            hint={
              locked
                ? 'A saved project keeps its server, project space and username. For others, add a new project.'
                : 'The name after /a/ in your HQ addresses, for example demo-project.'
            }
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
            <Field label="Username" error={errors.username}>
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
              label="API key"
              hint={
                keepsSavedKey
                  ? 'A key is saved. Leave this empty to keep it, or paste a new one.'
                  : 'In HQ: your name › My Account Settings › API Keys.'
              }
              error={errors.apiKey}
            >
              {(id, describedBy) => (
                <input
                  id={id}
                  type="password"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder={keepsSavedKey ? '•••••••• (saved)' : 'Paste your API key'}
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
            <Field label="Name in Roster (optional)" error={errors.label}>
              {(id, describedBy) => (
                <input
                  id={id}
                  placeholder={form.domain.trim() || 'Same as the project space'}
                  value={form.label}
                  aria-describedby={describedBy}
                  onChange={(e) => update('label', e.target.value)}
                />
              )}
            </Field>
          </div>

          <div className="form-row two">
            <Field
              label="Sync automatically"
              hint="While Roster is open, after the first sync, which you start."
              error={undefined}
            >
              {(id, describedBy) => (
                <select
                  id={id}
                  value={autoSyncValue(form.autoSyncHours)}
                  aria-describedby={describedBy}
                  onChange={(e) => update('autoSyncHours', autoSyncFromValue(e.target.value))}
                >
                  {AUTO_SYNC_CHOICES.map(({ value, label }) => (
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
              {test.kind === 'testing' ? 'Testing…' : 'Test connection'}
            </button>
            <button type="submit" className="btn btn-primary" disabled={saving}>
              {saving
                ? test.kind === 'testing'
                  ? 'Checking with HQ…'
                  : 'Saving…'
                : editing
                  ? 'Save changes'
                  : 'Save project'}
            </button>
            {editing && (
              <button type="button" className="btn btn-ghost" onClick={() => startEdit(null)}>
                Cancel
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
                  <strong>Not saved yet.</strong> HQ did not confirm these details. Check them, or save anyway
                  and fix them later.
                </span>
                <button type="button" className="btn btn-small" onClick={() => void save(undefined, true)}>
                  Save anyway
                </button>
              </div>
            </div>
          )}
          {saveError && (
            <div className="callout callout-error" role="alert">
              <AlertIcon className="callout-icon" />
              <div>
                <strong>Not saved.</strong> {saveError}
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
          <h2 id="projects-heading">Saved projects</h2>
          {editing && (
            <button type="button" className="btn btn-small" onClick={() => startEdit(null)}>
              Add a project
            </button>
          )}
        </header>
        {projects?.length ? (
          <ul className="project-list" aria-label="Saved projects">
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
          <p className="muted empty-note">
            No project yet. The one you save appears here; you can keep several and switch between them.
          </p>
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
  const known = COUNTRY_OPTIONS.some((c) => c.code === value)
  const [other, setOther] = useState(!known)
  const typedId = useId()
  return (
    <Field label="Default country" hint="For phone numbers written without a country code." error={error}>
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
            {COUNTRY_OPTIONS.map(({ code, name }) => (
              <option key={code} value={code}>
                {name} ({code})
              </option>
            ))}
            <option value={OTHER}>Other country…</option>
          </select>
          {other && (
            <>
              <label htmlFor={typedId} className="visually-hidden">
                Country code
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
  if (test.kind === 'idle') return null
  if (test.kind === 'testing') {
    return (
      <div className="callout callout-info" role="status">
        <span className="spinner" aria-hidden="true" />
        <div>Asking HQ…</div>
      </div>
    )
  }
  if (test.kind === 'failed') {
    return (
      <div className="callout callout-error" role="alert">
        <AlertIcon className="callout-icon" />
        <div>
          <strong>Could not test the connection.</strong> {test.message}
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
        <strong className="test-headline">
          {result.workers.ok ? result.message : 'HQ did not let Roster read this project.'}
        </strong>
        {result.workers.ok && (
          <p className="test-channel">
            {result.channel
              ? `Automatic invitations go out by ${CHANNEL_NAMES[result.channel]}.`
              : 'Roster cannot invite workers through this server.'}
          </p>
        )}
        <ul className="checks">
          <Check name="Worker list" check={result.workers} />
          {sameFailure ? (
            <Check name="Invitations" check={{ ok: false, message: 'not checked, for the same reason.' }} />
          ) : (
            CHANNELS.map((channel) => (
              <Check key={channel} name={CHANNEL_NAMES[channel]} check={result.channels[channel]} />
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
  const probe = project?.channelProbe ?? null
  const offers = test?.workers.ok ? test.offers : (probe?.offers ?? null)
  const hint = test?.workers.ok
    ? 'As the test above found.'
    : probe
      ? `${probe.message} (checked ${formatWhen(probe.probedAt)})`
      : 'Test connection asks the server which ways it offers.'
  return (
    <Field label="Invitations go out by" hint={hint} error={undefined}>
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
          {isCurrent && <span className="pill pill-blue">Current</span>}
          {!project.hasKey && <span className="pill pill-amber">No key</span>}
        </div>
        <div className="project-sub">
          {project.domain} · {describeServer(project.server)}
        </div>
        <div className="project-sub">{project.username}</div>
        <div className="project-sub">
          {good?.endedAt
            ? `Last synced ${formatWhen(good.endedAt)}${good.durationMs !== null ? ` (took ${formatDuration(good.durationMs)})` : ''} · ${good.workers.toLocaleString('en-US')} workers`
            : 'Not synced yet'}
        </div>
        {next !== null && <div className="project-sub">Next sync about {formatNext(next, now)}</div>}
        <div className="project-sub project-channel">{channelLine(project)}</div>
        {project.channelProbe && (
          <div className="project-sub project-probe">
            {project.channelProbe.message}{' '}
            <span className="muted">(checked {formatWhen(project.channelProbe.probedAt)})</span>
          </div>
        )}
        {error && (
          <div className="callout callout-error project-error" role="alert">
            <AlertIcon className="callout-icon" />
            <div className="callout-body">
              <span>
                <strong>{name} was not removed.</strong> {error.message}
              </span>
              {error.code === 'busy' && onOpenHistory && (
                <button type="button" className="btn btn-small" onClick={onOpenHistory}>
                  Open its History
                </button>
              )}
            </div>
          </div>
        )}
      </div>
      {confirming ? (
        // Keyed apart so the red Remove button is not reused (mid-transition) as the plain Edit one.
        <div key="confirm" className="project-actions confirm" role="group" aria-label={`Remove ${name}?`}>
          <span className="confirm-text">
            Remove it from this computer, with its offline roster and its invitation history? HQ keeps its
            workers and invitations.
          </span>
          <button
            type="button"
            className="btn btn-small btn-danger"
            disabled={busy}
            onClick={() => void remove()}
          >
            {busy ? 'Removing…' : 'Remove'}
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={busy}
            onClick={() => setConfirming(false)}
          >
            Keep
          </button>
        </div>
      ) : (
        <div key="actions" className="project-actions">
          <button type="button" className="btn btn-small" onClick={onOpen} aria-label={`Open ${name}`}>
            Open
          </button>
          <button type="button" className="btn btn-small" onClick={onEdit} aria-label={`Edit ${name}`}>
            Edit
          </button>
          <button
            type="button"
            className="btn btn-small btn-ghost-danger"
            onClick={() => {
              setError(null)
              setConfirming(true)
            }}
            aria-label={`Remove ${name}`}
          >
            Remove
          </button>
        </div>
      )}
    </li>
  )
}

/** "14:32", or "tomorrow 08:05": an automatic sync is at most a day ahead. */
function formatNext(at: number, now: number): string {
  const sameDay = new Date(at).toDateString() === new Date(now).toDateString()
  return sameDay ? formatClock(at) : `tomorrow ${formatClock(at)}`
}
