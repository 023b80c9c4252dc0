import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import { ApiError, type ApiEvent, type ApiEventName, type RosterApi } from '../../../shared/api'
import { useApi } from './context'

/** Any thrown value as an ApiError, so screens only ever show `error.message`. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  if (error instanceof Error) return new ApiError('internal', error.message)
  return new ApiError('internal', String(error))
}

export interface QueryState<T> {
  data: T | undefined
  error: ApiError | undefined
  loading: boolean
  refetch: () => void
}

interface Settled<T> {
  key: string | null
  tick: string
  data: T | undefined
  error: ApiError | undefined
}

/**
 * Runs `fetcher` whenever `key` changes (null = don't run), `version` changes or `refetch()` is
 * called. Answers that arrive after the key moved on are dropped, so a slow reply never
 * overwrites a newer one. A new key starts empty; a new version or a refetch keeps the previous
 * data visible while the new answer loads (no flash after a sync).
 */
export function useQuery<T>(
  key: string | null,
  fetcher: (api: RosterApi) => Promise<T>,
  version: number = 0
): QueryState<T> {
  const api = useApi()
  const [count, setCount] = useState(0)
  const tick = `${version}:${count}`
  const [settled, setSettled] = useState<Settled<T>>({
    key: null,
    tick: '',
    data: undefined,
    error: undefined
  })
  const fetcherRef = useRef(fetcher)
  useLayoutEffect(() => {
    fetcherRef.current = fetcher
  })

  useEffect(() => {
    if (key === null) return
    let live = true
    fetcherRef.current(api).then(
      (data) => {
        if (live) setSettled({ key, tick, data, error: undefined })
      },
      (error: unknown) => {
        if (live)
          setSettled((prev) => ({
            key,
            tick,
            data: prev.key === key ? prev.data : undefined,
            error: toApiError(error)
          }))
      }
    )
    return () => {
      live = false
    }
  }, [api, key, tick])

  const refetch = useCallback(() => setCount((c) => c + 1), [])
  const sameKey = settled.key === key
  return {
    data: sameKey ? settled.data : undefined,
    error: sameKey ? settled.error : undefined,
    loading: key !== null && (!sameKey || settled.tick !== tick),
    refetch
  }
}

/** Subscribes to a core event for the lifetime of the component; the latest listener is always used. */
export function useEvent<E extends ApiEventName>(event: E, listener: (payload: ApiEvent<E>) => void): void {
  const api = useApi()
  const ref = useRef(listener)
  useLayoutEffect(() => {
    ref.current = listener
  })
  useEffect(() => api.on(event, (payload) => ref.current(payload)), [api, event])
}

/** A value that follows `value` after it has stopped changing for `ms` milliseconds. */
export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value)
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms)
    return () => clearTimeout(timer)
  }, [value, ms])
  return debounced
}
