import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import { useSession, type NetworkState } from '../session'
import { formatClock, formatDuration, formatWhen } from '../lib/format'

export function TopBar({ title }: { title: string }) {
  const { t } = useTranslation('shell')
  const { current, network, sync } = useSession()
  const good = current?.lastGoodSync ?? null
  return (
    <header className="topbar">
      <div className="topbar-title">
        <h1>{title}</h1>
        {current && <span className="topbar-project">{current.label || current.domain}</span>}
      </div>
      <div className="topbar-status">
        {current && (
          // The sync's live region: "Syncing…" when one starts, "Last synced …" when it ends.
          <span className="last-synced" role="status" aria-live="polite">
            {sync.running
              ? t('topbar.syncing')
              : good?.endedAt
                ? good.durationMs !== null
                  ? t('topbar.lastSyncedTook', {
                      when: formatWhen(good.endedAt),
                      duration: formatDuration(good.durationMs)
                    })
                  : t('topbar.lastSynced', { when: formatWhen(good.endedAt) })
                : t('topbar.notSynced')}
          </span>
        )}
        <NetworkBadge network={network} />
      </div>
    </header>
  )
}

export function networkLabel(network: NetworkState, t: TFunction<'shell'>): string {
  switch (network.state) {
    case 'online':
      return t('network.online')
    case 'offline':
      return t('network.offline')
    case 'waiting':
      return t('network.waiting', { clock: formatClock(network.until) })
  }
}

function NetworkBadge({ network }: { network: NetworkState }) {
  const { t } = useTranslation('shell')
  const label = networkLabel(network, t)
  return (
    <span
      className={`net-badge net-${network.state}`}
      role="status"
      aria-label={t('network.connection', { label })}
      title={network.message ?? undefined}
    >
      <span className="net-dot" aria-hidden="true" />
      {label}
    </span>
  )
}
