import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { useSession } from '../session'
import { useQuery } from '../api/hooks'
import { LanguageMenu } from './LanguageMenu'
import { HistoryIcon, LogoMark, PlugIcon, SendIcon, UsersIcon } from './icons'

export type Screen = 'workers' | 'invite' | 'history' | 'connect'

const NAV: { screen: Screen; Icon: typeof UsersIcon; needsProject: boolean }[] = [
  { screen: 'workers', Icon: UsersIcon, needsProject: true },
  { screen: 'invite', Icon: SendIcon, needsProject: true },
  { screen: 'history', Icon: HistoryIcon, needsProject: true },
  { screen: 'connect', Icon: PlugIcon, needsProject: false }
]

const ADD_PROJECT = '__add__'

export function Sidebar({ screen, onNavigate }: { screen: Screen; onNavigate: (screen: Screen) => void }) {
  const { t } = useTranslation('shell')
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
            {t('sidebar.project')}
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
            <option value={ADD_PROJECT}>{t('sidebar.addProject')}</option>
          </select>
          <div
            className="project-meta"
            title={t('sidebar.userOnServer', { username: current.username, server: current.server })}
          >
            {hostOf(current.server)}
          </div>
        </div>
      )}

      <nav aria-label={t('sidebar.main')} className="nav">
        <ul>
          {NAV.map(({ screen: target, Icon, needsProject }) => (
            <li key={target}>
              <button
                type="button"
                className="nav-item"
                aria-current={screen === target ? 'page' : undefined}
                disabled={needsProject && !current}
                onClick={() => onNavigate(target)}
              >
                <Icon className="nav-icon" />
                <span>{t(`common:screens.${target}`)}</span>
              </button>
            </li>
          ))}
        </ul>
      </nav>

      <LanguageMenu />

      {info.data?.keyStorage && (
        <p className="sidebar-warning small" role="note" title={info.data.keyStorage.message}>
          {t('keys.weak')}: {info.data.keyStorage.message}
        </p>
      )}
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
