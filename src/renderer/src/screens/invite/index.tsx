import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react'
import { Trans, useTranslation } from 'react-i18next'
import { createsAccounts, type Channel } from '../../../../shared/channels'
import type { Project } from '../../../../shared/domain'
import type { InviteOptions } from '../../../../shared/invite'
import { analyseMessage } from '../../../../shared/sms'
import { useApi } from '../../api/context'
import { toApiError, useQuery } from '../../api/hooks'
import type { ImportClient } from '../../import/client'
import { useImport } from '../../import/useImport'
import type { DroppedFile } from '../../shell/fileDrop'
import { isShortcut } from '../../lib/keys'
import { AlertIcon, CloseIcon, DownloadIcon } from '../../shell/icons'
import { AccountOptions, type AccountForm } from './AccountOptions'
import { ChannelPanel, projectChannel, useChannelName } from './ChannelPanel'
import { ConfirmDialog } from './ConfirmDialog'
import { FindReplace } from './FindReplace'
import { canRedo, canUndo, countStatuses } from './gridState'
import { ImportGrid } from './ImportGrid'
import { MappingPanel } from './MappingPanel'
import { rememberApp, rememberedApp } from './memory'
import { downloadText } from './download'
import { planSend, rejectedCount as countRejected, rejectedCsv, type SendChoices } from './sendPlan'
import { SendAnnouncer, SendOptions, SendResults, type SendForm } from './SendPanel'
import { SourceBar, StartPanel } from './SourcePanel'
import { ToneIcon } from './status'
import { useSend } from './useSend'
import './invite.css'

/** Drops already read: a drop is read once, even if the screen renders (or mounts) again. */
const taken = new WeakSet<DroppedFile>()

function today(): string {
  return new Date().toISOString().slice(0, 10)
}

/**
 * Invite: a list of phone numbers in (file, paste or typing), checked and fixed in a grid, then
 * sent to HQ's SMS self-registration as one batch through the outbox, with every row's answer
 * shown where the row is.
 */
export function InviteScreen({
  project: given,
  importClientFactory,
  onProjectUpdated,
  droppedFile
}: {
  project: Project
  /** Tests run the import engine in-process. */
  importClientFactory?: () => ImportClient
  /** The core saved a change to the project (the app chosen here): the session reloads it. */
  onProjectUpdated?: (project: Project) => void
  /** A file dropped anywhere on the window (on another screen, say), to read here. */
  droppedFile?: DroppedFile | null
}) {
  const api = useApi()
  const { t } = useTranslation('invite')
  // The project as last saved from here (channel, template, app), until the session hands a newer one.
  const [project, setProject] = useState(given)
  const [givenBefore, setGivenBefore] = useState(given)
  if (givenBefore !== given) {
    setGivenBefore(given)
    setProject(given)
  }
  const projectUpdated = useCallback(
    (updated: Project) => {
      setProject(updated)
      onProjectUpdated?.(updated)
    },
    [onProjectUpdated]
  )
  const channel = projectChannel(project)
  const accounts = channel !== null && createsAccounts(channel)
  const imp = useImport(api, project.id, project.defaultCountry, importClientFactory)
  const { grid, dispatch, source, mapping } = imp
  const send = useSend(api, project.id, grid, dispatch, imp.store)
  const apps = useQuery(`apps:${project.id}`, (a) => a.call('apps.list', { projectId: project.id }))
  const facets = useQuery(accounts ? `facets:${project.id}` : null, (a) =>
    a.call('workers.facets', { projectId: project.id })
  )
  const [accountForm, setAccountForm] = useState<AccountForm>({ locationId: '', groupId: '' })
  const [templateNote, setTemplateNote] = useState<string | null>(null)
  const saveTemplate = (usernameTemplate: string) => {
    setTemplateNote(null)
    api
      .call('projects.update', { projectId: project.id, usernameTemplate })
      .then(projectUpdated, (e: unknown) =>
        setTemplateNote(t('notes.templateNotSaved', { error: toApiError(e).message }))
      )
  }

  // The grid follows the channel: usernames (and the list's name and e-mail columns) for channels 2 and 3.
  const { setAccounts } = imp
  useEffect(() => {
    void setAccounts(
      channel !== null && channel !== 'sms-registration'
        ? { channel, domain: project.domain, template: project.usernameTemplate }
        : null
    )
  }, [setAccounts, channel, project.domain, project.usernameTemplate])

  const [form, setForm] = useState<SendForm>(() => ({
    // The project's app is the truth (the CLI reads it too); this computer's memory is a fallback.
    appId: project.appId ?? rememberedApp(project.id) ?? '',
    androidOnly: false,
    requireEmail: false,
    message: ''
  }))
  const [appNote, setAppNote] = useState<string | null>(null)
  const [choices, setChoices] = useState<SendChoices>({ reinvite: false, nonMobile: false })
  const [confirming, setConfirming] = useState(false)
  const [finding, setFinding] = useState(false)
  // Where Find and replace was opened from (the grid by Ctrl+H, or its toolbar button): closing it
  // gives the focus back there, not to the page's body.
  const findOpener = useRef<Element | null>(null)
  const openFind = useCallback(() => {
    // Ctrl+H again inside the panel keeps the first opener.
    if (!document.activeElement?.closest('[role="search"]')) findOpener.current = document.activeElement
    setFinding(true)
  }, [])
  const closeFind = () => {
    setFinding(false)
    setTimeout(() => {
      const opener = findOpener.current
      if (opener instanceof HTMLElement && opener.isConnected && opener !== document.body) opener.focus()
    })
  }
  const sideRef = useRef<HTMLElement>(null)
  // Sending replaces the Send button (which may have the focus again, given back by the dialog)
  // with the results: take the focus there instead of leaving it on the page's body.
  const phaseKind = send.phase.kind
  const wasIdle = useRef(phaseKind === 'idle')
  useEffect(() => {
    if (wasIdle.current && phaseKind !== 'idle') {
      const active = document.activeElement
      if (!active || active === document.body || sideRef.current?.contains(active)) {
        sideRef.current?.querySelector<HTMLElement>('.isend-results .isend-title')?.focus()
      }
    }
    wasIdle.current = phaseKind === 'idle'
  }, [phaseKind])

  // The remembered app may be gone from HQ; fall back to the first app HQ lists.
  const appList = apps.data
  const appKnown = appList?.some((a) => a.id === form.appId) ?? false
  if (appList && appList.length > 0 && !appKnown) {
    setForm({ ...form, appId: appList[0]!.id })
  }
  // The app last stored in the project (or on its way there), so it is stored once per change.
  const storedApp = useRef(project.appId)
  const storeApp = (appId: string) => {
    rememberApp(project.id, appId)
    if (storedApp.current === appId) return
    const before = storedApp.current
    storedApp.current = appId
    api.call('projects.update', { projectId: project.id, appId }).then(
      (updated) => {
        setAppNote(null)
        projectUpdated(updated)
      },
      (error: unknown) => {
        if (storedApp.current === appId) storedApp.current = before
        setAppNote(t('notes.appNotSaved', { error: toApiError(error).message }))
      }
    )
  }
  const updateForm = (next: SendForm) => {
    if (next.appId && next.appId !== form.appId) storeApp(next.appId)
    setForm(next)
  }

  // Each of these walks every row: keyed on rows and verdicts, not on the whole grid state, so
  // moving the cursor or typing in a cell does not redo them. And deferred: with 100,000 rows
  // they run in a render of their own, after the grid has drawn the new verdicts, rather than
  // adding to the same long task.
  const rows = useDeferredValue(grid.rows)
  const checks = useDeferredValue(grid.checks)
  const outcomes = useDeferredValue(grid.outcomes)
  const catchingUp = rows !== grid.rows || checks !== grid.checks
  const sendChannel: Channel = channel ?? 'sms-registration'
  const plan = useMemo(
    () => planSend({ rows, checks }, choices, sendChannel),
    [rows, checks, choices, sendChannel]
  )
  const counts = useMemo(() => countStatuses({ rows, checks }), [rows, checks])
  const messageErrors = useMemo(
    () => analyseMessage(form.message, { androidOnly: form.androidOnly, registrationUrlLength: 0 }).errors,
    [form.message, form.androidOnly]
  )
  const hasData = source !== null || grid.rows.length > 0
  const sending = send.phase.kind !== 'idle'

  const blockers: string[] = []
  if (channel === null) blockers.push(t('blockers.noChannel'))
  if (channel === 'sms-registration') {
    if (!form.appId || !appKnown) blockers.push(t('blockers.chooseApp'))
    if (messageErrors.length > 0) blockers.push(t('blockers.fixMessage'))
  }
  if (plan.pending > 0 || imp.busy || catchingUp) blockers.push(t('blockers.waitChecks'))
  else if (plan.rows.length === 0) blockers.push(t('blockers.noneReady'))
  if (grid.editing) blockers.push(t('blockers.finishEditing'))

  const openConfirm = useCallback(() => {
    if (blockers.length === 0 && !sending) setConfirming(true)
  }, [blockers.length, sending])

  const confirmSend = () => {
    setConfirming(false)
    if (channel === null) return
    let options: InviteOptions
    if (channel === 'sms-registration') {
      // An app picked for the coordinator (the first one HQ lists) becomes the project's once used.
      storeApp(form.appId)
      options = {
        channel,
        appId: form.appId,
        androidOnly: form.androidOnly,
        requireEmail: form.requireEmail,
        message: form.message.trim() === '' ? null : form.message
      }
    } else {
      options = {
        channel,
        locationId: accountForm.locationId || null,
        groupId: accountForm.groupId || null
      }
    }
    // From the grid as it is now, not as last summed up for the screen.
    const now = planSend(grid, choices, channel)
    if (now.pending > 0 || now.rows.length === 0) return
    void send.send(now, options, choices.reinvite && now.invitedBefore > 0)
  }

  const newList = () => {
    send.reset()
    imp.reset()
    setChoices({ reinvite: false, nonMobile: false })
  }

  const openFile = useCallback(
    (file: File) => {
      // While a batch is being saved or sent its rows stay on screen; afterwards a new file starts a new list.
      if (send.phase.kind === 'creating' || send.phase.kind === 'sending') return
      if (send.phase.kind !== 'idle') send.reset()
      void imp.openFile(file)
    },
    [send, imp]
  )

  // A file dropped on the window (the shell listens on every screen) is read here, once.
  useEffect(() => {
    if (!droppedFile || taken.has(droppedFile)) return
    taken.add(droppedFile)
    openFile(droppedFile.file)
  }, [droppedFile, openFile])

  // Ctrl+V on the empty screen reads the clipboard as a list; Ctrl+Enter opens the send dialog.
  useEffect(() => {
    const typing = (target: EventTarget | null) =>
      target instanceof HTMLElement &&
      (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
    const onPaste = (e: ClipboardEvent) => {
      if (hasData || typing(e.target)) return
      const text = e.clipboardData?.getData('text/plain') ?? ''
      if (text.trim() === '') return
      e.preventDefault()
      void imp.openText(text)
    }
    const onKey = (e: KeyboardEvent) => {
      if (isShortcut(e, 'Enter') && hasData) {
        e.preventDefault()
        openConfirm()
      }
      if (isShortcut(e, 'h') && hasData) {
        e.preventDefault()
        openFind()
      }
    }
    window.addEventListener('paste', onPaste)
    window.addEventListener('keydown', onKey)
    return () => {
      window.removeEventListener('paste', onPaste)
      window.removeEventListener('keydown', onKey)
    }
  }, [hasData, imp, openConfirm, openFind])

  const unknownIds = useMemo(
    () => [...outcomes.values()].filter((o) => o.status === 'unknown').map((o) => o.numberId),
    [outcomes]
  )
  const rejectedCount = useMemo(
    () => countRejected({ rows, checks, outcomes }, choices, sendChannel),
    [rows, checks, outcomes, choices, sendChannel]
  )
  const exportRejected = () => {
    const { csv } = rejectedCsv(grid, choices, sendChannel)
    downloadText(`rejected-rows-${project.domain}-${today()}.csv`, csv)
  }

  return (
    <section className="invite-screen" aria-label={t('screen.label')}>
      {imp.error && (
        <div className="callout callout-error callout-dismissable" role="alert">
          <span>
            <AlertIcon className="callout-icon" /> {imp.error}
          </span>
          <button
            type="button"
            className="icon-button"
            aria-label={t('screen.dismiss')}
            onClick={imp.clearError}
          >
            <CloseIcon />
          </button>
        </div>
      )}
      {send.error && send.phase.kind === 'idle' && (
        <div className="callout callout-error" role="alert">
          <AlertIcon className="callout-icon" /> <span>{send.error}</span>
        </div>
      )}
      {imp.lookupWarning && (
        <div className="callout callout-warn">
          <AlertIcon className="callout-icon" /> <span>{imp.lookupWarning}</span>
        </div>
      )}

      {!hasData && !imp.busy ? (
        <StartPanel
          onFile={openFile}
          onPaste={(text) => void imp.openText(text)}
          onBlank={() => void imp.startBlank()}
          country={imp.country}
          onCountry={(code) => void imp.setCountry(code)}
          side={<ChannelPanel project={project} onProjectUpdated={projectUpdated} />}
        />
      ) : (
        <div className="invite-layout">
          <div className="invite-main">
            {source && (
              <SourceBar
                info={source}
                onReread={(options) => void imp.reread(options)}
                onFile={openFile}
                onReset={newList}
                country={imp.country}
                onCountry={(code) => void imp.setCountry(code)}
                disabled={sending || imp.busy !== null}
                resetDisabled={(sending && send.phase.kind !== 'finished') || imp.busy !== null}
              />
            )}
            {source && mapping && (
              <MappingPanel
                info={source}
                mapping={mapping}
                onApply={(next) => void imp.applyMapping(next)}
                edits={grid.undo.length}
                disabled={sending || imp.busy !== null}
                accounts={accounts}
              />
            )}
            <div className="igrid-toolbar" role="toolbar" aria-label={t('toolbar.label')}>
              <div className="igrid-counts" data-testid="status-counts">
                <span className="igrid-count" data-testid="count-ready">
                  <ToneIcon tone="ready" /> {t('toolbar.ready', { count: counts.ready })}
                </span>
                <span className="igrid-count" data-testid="count-fixed">
                  <ToneIcon tone="fixed" /> {t('toolbar.fixed', { count: counts.fixed })}
                </span>
                <span className="igrid-count" data-testid="count-warning">
                  <ToneIcon tone="warning" /> {t('toolbar.warnings', { count: counts.warning })}
                </span>
                <span className="igrid-count" data-testid="count-error">
                  <ToneIcon tone="error" /> {t('toolbar.errors', { count: counts.error })}
                </span>
                {counts.pending > 0 && (
                  <span className="igrid-count muted">
                    <span className="spinner" /> {t('toolbar.checking', { count: counts.pending })}
                  </span>
                )}
              </div>
              <label className="check-label igrid-filter">
                <input
                  type="checkbox"
                  checked={grid.onlyProblems}
                  onChange={(e) => dispatch({ type: 'setFilter', onlyProblems: e.target.checked })}
                />
                {t('toolbar.onlyProblems')}
              </label>
              <div className="igrid-actions">
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={grid.locked}
                  onClick={() => dispatch({ type: 'addRow' })}
                >
                  {t('toolbar.addRow')}
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={grid.locked || (!grid.cursor && grid.selected.size === 0)}
                  title="Ctrl+Delete"
                  onClick={() => dispatch({ type: 'deleteRows' })}
                >
                  {grid.selected.size > 1
                    ? t('toolbar.deleteRows', { count: grid.selected.size })
                    : t('toolbar.deleteRow')}
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  aria-pressed={finding}
                  disabled={grid.locked}
                  title="Ctrl+H"
                  onClick={() => (finding ? closeFind() : openFind())}
                >
                  {t('toolbar.findReplace')}
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={!canUndo(grid)}
                  title="Ctrl+Z"
                  onClick={() => dispatch({ type: 'undo' })}
                >
                  {t('toolbar.undo')}
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={!canRedo(grid)}
                  title="Ctrl+Y"
                  onClick={() => dispatch({ type: 'redo' })}
                >
                  {t('toolbar.redo')}
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={rejectedCount === 0}
                  onClick={exportRejected}
                >
                  <DownloadIcon /> {t('toolbar.rejectedRows')}
                </button>
              </div>
            </div>
            {finding && !grid.locked && <FindReplace grid={grid} dispatch={dispatch} onClose={closeFind} />}
            {/* Always on the page, so what starts is read out; the progress itself stays visual. */}
            <div className="visually-hidden" role="status" aria-live="polite">
              {imp.busy ? t('busy.label', { label: imp.busy.label }) : ''}
            </div>
            <div className="igrid-frame">
              <ImportGrid
                grid={grid}
                dispatch={dispatch}
                onResolveUnknown={(ids, action) => void send.resolveUnknown(ids, action)}
                empty={grid.onlyProblems ? t('grid.noProblem') : t('grid.noRows')}
              />
              {imp.busy && (
                <div className="ibusy">
                  <strong>{t('busy.label', { label: imp.busy.label })}</strong>
                  <div className={`progress${imp.busy.progress?.total ? '' : ' is-indeterminate'}`}>
                    <div
                      className="progress-fill"
                      style={
                        imp.busy.progress?.total
                          ? {
                              width: `${Math.round((imp.busy.progress.done / imp.busy.progress.total) * 100)}%`
                            }
                          : undefined
                      }
                    />
                  </div>
                  {imp.busy.progress?.total ? (
                    <span className="muted">
                      {t('busy.progress', {
                        done: imp.busy.progress.done,
                        count: imp.busy.progress.total
                      })}
                    </span>
                  ) : null}
                </div>
              )}
            </div>
            <p className="igrid-hint muted small">{t('grid.keys')}</p>
          </div>
          <aside className="invite-side" ref={sideRef}>
            <SendAnnouncer phase={send.phase} />
            <ChannelPanel project={project} onProjectUpdated={projectUpdated} disabled={sending} />
            {send.phase.kind === 'idle' ? (
              <SendOptions
                channel={channel}
                accountOptions={
                  accounts && channel !== 'sms-registration' && channel !== null ? (
                    <AccountOptions
                      channel={channel}
                      facets={facets.data}
                      facetsError={facets.error ? facets.error.message : null}
                      form={accountForm}
                      onForm={setAccountForm}
                      template={project.usernameTemplate}
                      onTemplate={saveTemplate}
                      templateNote={templateNote}
                      fieldKeys={grid.fieldKeys}
                      first={plan.rows[0]}
                      server={project.server}
                      domain={project.domain}
                      disabled={false}
                    />
                  ) : undefined
                }
                apps={apps.data}
                appsError={apps.error ? apps.error.message : null}
                appNote={appNote}
                form={form}
                onForm={updateForm}
                choices={choices}
                onChoices={setChoices}
                plan={plan}
                server={project.server}
                domain={project.domain}
                disabled={false}
                blockers={blockers}
                onSend={openConfirm}
              />
            ) : (
              <SendResults
                phase={send.phase}
                network={send.network}
                error={send.error}
                onSendNow={() => void send.sendNow()}
                onResolveUnknown={(ids, action) => void send.resolveUnknown(ids, action)}
                unknownIds={unknownIds}
                onNewList={newList}
                onExportRejected={exportRejected}
                rejected={rejectedCount}
              />
            )}
          </aside>
        </div>
      )}

      {confirming && (
        <ConfirmDialog
          title={t('confirm.title', { count: plan.rows.length })}
          confirmLabel={t('confirm.button', { count: plan.rows.length })}
          onCancel={() => setConfirming(false)}
          onConfirm={confirmSend}
          returnFocusTo={() =>
            sideRef.current?.querySelector<HTMLElement>('.isend-results .isend-title') ?? null
          }
        >
          <ConfirmSummary
            channel={sendChannel}
            placement={[
              facets.data?.locations.find((l) => l.id === accountForm.locationId)?.name,
              facets.data?.groups.find((g) => g.id === accountForm.groupId)?.name
            ]}
            form={form}
            plan={plan}
            choices={choices}
            appName={appList?.find((a) => a.id === form.appId)?.name ?? form.appId}
          />
        </ConfirmDialog>
      )}
    </section>
  )
}

function ConfirmSummary({
  channel,
  placement,
  form,
  plan,
  choices,
  appName
}: {
  channel: Channel
  /** Channels 2 and 3: the location and group names picked for every account. */
  placement: [string | undefined, string | undefined]
  form: SendForm
  plan: ReturnType<typeof planSend>
  choices: SendChoices
  appName: string
}) {
  const { t } = useTranslation('invite')
  const channelName = useChannelName()
  const analysis = analyseMessage(form.message, { androidOnly: form.androidOnly, registrationUrlLength: 60 })
  const common = (
    <>
      {plan.errors > 0 && <li>{t('confirm.errorsLeftOut', { count: plan.errors })}</li>}
      {plan.invitedBefore > 0 && (
        <li>
          {choices.reinvite
            ? t('confirm.reinvited', { count: plan.invitedBefore })
            : t('confirm.invitedLeftOut', { count: plan.skippedInvited })}
        </li>
      )}
      {plan.skippedNonMobile > 0 && (
        <li>{t('confirm.nonMobileLeftOut', { count: plan.skippedNonMobile })}</li>
      )}
      <li className="muted">{t('confirm.savedFirst')}</li>
    </>
  )
  if (channel !== 'sms-registration') {
    return (
      <ul className="idialog-list">
        <li>
          <Trans
            t={t}
            i18nKey={channel === 'sms-confirmation' ? 'confirm.accountsBySms' : 'confirm.accountsByEmail'}
            count={plan.rows.length}
            components={{ b: <strong />, channel: <strong>{channelName(channel)}</strong> }}
          />
        </li>
        {(placement[0] || placement[1]) && (
          <li>
            {placement[0] && placement[1]
              ? t('confirm.placeBoth', { location: placement[0], group: placement[1] })
              : placement[0]
                ? t('confirm.placeLocation', { location: placement[0] })
                : t('confirm.placeGroup', { group: placement[1] })}
          </li>
        )}
        {common}
      </ul>
    )
  }
  return (
    <ul className="idialog-list">
      <li>
        <Trans
          t={t}
          i18nKey="confirm.eachNumber"
          count={plan.rows.length}
          components={{ b: <strong />, app: <strong>{appName}</strong> }}
        />
      </li>
      <li>
        {form.androidOnly ? t('confirm.androidOnly') : t('confirm.replyQuestion')}
        {form.requireEmail ? ` ${t('confirm.emailRequired')}` : ''}
      </li>
      <li>
        {analysis.blank
          ? t('confirm.defaultMessage')
          : t('confirm.yourMessage', {
              count: analysis.segments,
              encoding: analysis.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2'
            })}
      </li>
      {common}
    </ul>
  )
}
