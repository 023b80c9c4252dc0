import { useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { BatchSummary } from '../../../shared/invite'
import { useApi } from '../api/context'
import { useEvent } from '../api/hooks'
import type { NetworkState } from '../session'
import { AlertIcon, CloseIcon } from './icons'

/** A batch with numbers still in the outbox that only the coordinator's go-ahead will send. */
export function isWaiting(batch: BatchSummary): boolean {
  return (batch.state === 'queued' || batch.state === 'stopped') && batch.counts.queued > 0
}

export interface WaitingBatches {
  /** Oldest first: the one to review first. */
  batches: BatchSummary[]
  dismiss: () => void
}

/**
 * Batches of the open project that wait to be sent (HQ was unreachable, or Roster closed before
 * they went out). Looked for when the project opens and each time HQ is reachable again. Never
 * sends anything: the banner only leads to History, where the coordinator confirms.
 */
export function useWaitingBatches(projectId: string | null, network: NetworkState): WaitingBatches {
  const api = useApi()
  const [found, setFound] = useState<{ projectId: string; batches: BatchSummary[] } | null>(null)
  const [dismissed, setDismissed] = useState(false)
  const asked = useRef(0)

  const check = useCallback(() => {
    if (!projectId) return
    const ticket = ++asked.current
    api.call('invite.batches', { projectId }).then(
      (list) => {
        if (ticket !== asked.current) return
        setFound({ projectId, batches: list.filter(isWaiting).sort((a, b) => a.id - b.id) })
      },
      () => {
        // The banner is a reminder, not a report: History shows the batches and any error.
      }
    )
  }, [api, projectId])

  // At startup and on switching project.
  useEffect(() => {
    setDismissed(false)
    check()
  }, [check])

  // HQ reachable again after being offline (or after asking us to wait).
  const previous = useRef(network.state)
  useEffect(() => {
    const before = previous.current
    previous.current = network.state
    if (network.state === 'online' && before !== 'online') {
      setDismissed(false)
      check()
    }
  }, [network.state, check])

  // While the banner shows, follow sends (from History, say) so it goes away once they are out.
  const showing = found !== null && found.projectId === projectId && found.batches.length > 0
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  useEvent('invite.progress', () => {
    if (!showing || timer.current) return
    timer.current = setTimeout(() => {
      timer.current = null
      check()
    }, 300)
  })
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current)
    },
    []
  )

  const hidden = dismissed || network.state === 'offline' || !found || found.projectId !== projectId
  return {
    batches: hidden ? [] : found.batches,
    dismiss: useCallback(() => setDismissed(true), [])
  }
}

export function WaitingBanner({
  batches,
  onReview,
  onDismiss
}: {
  batches: BatchSummary[]
  onReview: (batchId: number) => void
  onDismiss: () => void
}) {
  const { t } = useTranslation('shell')
  const first = batches[0]
  if (!first) return null
  const numbers = batches.reduce((sum, b) => sum + b.counts.queued, 0)
  return (
    <div className="waiting-banner" role="region" aria-label={t('waiting.region')}>
      <AlertIcon className="waiting-icon" />
      <span className="waiting-text" data-testid="waiting-banner">
        <strong>{t('waiting.batches', { count: batches.length })}</strong>{' '}
        <span className="muted">{t('waiting.numbers', { count: numbers })}</span>
      </span>
      <button type="button" className="btn btn-small btn-primary" onClick={() => onReview(first.id)}>
        {t('waiting.review')}
      </button>
      <button type="button" className="icon-button" aria-label={t('waiting.later')} onClick={onDismiss}>
        <CloseIcon />
      </button>
    </div>
  )
}
