import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { RosterApi } from '../../../../shared/api'
import type { Connectivity } from '../../../../shared/domain'
import type { BatchSummary, InviteOptions, InviteProgress } from '../../../../shared/invite'
import { useEvent } from '../../api/hooks'
import type { KeptSend } from '../../import/importStore'
import type { GridAction, GridState } from './gridState'
import { outcomesFor, type SendPlan } from './sendPlan'

export type SendPhase =
  | { kind: 'idle' }
  | { kind: 'creating' }
  /** The batch is in the outbox and the core is sending it. */
  | { kind: 'sending'; batchId: number; progress: InviteProgress | null }
  /** Sending ended: done, stopped (queued numbers wait), or needs attention (unknown outcomes). */
  | { kind: 'finished'; batchId: number; summary: BatchSummary }

export interface SendState {
  phase: SendPhase
  /** The core's latest word on reaching HQ for this project, while a batch is on screen. */
  network: Connectivity | null
  /** Why the last step failed (create refused, send could not start...). */
  error: string | null
  send: (plan: SendPlan, options: InviteOptions, reinvite: boolean) => Promise<void>
  /** Sends the queued numbers of the batch again (after going offline, or after "Send again"). */
  sendNow: () => Promise<void>
  resolveUnknown: (numberIds: number[], action: 'resend' | 'mark-failed') => Promise<void>
  /** Forgets the batch (it stays in History) so a new list can be started. */
  reset: () => void
}

const POLL_MS = 1500
const RUNNING: readonly string[] = ['sending']

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * The send half of the Invite screen: create the batch (the outbox keeps it from here on), ask
 * the core to send it, follow its progress, and write each number's answer back onto its row.
 */
export function useSend(
  api: RosterApi,
  projectId: string,
  grid: GridState,
  dispatch: (action: GridAction) => void,
  /** Where the batch on screen is kept while the coordinator is on another screen. */
  memory?: { keptSend: KeptSend | null }
): SendState {
  const [phase, setPhaseState] = useState<SendPhase>(() => memory?.keptSend?.phase ?? { kind: 'idle' })
  const [error, setErrorState] = useState<string | null>(() => memory?.keptSend?.error ?? null)
  const sentIds = useRef<number[]>(memory?.keptSend?.sentIds ?? [])
  // Written through to `memory` at once, not in an effect: a send started before the coordinator
  // left the screen still finishes, and its last state must be there when they come back.
  const current = useRef({ phase, error })
  const keep = useCallback(() => {
    if (!memory) return
    const { phase: p, error: e } = current.current
    memory.keptSend = p.kind === 'idle' && !e ? null : { phase: p, error: e, sentIds: sentIds.current }
  }, [memory])
  const setPhase = useCallback(
    (next: SendPhase | ((prev: SendPhase) => SendPhase)) => {
      const value = typeof next === 'function' ? next(current.current.phase) : next
      current.current = { ...current.current, phase: value }
      keep()
      setPhaseState(value)
    },
    [keep]
  )
  const setError = useCallback(
    (value: string | null) => {
      current.current = { ...current.current, error: value }
      keep()
      setErrorState(value)
    },
    [keep]
  )
  const gridRef = useRef(grid)
  useLayoutEffect(() => {
    gridRef.current = grid
  })
  const batchId = phase.kind === 'sending' || phase.kind === 'finished' ? phase.batchId : null

  /** Reads the batch and puts every number's status on its row. */
  const refresh = useCallback(
    async (id: number) => {
      const { batch, numbers } = await api.call('invite.batch', { batchId: id })
      dispatch({ type: 'outcomes', outcomes: outcomesFor(gridRef.current, sentIds.current, numbers) })
      if (RUNNING.includes(batch.state)) {
        setPhase((p) =>
          p.kind === 'sending' && p.batchId === id ? p : { kind: 'sending', batchId: id, progress: null }
        )
      } else {
        setPhase({ kind: 'finished', batchId: id, summary: batch })
      }
      return batch
    },
    [api, dispatch, setPhase]
  )

  const start = useCallback(
    async (id: number, confirmOffline?: boolean) => {
      setError(null)
      setPhase({ kind: 'sending', batchId: id, progress: null })
      try {
        await api.call('invite.send', confirmOffline ? { batchId: id, confirmOffline } : { batchId: id })
      } catch (e) {
        // The batch is in the outbox, queued: nothing is lost, it waits for "Send now".
        setError(message(e))
        await refresh(id).catch(() => undefined)
      }
    },
    [api, refresh, setPhase, setError]
  )

  const send = useCallback(
    async (plan: SendPlan, options: InviteOptions, reinvite: boolean) => {
      setError(null)
      setPhase({ kind: 'creating' })
      let id: number
      try {
        const created = await api.call('invite.create', { projectId, options, rows: plan.rows, reinvite })
        id = created.batchId
      } catch (e) {
        setPhase({ kind: 'idle' })
        setError(message(e))
        return
      }
      sentIds.current = plan.ids
      dispatch({ type: 'lock', locked: true })
      await start(id)
    },
    [api, projectId, dispatch, start, setPhase, setError]
  )

  const [network, setNetwork] = useState<Connectivity | null>(null)
  useEvent('connectivity', (event) => {
    if (event.projectId === null || event.projectId === projectId) setNetwork(event)
  })

  useEvent('invite.progress', (progress) => {
    if (progress.batchId !== batchId) return
    if (RUNNING.includes(progress.state) || (progress.state === 'queued' && progress.counts.sending > 0)) {
      setPhase({ kind: 'sending', batchId: progress.batchId, progress })
    } else {
      void refresh(progress.batchId).catch((e: unknown) => setError(message(e)))
    }
  })

  // Events can be lost (a reconnecting event stream): while sending, ask now and then as well.
  const sendingId = phase.kind === 'sending' ? phase.batchId : null
  useEffect(() => {
    if (sendingId === null) return
    const timer = setInterval(() => {
      void api
        .call('invite.batches', { projectId })
        .then((list) => {
          const summary = list.find((b) => b.id === sendingId)
          if (!summary) return
          if (RUNNING.includes(summary.state) || (summary.state === 'queued' && summary.error === null)) {
            setPhase((p) =>
              p.kind === 'sending' && p.batchId === sendingId
                ? {
                    ...p,
                    progress: {
                      batchId: sendingId,
                      state: summary.state,
                      counts: summary.counts,
                      total: summary.total
                    }
                  }
                : p
            )
          } else {
            void refresh(sendingId)
          }
        })
        .catch(() => undefined)
    }, POLL_MS)
    return () => clearInterval(timer)
  }, [api, projectId, sendingId, refresh, setPhase])

  const sendNow = useCallback(async () => {
    if (batchId === null) return
    await start(batchId, true)
  }, [batchId, start])

  const resolveUnknown = useCallback(
    async (numberIds: number[], action: 'resend' | 'mark-failed') => {
      if (batchId === null || numberIds.length === 0) return
      setError(null)
      try {
        await api.call('invite.resolveUnknown', { batchId, numberIds, action })
        if (action === 'resend') await start(batchId, true)
        else await refresh(batchId)
      } catch (e) {
        setError(message(e))
      }
    },
    [api, batchId, start, refresh, setError]
  )

  const reset = useCallback(() => {
    sentIds.current = []
    setPhase({ kind: 'idle' })
    setError(null)
  }, [setPhase, setError])

  return { phase, network, error, send, sendNow, resolveUnknown, reset }
}
