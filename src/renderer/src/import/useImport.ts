import { useState, useSyncExternalStore } from 'react'
import type { RosterApi } from '../../../shared/api'
import type { ColumnMapping } from '../../../shared/import/mapping'
import type { GridAction } from '../screens/invite/gridState'
import { createImportClient, type ImportClient } from './client'
import { ImportStore, type ImportSnapshot } from './importStore'
import type { ReadOptions } from './protocol'

export type { Busy } from './importStore'

export interface ImportState extends ImportSnapshot {
  store: ImportStore
  dispatch: (action: GridAction) => void
  openFile: (file: File) => Promise<void>
  openText: (text: string) => Promise<void>
  reread: (options: ReadOptions) => Promise<void>
  applyMapping: (mapping: ColumnMapping) => Promise<void>
  setCountry: (country: string) => Promise<void>
  startBlank: () => Promise<void>
  setAccounts: ImportStore['setAccounts']
  reset: () => void
  clearError: () => void
}

/** One store per project for the life of the window (a new API, as in tests, starts afresh). */
const stores = new Map<string, { api: RosterApi; store: ImportStore }>()

function storeFor(
  api: RosterApi,
  projectId: string,
  defaultCountry: string,
  clientFactory: () => ImportClient
): ImportStore {
  const kept = stores.get(projectId)
  if (kept && kept.api === api) return kept.store
  kept?.store.dispose()
  const store = new ImportStore(api, projectId, defaultCountry, clientFactory())
  stores.set(projectId, { api, store })
  return store
}

/** Drops every kept list (tests; a removed project). */
export function forgetImports(): void {
  for (const { store } of stores.values()) store.dispose()
  stores.clear()
}

/** The Invite screen's import: the project's kept store, re-rendering on each change. */
export function useImport(
  api: RosterApi,
  projectId: string,
  defaultCountry: string,
  clientFactory: () => ImportClient = createImportClient
): ImportState {
  const [store] = useState(() => storeFor(api, projectId, defaultCountry, clientFactory))
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot)
  return {
    ...snapshot,
    store,
    dispatch: store.dispatch,
    openFile: store.openFile,
    openText: store.openText,
    reread: store.reread,
    applyMapping: store.applyMapping,
    setCountry: store.setCountry,
    startBlank: store.startBlank,
    setAccounts: store.setAccounts,
    reset: store.reset,
    clearError: store.clearError
  }
}
