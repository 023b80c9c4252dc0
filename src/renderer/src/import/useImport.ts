import { useCallback, useEffect, useRef, useState } from 'react'
import type { RosterApi } from '../../../shared/api'
import type { ColumnMapping } from '../../../shared/import'
import type { InviteLookup } from '../../../shared/invite'
import { rememberedMapping, rememberMapping } from '../screens/invite/memory'
import {
  emptyGrid,
  gridReducer,
  type GridAction,
  type GridState,
  type Patch
} from '../screens/invite/gridState'
import { createImportClient, type ImportClient } from './client'
import type { Progress, ReadOptions, SourceInfo } from './protocol'

export interface Busy {
  label: string
  progress: Progress | null
}

export interface ImportState {
  source: SourceInfo | null
  mapping: ColumnMapping | null
  grid: GridState
  dispatch: (action: GridAction) => void
  busy: Busy | null
  /** Why the last step failed, for the coordinator. */
  error: string | null
  /** Set when registered/invited numbers could not be checked: sending still works, the core re-checks. */
  lookupWarning: string | null
  country: string
  openFile: (file: File) => Promise<void>
  openText: (text: string) => Promise<void>
  reread: (options: ReadOptions) => Promise<void>
  applyMapping: (mapping: ColumnMapping) => Promise<void>
  setCountry: (country: string) => Promise<void>
  startBlank: () => Promise<void>
  reset: () => void
  clearError: () => void
}

const EMPTY_LOOKUP: InviteLookup = { registered: [], invited: [] }
/** invite.lookup accepts up to 200,000 numbers per call. */
const LOOKUP_SLICE = 200_000

async function lookup(api: RosterApi, projectId: string, digits: string[]): Promise<InviteLookup> {
  const out: InviteLookup = { registered: [], invited: [] }
  for (let i = 0; i < digits.length; i += LOOKUP_SLICE) {
    const part = await api.call('invite.lookup', { projectId, digits: digits.slice(i, i + LOOKUP_SLICE) })
    out.registered.push(...part.registered)
    out.invited.push(...part.invited)
  }
  return out
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * The import side of the Invite screen: the worker, the grid state, and the conversation between
 * them. Every change the grid makes to cell values is forwarded to the worker in order; the
 * verdicts come back as `checks`. Numbers never looked up (new ones typed in) are checked against
 * the core's registered and invited lists before their verdict is final.
 */
export function useImport(
  api: RosterApi,
  projectId: string,
  defaultCountry: string,
  clientFactory: () => ImportClient = createImportClient
): ImportState {
  const [client] = useState(clientFactory)
  useEffect(() => () => client.dispose(), [client])

  const [grid, setGrid] = useState<GridState>(emptyGrid)
  const gridRef = useRef(grid)
  const [source, setSource] = useState<SourceInfo | null>(null)
  const [mapping, setMapping] = useState<ColumnMapping | null>(null)
  const [busy, setBusy] = useState<Busy | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [lookupWarning, setLookupWarning] = useState<string | null>(null)
  const [country, setCountryState] = useState(defaultCountry)
  // Answers that belong to an earlier list (a file replaced mid-check) are dropped.
  const generation = useRef(0)

  const apply = useCallback((action: GridAction) => {
    const next = gridReducer(gridRef.current, action)
    gridRef.current = next
    setGrid(next)
    return next
  }, [])

  const lookUpAndApply = useCallback(
    async (digits: string[], gen: number, initial: boolean) => {
      if (!initial && digits.length === 0) return
      let answer = EMPTY_LOOKUP
      if (digits.length > 0) {
        try {
          answer = await lookup(api, projectId, digits)
        } catch (e) {
          if (gen === generation.current) {
            setLookupWarning(
              `Roster could not check which numbers are already registered or invited (${message(e)}). ` +
                'They are checked again before sending.'
            )
          }
        }
      }
      if (gen !== generation.current) return
      const result = await client.request({ op: 'lookups', lookup: answer })
      if (gen !== generation.current) return
      apply({ type: 'checks', checks: result.checks, replace: initial })
    },
    [api, projectId, client, apply]
  )

  const forward = useCallback(
    (patch: Patch) => {
      const gen = generation.current
      void client
        .request({ op: 'update', upsert: patch.upsert, remove: patch.remove })
        .then(async (result) => {
          if (gen !== generation.current) return
          apply({ type: 'checks', checks: result.checks })
          await lookUpAndApply(result.needLookup, gen, false)
        })
        .catch((e: unknown) => {
          if (gen === generation.current) setError(`Roster could not check the edited rows: ${message(e)}`)
        })
    },
    [client, apply, lookUpAndApply]
  )

  const dispatch = useCallback(
    (action: GridAction) => {
      const before = gridRef.current
      const next = apply(action)
      // Every patch reaches the worker, in order, even when several actions run before a render.
      if (next.patchSeq !== before.patchSeq && next.patch) forward(next.patch)
    },
    [apply, forward]
  )

  const run = useCallback(
    async <T>(
      label: string,
      step: (gen: number, onProgress: (p: Progress) => void) => Promise<T>
    ): Promise<T | undefined> => {
      const gen = ++generation.current
      setError(null)
      setBusy({ label, progress: null })
      try {
        return await step(gen, (progress) => {
          if (gen === generation.current) setBusy({ label, progress })
        })
      } catch (e) {
        if (gen === generation.current) setError(message(e))
        return undefined
      } finally {
        if (gen === generation.current) setBusy(null)
      }
    },
    []
  )

  const loadRows = useCallback(
    async (nextMapping: ColumnMapping, countryCode: string) => {
      await run('Reading the numbers', async (gen, onProgress) => {
        const result = await client.request(
          { op: 'rows', mapping: nextMapping, country: countryCode },
          onProgress
        )
        if (gen !== generation.current) return
        setLookupWarning(null)
        apply({ type: 'load', rows: result.rows, fieldKeys: result.fieldKeys })
        setBusy({ label: 'Checking which numbers are already registered or invited', progress: null })
        await lookUpAndApply(result.digits, gen, true)
      })
    },
    [run, client, apply, lookUpAndApply]
  )

  const opened = useCallback(
    async (info: SourceInfo | undefined, keepMapping: boolean) => {
      if (!info) return
      setSource(info)
      const sameColumns = keepMapping && mapping !== null && mapping.fields.length + 1 >= info.headers.length
      // A list with the same column titles as one mapped before gets that mapping again.
      const remembered = info.hasHeader ? rememberedMapping(projectId, info.headers) : null
      const nextMapping = sameColumns && mapping ? mapping : (remembered ?? info.mapping)
      setMapping(nextMapping)
      if (nextMapping.phone < 0) {
        apply({ type: 'load', rows: [], fieldKeys: [] })
        setError('Roster could not tell which column holds the phone numbers: choose it below.')
        return
      }
      await loadRows(nextMapping, country)
    },
    [mapping, apply, loadRows, country, projectId]
  )

  const openFile = useCallback(
    async (file: File) => {
      const info = await run(`Reading ${file.name}`, async (_gen, onProgress) => {
        const data = await file.arrayBuffer()
        return client.request({ op: 'openFile', name: file.name, data }, onProgress)
      })
      await opened(info, false)
    },
    [run, client, opened]
  )

  const openText = useCallback(
    async (text: string) => {
      const info = await run('Reading the pasted cells', (_gen, onProgress) =>
        client.request({ op: 'openText', text }, onProgress)
      )
      await opened(info, false)
    },
    [run, client, opened]
  )

  const reread = useCallback(
    async (options: ReadOptions) => {
      const info = await run('Reading the file again', (_gen, onProgress) =>
        client.request({ op: 'reread', options }, onProgress)
      )
      // A different encoding or delimiter keeps the columns; a header or sheet change may not.
      const keep = info !== undefined && source !== null && info.headers.length === source.headers.length
      await opened(info, keep && options.sheet === undefined && options.hasHeader === undefined)
    },
    [run, client, opened, source]
  )

  const applyMapping = useCallback(
    async (next: ColumnMapping) => {
      setMapping(next)
      if (source?.hasHeader) rememberMapping(projectId, source.headers, next)
      if (next.phone < 0) return
      await loadRows(next, country)
    },
    [loadRows, country, source, projectId]
  )

  const restart = useCallback(
    async (countryCode: string) => {
      const rows = gridRef.current.rows
      const fieldKeys = gridRef.current.fieldKeys
      await run('Checking the numbers again', async (gen, onProgress) => {
        const result = await client.request({ op: 'start', rows, country: countryCode }, onProgress)
        if (gen !== generation.current) return
        apply({ type: 'load', rows: result.rows, fieldKeys })
        await lookUpAndApply(result.digits, gen, true)
      })
    },
    [run, client, apply, lookUpAndApply]
  )

  const setCountry = useCallback(
    async (code: string) => {
      setCountryState(code)
      await restart(code)
    },
    [restart]
  )

  const startBlank = useCallback(async () => {
    setSource(null)
    setMapping(null)
    await run('Preparing', async (gen) => {
      await client.request({ op: 'start', rows: [], country })
      if (gen !== generation.current) return
      apply({ type: 'load', rows: [], fieldKeys: [] })
      await lookUpAndApply([], gen, true)
      dispatch({ type: 'addRow' })
    })
  }, [run, client, country, apply, dispatch, lookUpAndApply])

  const reset = useCallback(() => {
    generation.current++
    setSource(null)
    setMapping(null)
    setBusy(null)
    setError(null)
    setLookupWarning(null)
    apply({ type: 'load', rows: [], fieldKeys: [] })
    gridRef.current = emptyGrid()
    setGrid(gridRef.current)
  }, [apply])

  const clearError = useCallback(() => setError(null), [])

  return {
    source,
    mapping,
    grid,
    dispatch,
    busy,
    error,
    lookupWarning,
    country,
    openFile,
    openText,
    reread,
    applyMapping,
    setCountry,
    startBlank,
    reset,
    clearError
  }
}
