import { useId, useMemo, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import {
  analyseMessage,
  exampleRegistrationUrl,
  gsmSeptets,
  type MessageAnalysis,
  type SmsIssue
} from '../../../../shared/sms'

/**
 * Accented letters coordinators type in French, Spanish and Portuguese, split by GSM 03.38 itself
 * (so the list cannot drift from what the counter counts): the first keep an SMS at 160
 * characters, the others switch the whole message to UCS-2.
 */
const ACCENTED = Array.from('éèàùìòÇÉñÑüÜäöáíóúâêîôûçëïœÁÍÓÚÀÈÊ')
export const KEEP_GSM7 = ACCENTED.filter((c) => gsmSeptets(c) !== null)
export const FORCE_UCS2 = ACCENTED.filter((c) => gsmSeptets(c) === null)

/**
 * An issue in the coordinator's language. The shared rules word them in English for the CLI;
 * the code and the numbers around it are the same, so the screen words them itself.
 */
export function issueText(
  t: TFunction<'invite'>,
  item: SmsIssue,
  text: string,
  analysis: Pick<MessageAnalysis, 'perSegment' | 'segments'>
): string {
  switch (item.code) {
    case 'placeholder-repeated':
      return t('message.issue.placeholder-repeated', { count: text.split('{}').length - 1 })
    case 'stray-brace':
      return t('message.issue.stray-brace', {
        char: text[item.index ?? 0] ?? '{',
        position: (item.index ?? 0) + 1
      })
    case 'unicode':
      return t('message.issue.unicode', {
        char: Array.from(text.slice(item.index ?? 0))[0] ?? '',
        position: (item.index ?? 0) + 1,
        perSegment: analysis.perSegment,
        instead: analysis.segments > 1 ? 153 : 160
      })
    default:
      return t(`message.issue.${item.code}`)
  }
}

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
  const { t } = useTranslation('invite')
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
      <span>{issueText(t, item, value, analysis)}</span>
      {item.index !== undefined && (
        <button type="button" className="link-button" onClick={() => pointAt(item.index!)}>
          {t('message.show')}
        </button>
      )}
    </li>
  )

  const ucs2 = analysis.ucs2Char
  return (
    <div className="msg-editor">
      <div className="msg-editor-head">
        <label htmlFor={id}>{t('message.label')}</label>
        <span className="msg-editor-actions">
          {androidOnly && (
            <button type="button" className="link-button" onClick={insertPlaceholder} disabled={disabled}>
              {t('message.insertLink')}
            </button>
          )}
          {value.trim() === '' ? (
            <button
              type="button"
              className="link-button"
              disabled={disabled}
              onClick={() =>
                onChange(androidOnly ? t('message.example.android') : t('message.example.other'))
              }
            >
              {t('message.startFromExample')}
            </button>
          ) : (
            <button type="button" className="link-button" disabled={disabled} onClick={() => onChange('')}>
              {t('message.useDefault')}
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
        placeholder={t('message.placeholder')}
        aria-describedby={`${id}-count`}
        aria-invalid={analysis.errors.length > 0}
        onChange={(e) => onChange(e.target.value)}
      />
      <div id={`${id}-count`} className="msg-count" aria-live="polite">
        {analysis.blank ? (
          <span className="muted">{t('message.defaultWillBeSent')}</span>
        ) : (
          <>
            <span data-testid="msg-length">
              {androidOnly
                ? t('message.lengthWithLink', { count: analysis.length })
                : t('message.length', { count: analysis.length })}
            </span>
            <span className={analysis.segments > 1 ? 'msg-count-warn' : undefined} data-testid="msg-segments">
              {t('message.segments', { count: analysis.segments })}
            </span>
            <span
              className={analysis.encoding === 'ucs2' ? 'msg-count-warn' : undefined}
              data-testid="msg-encoding"
            >
              {t(analysis.encoding === 'gsm7' ? 'message.gsm7' : 'message.ucs2', {
                perSegment: analysis.perSegment
              })}
            </span>
          </>
        )}
      </div>
      {ucs2 && (
        <p className="msg-ucs2" data-testid="msg-ucs2">
          {t('message.unicodeBecause')}{' '}
          <button
            type="button"
            className="msg-ucs2-char"
            onClick={() => pointAt(ucs2.index, ucs2.char.length)}
          >
            {context(t, value, ucs2.index, ucs2.char)}
          </button>
          <span className="msg-ucs2-hint">
            {' '}
            —{' '}
            {t('message.unicodeHint', {
              perSegment: analysis.perSegment,
              instead: analysis.segments > 1 ? 153 : 160
            })}
          </span>
        </p>
      )}
      {!analysis.blank && (
        <p className="msg-alphabet muted small" data-testid="msg-alphabet">
          {t('message.alphabet', { keep: KEEP_GSM7.join(' '), force: FORCE_UCS2.join(' ') })}
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
          <figcaption>{t('message.preview')}</figcaption>
          <div className="msg-bubble">{analysis.preview}</div>
        </figure>
      )}
    </div>
  )
}

/** "…caf[é] au…": the offending character with a few neighbours, marked. */
function context(t: TFunction<'invite'>, text: string, index: number, char: string) {
  const before = text.slice(Math.max(0, index - 8), index)
  const after = text.slice(index + char.length, index + char.length + 8)
  return (
    <>
      {index > 8 ? '…' : ''}
      {before}
      <mark>{char}</mark>
      {after}
      {index + char.length + 8 < text.length ? '…' : ''}
      <span className="muted"> {t('message.position', { position: index + 1 })}</span>
    </>
  )
}

/** Whether HQ would refuse this message (sending is blocked while true). */
export function messageHasErrors(value: string, androidOnly: boolean): boolean {
  return analyseMessage(value, { androidOnly, registrationUrlLength: 0 }).errors.length > 0
}
