import { useEffect, useState } from 'react'
import { SessionProvider, useSession } from './session'
import { Sidebar, type Screen } from './shell/Sidebar'
import { TopBar } from './shell/TopBar'
import { ConnectScreen } from './screens/connect/ConnectScreen'
import { WorkersScreen } from './screens/workers/WorkersScreen'
import { InviteScreen } from './screens/invite'
import { HistoryScreen } from './screens/history'
import { isShortcut } from './lib/keys'

const TITLES: Record<Screen, string> = {
  workers: 'Workers',
  invite: 'Invite',
  history: 'History',
  connect: 'Projects'
}

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  )
}

function Shell() {
  const session = useSession()
  const { projects, current, sync, startSync } = session
  const [chosen, setChosen] = useState<Screen | null>(null)

  // First run opens on Connect; later runs on Workers for the last project. Without a project
  // only Connect makes sense, whatever was chosen before (say, the last project was removed).
  const screen: Screen = !current ? 'connect' : (chosen ?? 'workers')

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
    document.title = current ? `${TITLES[screen]} · ${current.label || current.domain} · Roster` : 'Roster'
  }, [screen, current])

  if (projects === undefined) {
    return (
      <div className="boot" role="status">
        {session.projectsError ? (
          <div className="boot-error" role="alert">
            <h1>Roster could not start</h1>
            <p>{session.projectsError.message}</p>
            <button type="button" className="btn btn-primary" onClick={() => void session.reloadProjects()}>
              Try again
            </button>
          </div>
        ) : (
          <span className="muted">Opening Roster…</span>
        )}
      </div>
    )
  }

  return (
    <div className="app">
      <Sidebar screen={screen} onNavigate={setChosen} />
      <div className="main">
        <TopBar title={TITLES[screen]} />
        <main className="content" id="content">
          {screen === 'connect' && <ConnectScreen onOpenProject={() => setChosen('workers')} />}
          {screen === 'workers' && current && <WorkersScreen key={current.id} project={current} />}
          {screen === 'invite' && current && <InviteScreen key={current.id} project={current} />}
          {screen === 'history' && current && <HistoryScreen key={current.id} project={current} />}
        </main>
      </div>
    </div>
  )
}
