import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { ApiError } from '../../shared/api'
import type { Connectivity, Project, SyncProgress } from '../../shared/domain'
import { useApi } from './api/context'
import { toApiError, useEvent } from './api/hooks'
import { prefs } from './lib/storage'

/**
 * What every screen shares: the saved projects, which one is open, its sync and the network
 * state. Kept in one small context rather than a state library: there is little of it, and
 * everything else is fetched by the screen that shows it.
 */

export interface SyncState {
  running: boolean
  cancelling: boolean
  runId: number | null
  progress: SyncProgress | null
  /** Why sync.start itself was refused (no key, already running…). */
  startError: string | null
  lastFinishedRunId: number | null
}

const IDLE: SyncState = {
  running: false,
  cancelling: false,
  runId: null,
  progress: null,
  startError: null,
  lastFinishedRunId: null
}

export type NetworkState =
  | { state: 'online'; message: string | null }
  | { state: 'offline'; message: string | null }
  | { state: 'waiting'; until: number; message: string | null }

export interface Session {
  /** undefined until the first answer from the core. */
  projects: Project[] | undefined
  projectsError: ApiError | undefined
  reloadProjects: () => Promise<Project[] | undefined>
  current: Project | null
  selectProject: (id: string | null) => void
  sync: SyncState
  startSync: () => Promise<void>
  cancelSync: () => Promise<void>
  network: NetworkState
  /** Goes up each time a sync finished: screens showing roster data fetch it again. */
  dataVersion: number
}

const SessionContext = createContext<Session | null>(null)

export function useSession(): Session {
  const session = useContext(SessionContext)
  if (!session) throw new Error('useSession() needs a <SessionProvider> above it')
  return session
}

/** Used by tests and by <SessionProvider>; exported so a screen can be rendered with a fixed session. */
export const SessionContextProvider = SessionContext.Provider

const POLL_WHILE_SYNCING_MS = 4000

export function SessionProvider({
  children,
  pollWhileSyncingMs = POLL_WHILE_SYNCING_MS
}: {
  children: ReactNode
  /** How often to ask the core whether a sync ended, in case its event was missed. */
  pollWhileSyncingMs?: number
}) {
  const { t } = useTranslation()
  const api = useApi()
  const [projects, setProjects] = useState<Project[] | undefined>(undefined)
  const [projectsError, setProjectsError] = useState<ApiError | undefined>(undefined)
  const [selectedId, setSelectedId] = useState<string | null>(() => prefs.lastProjectId())
  const [syncs, setSyncs] = useState<Record<string, SyncState>>({})
  const [dataVersion, setDataVersion] = useState(0)
  const [coreNetwork, setCoreNetwork] = useState<Record<string, Connectivity>>({})
  const [browserOnline, setBrowserOnline] = useState(() => globalThis.navigator?.onLine ?? true)
  const [now, setNow] = useState(() => Date.now())

  const reloadProjects = useCallback(async () => {
    try {
      const list = await api.call('projects.list', {})
      setProjects(list)
      setProjectsError(undefined)
      return list
    } catch (error) {
      setProjectsError(toApiError(error))
      return undefined
    }
  }, [api])

  useEffect(() => {
    void reloadProjects()
  }, [reloadProjects])

  // The open project: the one chosen, else the first saved one (after a removal, say).
  const current = useMemo(() => {
    if (!projects?.length) return null
    return projects.find((p) => p.id === selectedId) ?? projects[0] ?? null
  }, [projects, selectedId])

  const selectProject = useCallback((id: string | null) => {
    setSelectedId(id)
    prefs.setLastProjectId(id)
  }, [])

  useEffect(() => {
    if (current) prefs.setLastProjectId(current.id)
  }, [current])

  const patchSync = useCallback((projectId: string, patch: (prev: SyncState) => SyncState) => {
    setSyncs((all) => ({ ...all, [projectId]: patch(all[projectId] ?? IDLE) }))
  }, [])

  const finish = useCallback(
    (projectId: string, runId: number | null) => {
      patchSync(projectId, (prev) => ({ ...IDLE, startError: prev.startError, lastFinishedRunId: runId }))
      setDataVersion((v) => v + 1)
      void reloadProjects()
    },
    [patchSync, reloadProjects]
  )

  useEvent('sync.progress', (progress) => {
    patchSync(progress.projectId, (prev) =>
      prev.lastFinishedRunId === progress.runId
        ? prev
        : { ...prev, running: progress.phase !== 'done', runId: progress.runId, progress, startError: null }
    )
  })

  useEvent('sync.finished', (run) => finish(run.projectId, run.id))

  useEvent('connectivity', (event) => {
    setCoreNetwork((all) => ({ ...all, [event.projectId ?? '*']: event }))
  })

  // A window opened mid-way (a reload, a second window) starts from what the core knows now.
  useEffect(() => {
    api.call('app.status', {}).then(
      (status) => {
        setCoreNetwork((all) => {
          const next = { ...all }
          for (const c of status.connectivity) next[c.projectId ?? '*'] ??= c
          return next
        })
        for (const progress of status.syncs) {
          patchSync(progress.projectId, (prev) =>
            prev.progress ? prev : { ...prev, running: true, runId: progress.runId, progress }
          )
        }
      },
      () => {
        // Not worth an error on screen: the next events fill the state in.
      }
    )
  }, [api, patchSync])

  useEffect(() => {
    const up = () => setBrowserOnline(true)
    const down = () => setBrowserOnline(false)
    window.addEventListener('online', up)
    window.addEventListener('offline', down)
    return () => {
      window.removeEventListener('online', up)
      window.removeEventListener('offline', down)
    }
  }, [])

  const currentSync = current ? (syncs[current.id] ?? IDLE) : IDLE
  // A run the core reports as running (started before this window opened) counts too.
  const coreSaysRunning =
    current?.lastSync?.outcome === 'running' && current.lastSync.id !== currentSync.lastFinishedRunId
  const sync: SyncState =
    coreSaysRunning && !currentSync.running ? { ...currentSync, running: true } : currentSync

  // Events can be missed (a dropped event stream, a window opened mid-sync): while a sync runs,
  // ask the core now and then whether it has ended.
  const syncingId = sync.running && current ? current.id : null
  const watchedRunId = sync.runId ?? (coreSaysRunning && current?.lastSync ? current.lastSync.id : null)
  useEffect(() => {
    if (!syncingId || watchedRunId === null) return
    const timer = setInterval(() => {
      void reloadProjects().then((list) => {
        const last = list?.find((p) => p.id === syncingId)?.lastSync
        if (last && last.id >= watchedRunId && last.outcome !== 'running') finish(syncingId, last.id)
      })
    }, pollWhileSyncingMs)
    return () => clearInterval(timer)
  }, [syncingId, watchedRunId, reloadProjects, finish, pollWhileSyncingMs])

  const startSync = useCallback(async () => {
    if (!current) return
    const projectId = current.id
    patchSync(projectId, (prev) => ({
      ...prev,
      running: true,
      cancelling: false,
      progress: null,
      startError: null
    }))
    try {
      const { runId } = await api.call('sync.start', { projectId })
      // The run may already have finished (a tiny project) before this answer arrived.
      patchSync(projectId, (prev) => (prev.lastFinishedRunId === runId ? prev : { ...prev, runId }))
    } catch (error) {
      patchSync(projectId, () => ({ ...IDLE, startError: toApiError(error).message }))
    }
  }, [api, current, patchSync])

  const cancelSync = useCallback(async () => {
    if (!current) return
    const projectId = current.id
    patchSync(projectId, (prev) => ({ ...prev, cancelling: true }))
    try {
      await api.call('sync.cancel', { projectId })
    } catch (error) {
      patchSync(projectId, (prev) => ({ ...prev, cancelling: false, startError: toApiError(error).message }))
    }
  }, [api, current, patchSync])

  // Network state: the browser knowing it is offline wins; otherwise the core's latest word
  // about this project (or about every project).
  const network = useMemo<NetworkState>(() => {
    if (!browserOnline) return { state: 'offline', message: t('network.computerOffline') }
    const global = coreNetwork['*']
    const own = current ? coreNetwork[current.id] : undefined
    const latest = own ?? global
    if (!latest) return { state: 'online', message: null }
    if (latest.state === 'waiting' && latest.until !== null && latest.until > now) {
      return { state: 'waiting', until: latest.until, message: latest.message }
    }
    if (latest.state === 'offline') return { state: 'offline', message: latest.message }
    return { state: 'online', message: latest.state === 'online' ? latest.message : null }
  }, [browserOnline, coreNetwork, current, now, t])

  // Re-evaluate when HQ's requested wait is over.
  const waitUntil = network.state === 'waiting' ? network.until : null
  useEffect(() => {
    if (waitUntil === null) return
    const timer = setTimeout(() => setNow(Date.now()), Math.max(0, waitUntil - Date.now()) + 50)
    return () => clearTimeout(timer)
  }, [waitUntil])

  const value: Session = {
    projects,
    projectsError,
    reloadProjects,
    current,
    selectProject,
    sync,
    startSync,
    cancelSync,
    network,
    dataVersion
  }
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
}
