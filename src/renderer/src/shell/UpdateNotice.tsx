import { useState, type CSSProperties } from 'react'
import { useTranslation } from 'react-i18next'
import { useEvent } from '../api/hooks'
import { CloseIcon } from './icons'

// Until styles.css gives it a rule of its own: a quiet line in the app's colours.
const noticeStyle: CSSProperties = {
  display: 'flex',
  alignItems: 'center',
  gap: 12,
  flexShrink: 0,
  padding: '7px 24px',
  background: 'var(--primary-softer)',
  borderBottom: '1px solid var(--primary-soft)',
  fontSize: 13.5
}

/**
 * "Restart to update": shown once an installed copy has downloaded an update (the core's
 * 'app.update' event; development and browser copies never send it). Quiet by design: a polite
 * live region, no dialog, nothing that takes the focus, hidden for this version when dismissed.
 * The update installs when Roster quits anyway; `onRestart` adds a button to do it now.
 */
export function UpdateNotice({ onRestart }: { onRestart?: () => void }) {
  const { t } = useTranslation('shell')
  const [ready, setReady] = useState<string | null>(null)
  const [dismissed, setDismissed] = useState<string | null>(null)
  useEvent('app.update', ({ version }) => setReady(version))
  const showing = ready !== null && ready !== dismissed
  // The live region stays in the page so that screen readers announce the notice when it appears.
  return (
    <div role="status" aria-live="polite" className="update-notice-region">
      {showing && (
        <div className="update-notice" style={noticeStyle} data-testid="update-notice">
          <span style={{ flex: 1, minWidth: 0 }}>
            <strong>{t('update.ready', { version: ready })}</strong>{' '}
            <span className="muted">{t('update.installsOnRestart')}</span>
          </span>
          {onRestart && (
            <button type="button" className="btn btn-small btn-primary" onClick={onRestart}>
              {t('update.restart')}
            </button>
          )}
          <button
            type="button"
            className="icon-button"
            aria-label={t('update.hide')}
            onClick={() => setDismissed(ready)}
          >
            <CloseIcon />
          </button>
        </div>
      )}
    </div>
  )
}
