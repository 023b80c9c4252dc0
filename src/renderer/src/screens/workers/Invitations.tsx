import { useTranslation } from 'react-i18next'
import { useMemo } from 'react'
import type { InviteLookup } from '../../../../shared/invite'
import { useQuery } from '../../api/hooks'
import { formatPhone, formatWhen } from '../../lib/format'
import { i18n } from '../../i18n'

type Invitation = InviteLookup['invited'][number]

/** The phones invitations can be about: Roster invites E.164 numbers only, looked up as digits. */
function invitableDigits(phones: readonly string[]): string[] {
  return [...new Set(phones.filter((p) => /^\+\d{1,20}$/.test(p)).map((p) => p.slice(1)))]
}

/** An invitation's outcome in History's words: registered once a sync found the worker, else HQ's answer. */
function invitationStatus(invitation: Invitation): { text: string; tone: 'ok' | 'warn' | 'plain' } {
  const t = (key: string) => i18n.t(key, { ns: 'workers' })
  if (invitation.registered) return { text: t('invitations.registered'), tone: 'ok' }
  const text = t(`invitations.outcome.${invitation.status}`)
  return invitation.status === 'success' || invitation.status === 'queued' || invitation.status === 'sending'
    ? { text, tone: 'plain' }
    : { text, tone: 'warn' }
}

/**
 * How this worker joined, when Roster invited one of their numbers: one line per number, newest
 * first. invite.lookup answers the latest live invitation of each number (an earlier one it
 * replaced, or one HQ refused, is in History only). The section never holds the pane up: nothing
 * shows while it loads, nor when the lookup fails or no number was invited.
 */
export function Invitations({
  projectId,
  phones,
  dataVersion,
  onOpenBatch
}: {
  projectId: string
  phones: readonly string[]
  dataVersion: number
  onOpenBatch: (batchId: number) => void
}) {
  const { t } = useTranslation('workers')
  const digits = useMemo(() => invitableDigits(phones), [phones])
  const lookup = useQuery(
    digits.length ? `invitations:${projectId}:${digits.join(',')}` : null,
    (api) => api.call('invite.lookup', { projectId, digits }),
    dataVersion
  )
  const invited = useMemo(
    () =>
      [...(lookup.data?.invited ?? [])].sort(
        (a, b) => b.invitedAt.localeCompare(a.invitedAt) || b.batchId - a.batchId
      ),
    [lookup.data]
  )
  if (invited.length === 0) return null

  return (
    <section className="detail-section">
      <h3>{t('invitations.title')}</h3>
      <ul className="invitation-list">
        {invited.map((invitation) => {
          const status = invitationStatus(invitation)
          return (
            <li key={`${invitation.batchId}:${invitation.digits}`}>
              <span className="invitation-line">
                {t('invitations.line', { when: formatWhen(invitation.invitedAt), batch: invitation.batchId })}{' '}
                <span className={`invitation-status invitation-status-${status.tone}`}>{status.text}</span>
              </span>
              <span className="invitation-meta">
                {digits.length > 1 && (
                  <span className="tabular muted">{formatPhone(`+${invitation.digits}`)}</span>
                )}
                <button
                  type="button"
                  className="link-button"
                  title={t('invitations.showBatch', { batch: invitation.batchId })}
                  onClick={() => onOpenBatch(invitation.batchId)}
                >
                  {t('invitations.open')}
                </button>
              </span>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
