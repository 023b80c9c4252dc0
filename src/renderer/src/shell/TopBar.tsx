import { useSession, type NetworkState } from '../session'
import { formatClock, formatDuration, formatWhen } from '../lib/format'

export function TopBar({ title }: { title: string }) {
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
          <span className="last-synced">
            {sync.running
              ? 'Syncing…'
              : good?.endedAt
                ? `Last synced ${formatWhen(good.endedAt)}${good.durationMs !== null ? ` (took ${formatDuration(good.durationMs)})` : ''}`
                : 'Not synced yet'}
          </span>
        )}
        <NetworkBadge network={network} />
      </div>
    </header>
  )
}

export function networkLabel(network: NetworkState): string {
  switch (network.state) {
    case 'online':
      return 'Online'
    case 'offline':
      return 'Offline'
    case 'waiting':
      return `HQ asked us to wait until ${formatClock(network.until)}`
  }
}

function NetworkBadge({ network }: { network: NetworkState }) {
  const label = networkLabel(network)
  return (
    <span
      className={`net-badge net-${network.state}`}
      role="status"
      aria-label={`Connection: ${label}`}
      title={network.message ?? undefined}
    >
      <span className="net-dot" aria-hidden="true" />
      {label}
    </span>
  )
}
