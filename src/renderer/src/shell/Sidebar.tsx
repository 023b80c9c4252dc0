import { useId } from 'react'
import { useSession } from '../session'
import { useQuery } from '../api/hooks'
import { LanguageMenu } from './LanguageMenu'
import { HistoryIcon, LogoMark, PlugIcon, SendIcon, UsersIcon } from './icons'

export type Screen = 'workers' | 'invite' | 'history' | 'connect'

const NAV: { screen: Screen; label: string; Icon: typeof UsersIcon; needsProject: boolean }[] = [
  { screen: 'workers', label: 'Workers', Icon: UsersIcon, needsProject: true },
  { screen: 'invite', label: 'Invite', Icon: SendIcon, needsProject: true },
  { screen: 'history', label: 'History', Icon: HistoryIcon, needsProject: true },
  { screen: 'connect', label: 'Projects', Icon: PlugIcon, needsProject: false }
]

const ADD_PROJECT = '__add__'

export function Sidebar({ screen, onNavigate }: { screen: Screen; onNavigate: (screen: Screen) => void }) {
  const { projects, current, selectProject } = useSession()
  const switcherId = useId()
  const info = useQuery('app.info', (api) => api.call('app.info', {}))

  return (
    <aside className="sidebar">
      <div className="brand">
        <LogoMark className="brand-mark" />
        <span className="brand-name">Roster</span>
      </div>

      {current && projects && (
        <div className="project-switcher">
          <label htmlFor={switcherId} className="sidebar-label">
            Project
          </label>
          <select
            id={switcherId}
            value={current.id}
            onChange={(event) => {
              if (event.target.value === ADD_PROJECT) onNavigate('connect')
              else selectProject(event.target.value)
            }}
          >
            {projects.map((project) => (
              <option key={project.id} value={project.id}>
                {project.label || project.domain}
              </option>
            ))}
            <option value={ADD_PROJECT}>Add a project…</option>
          </select>
          <div className="project-meta" title={`${current.username} on ${current.server}`}>
            {hostOf(current.server)}
          </div>
        </div>
      )}

      <nav aria-label="Main" className="nav">
        <ul>
          {NAV.map(({ screen: target, label, Icon, needsProject }) => (
            <li key={target}>
              <button
                type="button"
                className="nav-item"
                aria-current={screen === target ? 'page' : undefined}
                disabled={needsProject && !current}
                onClick={() => onNavigate(target)}
              >
                <Icon className="nav-icon" />
                <span>{label}</span>
              </button>
            </li>
          ))}
        </ul>
      </nav>

      <LanguageMenu />

      <div className="sidebar-footer muted">{info.data ? `Roster ${info.data.version}` : 'Roster'}</div>
    </aside>
  )
}

function hostOf(server: string): string {
  try {
    return new URL(server).host
  } catch {
    return server
  }
}
