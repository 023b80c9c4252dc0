import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import type { WorkerQuery } from '../../../../shared/domain'
import { useApi } from '../../api/context'
import { RowWindowCache } from './rowCache'

export type RowsQuery = Omit<WorkerQuery, 'offset' | 'limit'>

/**
 * The table's rows for one query. While a new query's first page is on its way, the previous
 * query's rows stay on screen, so typing in the search box never flashes an empty table.
 */
export function useWorkerRows(query: RowsQuery | null, dataVersion: number) {
  const api = useApi()
  const key = query ? JSON.stringify(query) : null

  const cache = useMemo(() => {
    if (!key) return null
    const base = JSON.parse(key) as RowsQuery
    return new RowWindowCache((offset, limit) => api.call('workers.query', { ...base, offset, limit }))
  }, [api, key])

  const [shown, setShown] = useState<RowWindowCache | null>(null)

  useEffect(() => {
    if (!cache) return
    const promote = () => {
      if (cache.settled) setShown(cache)
    }
    promote()
    // An old query's answers may still arrive; they only fill that old cache, which nobody reads.
    return cache.subscribe(promote)
  }, [cache])

  // A finished sync changed the rows underneath: refetch in place rather than starting blank.
  const seenVersion = useRef(dataVersion)
  useEffect(() => {
    if (!cache) return
    if (seenVersion.current !== dataVersion) {
      seenVersion.current = dataVersion
      cache.invalidate()
    }
    cache.ensure(0, 0)
  }, [cache, dataVersion])

  const visible = cache?.settled ? cache : (shown ?? cache)
  useSyncExternalStore(
    visible ? visible.subscribe : noopSubscribe,
    visible ? visible.getVersion : zero,
    visible ? visible.getVersion : zero
  )
  return { rows: visible, pending: visible !== cache }
}

const noopSubscribe = () => () => {}
const zero = () => 0
