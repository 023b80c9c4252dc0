import { useId, useMemo, useRef } from 'react'
import { analyseMessage, exampleRegistrationUrl, type SmsIssue } from '../../../../shared/sms'

/** Starting points that pass HQ's rules, one per mode. */
const EXAMPLES = {
  android:
    'You are invited to join our CommCare project. Open this link on your Android phone to register: {}',
  other:
    'You are invited to join our CommCare project. Reply 1 if you use an Android phone, or 2 for any other phone.'
} as const

export interface MessageEditorProps {
  value: string
  onChange: (value: string) => void
  androidOnly: boolean
  /** The project's server and domain, to estimate the link HQ puts in place of {}. */
  server: string
  domain: string
  disabled?: boolean
}

/**
 * The custom registration message with HQ's rules applied as the coordinator types: characters,
 * SMS count, GSM-7 or UCS-2 (and the character that forced UCS-2), errors HQ would refuse,
 * warnings, and what one person receives.
 */
export function MessageEditor({
  value,
  onChange,
  androidOnly,
  server,
  domain,
  disabled
}: MessageEditorProps) {
  const id = useId()
  const ref = useRef<HTMLTextAreaElement>(null)
  const url = exampleRegistrationUrl(server, domain)
  const analysis = useMemo(
    () => analyseMessage(value, { androidOnly, registrationUrlLength: url.length, registrationUrl: url }),
    [value, androidOnly, url]
  )

  const pointAt = (index: number, length = 1) => {
    const el = ref.current
    if (!el) return
    el.focus()
    el.setSelectionRange(index, index + length)
  }

  const insertPlaceholder = () => {
    const el = ref.current
    const at = el ? el.selectionStart : value.length
    const end = el ? el.selectionEnd : value.length
    onChange(value.slice(0, at) + '{}' + value.slice(end))
    requestAnimationFrame(() => pointAt(at + 2, 0))
  }

  const issue = (kind: 'error' | 'warning') => (item: SmsIssue, i: number) => (
    <li key={`${item.code}-${i}`} className={`msg-issue msg-issue-${kind}`}>
      <span className="msg-issue-icon" aria-hidden="true">
        {kind === 'error' ? '✕' : '!'}
      </span>
      <span>{item.message}</span>
      {item.index !== undefined && (
        <button type="button" className="link-button" onClick={() => pointAt(item.index!)}>
          Show
        </button>
      )}
    </li>
  )

  const ucs2 = analysis.ucs2Char
  return (
    <div className="msg-editor">
      <div className="msg-editor-head">
        <label htmlFor={id}>Message</label>
        <span className="msg-editor-actions">
          {androidOnly && (
            <button type="button" className="link-button" onClick={insertPlaceholder} disabled={disabled}>
              Insert link {'{}'}
            </button>
          )}
          {value.trim() === '' ? (
            <button
              type="button"
              className="link-button"
              disabled={disabled}
              onClick={() => onChange(androidOnly ? EXAMPLES.android : EXAMPLES.other)}
            >
              Start from an example
            </button>
          ) : (
            <button type="button" className="link-button" disabled={disabled} onClick={() => onChange('')}>
              Use HQ’s default
            </button>
          )}
        </span>
      </div>
      <textarea
        id={id}
        ref={ref}
        className="msg-editor-text"
        rows={4}
        value={value}
        disabled={disabled}
        maxLength={1600}
        placeholder="Leave empty to send HQ’s default invitation message."
        aria-describedby={`${id}-count`}
        aria-invalid={analysis.errors.length > 0}
        onChange={(e) => onChange(e.target.value)}
      />
      <div id={`${id}-count`} className="msg-count" aria-live="polite">
        {analysis.blank ? (
          <span className="muted">HQ’s default message will be sent.</span>
        ) : (
          <>
            <span data-testid="msg-length">
              {analysis.length} characters{androidOnly ? ' with the link' : ''}
            </span>
            <span className={analysis.segments > 1 ? 'msg-count-warn' : undefined} data-testid="msg-segments">
              {analysis.segments} SMS
            </span>
            <span
              className={analysis.encoding === 'ucs2' ? 'msg-count-warn' : undefined}
              data-testid="msg-encoding"
            >
              {analysis.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2 (Unicode)'} · {analysis.perSegment} per SMS
            </span>
          </>
        )}
      </div>
      {ucs2 && (
        <p className="msg-ucs2" data-testid="msg-ucs2">
          Unicode because of{' '}
          <button
            type="button"
            className="msg-ucs2-char"
            onClick={() => pointAt(ucs2.index, ucs2.char.length)}
          >
            {context(value, ucs2.index, ucs2.char)}
          </button>
          <span className="msg-ucs2-hint">
            {' '}
            — one such character makes each SMS hold {analysis.perSegment} characters instead of{' '}
            {analysis.segments > 1 ? 153 : 160}. Replace it (and any like it) to send fewer SMS.
          </span>
        </p>
      )}
      {(analysis.errors.length > 0 || analysis.warnings.length > 0) && (
        <ul className="msg-issues">
          {analysis.errors.map(issue('error'))}
          {analysis.warnings.filter((w) => w.code !== 'unicode').map(issue('warning'))}
        </ul>
      )}
      {analysis.preview !== null && (
        <figure className="msg-preview">
          <figcaption>What each person receives</figcaption>
          <div className="msg-bubble">{analysis.preview}</div>
        </figure>
      )}
    </div>
  )
}

/** "…caf[é] au…": the offending character with a few neighbours, marked. */
function context(text: string, index: number, char: string) {
  const before = text.slice(Math.max(0, index - 8), index)
  const after = text.slice(index + char.length, index + char.length + 8)
  return (
    <>
      {index > 8 ? '…' : ''}
      {before}
      <mark>{char}</mark>
      {after}
      {index + char.length + 8 < text.length ? '…' : ''}
      <span className="muted"> (character {index + 1})</span>
    </>
  )
}

/** Whether HQ would refuse this message (sending is blocked while true). */
export function messageHasErrors(value: string, androidOnly: boolean): boolean {
  return analyseMessage(value, { androidOnly, registrationUrlLength: 0 }).errors.length > 0
}
