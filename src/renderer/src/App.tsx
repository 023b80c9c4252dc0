import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { SessionProvider, useSession } from './session'
import { Sidebar, type Screen } from './shell/Sidebar'
import { TopBar } from './shell/TopBar'
import { ConnectScreen } from './screens/connect/ConnectScreen'
import { WorkersScreen } from './screens/workers/WorkersScreen'
import { InviteScreen } from './screens/invite'
import { HistoryScreen } from './screens/history'
import { isShortcut } from './lib/keys'
import { useFileDrop, type DroppedFile } from './shell/fileDrop'
import { useWaitingBatches, WaitingBanner } from './shell/WaitingBatches'
import { UpdateNotice } from './shell/UpdateNotice'
import { useApi } from './api/context'

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  )
}

function Shell() {
  const { t } = useTranslation()
  const session = useSession()
  const { projects, current, sync, startSync, network, selectProject, reloadProjects } = session
  const [chosen, setChosen] = useState<Screen | null>(null)
  const [dropped, setDropped] = useState<DroppedFile | null>(null)
  const [historyFocus, setHistoryFocus] = useState<{ batchId: number } | null>(null)

  // First run opens on Connect; later runs on Workers for the last project. Without a project
  // only Connect makes sense, whatever was chosen before (say, the last project was removed).
  const screen: Screen = !current ? 'connect' : (chosen ?? 'workers')

  // A list of numbers dropped on any screen opens on Invite.
  const dragging = useFileDrop(Boolean(current), (file) => {
    setDropped({ file })
    setChosen('invite')
  })

  const api = useApi()
  const waiting = useWaitingBatches(current?.id ?? null, network)
  const review = (batchId: number) => {
    setHistoryFocus({ batchId })
    setChosen('history')
  }

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isShortcut(event, 's', { shift: true })) {
        event.preventDefault()
        if (current && !sync.running) void startSync()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [current, sync.running, startSync])

  useEffect(() => {
    document.title = current
      ? `${t(`screens.${screen}`)} · ${current.label || current.domain} · Roster`
      : 'Roster'
  }, [screen, current, t])

  if (projects === undefined) {
    return (
      <div className="boot" role="status">
        {session.projectsError ? (
          <div className="boot-error" role="alert">
            <h1>{t('app.couldNotStart')}</h1>
            <p>{session.projectsError.message}</p>
            <button type="button" className="btn btn-primary" onClick={() => void session.reloadProjects()}>
              {t('actions.tryAgain')}
            </button>
          </div>
        ) : (
          <span className="muted">{t('app.opening')}</span>
        )}
      </div>
    )
  }

  return (
    <div className="app">
      {/* First on the page: a keyboard skips the sidebar and lands on the screen itself. */}
      <button type="button" className="skip-link" onClick={() => document.getElementById('content')?.focus()}>
        {t('app.skipToContent')}
      </button>
      <Sidebar
        screen={screen}
        onNavigate={(target) => {
          setHistoryFocus(null)
          setChosen(target)
        }}
      />
      <div className="main">
        <TopBar title={t(`screens.${screen}`)} />
        <UpdateNotice onRestart={() => void api.call('app.restartToUpdate', {}).catch(() => undefined)} />
        {screen !== 'connect' && (
          <WaitingBanner batches={waiting.batches} onReview={review} onDismiss={waiting.dismiss} />
        )}
        <main className="content" id="content" tabIndex={-1}>
          {screen === 'connect' && (
            <ConnectScreen
              onOpenProject={() => setChosen('workers')}
              onOpenHistory={(projectId) => {
                selectProject(projectId)
                setHistoryFocus(null)
                setChosen('history')
              }}
            />
          )}
          {screen === 'workers' && current && (
            <WorkersScreen key={current.id} project={current} onOpenBatch={review} />
          )}
          {screen === 'invite' && current && (
            <InviteScreen
              key={current.id}
              project={current}
              droppedFile={dropped}
              onProjectUpdated={() => void reloadProjects()}
            />
          )}
          {screen === 'history' && current && (
            <HistoryScreen key={current.id} project={current} focus={historyFocus} />
          )}
        </main>
      </div>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <div>{screen === 'invite' ? t('drop.here') : t('drop.toInvite')}</div>
        </div>
      )}
    </div>
  )
}
