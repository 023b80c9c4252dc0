import { createContext, useContext, type ReactNode } from 'react'
import type { RosterApi } from '../../../shared/api'

const ApiContext = createContext<RosterApi | null>(null)

/** Makes one RosterApi (IPC or loopback, or a fake in tests) available to every screen. */
export function ApiProvider({ api, children }: { api: RosterApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>
}

export function useApi(): RosterApi {
  const api = useContext(ApiContext)
  if (!api) throw new Error('useApi() needs an <ApiProvider> above it')
  return api
}
