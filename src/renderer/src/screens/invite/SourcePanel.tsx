import { useId, useRef, useState, type ChangeEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import type { Delimiter } from '../../../../shared/import/table'
import type { ReadOptions, SourceInfo } from '../../import/protocol'
import { COMMON_COUNTRIES, countryName } from '../../lib/countries'
import { currentLanguage } from '../../i18n'
import { formatCount } from '../../lib/format'
import { CloudIcon, PhoneIcon } from '../../shell/icons'

export const ACCEPTED_FILES =
  '.csv,.tsv,.txt,.xlsx,.xlsm,.xls,.ods,text/csv,text/plain,text/tab-separated-values'

const DELIMITERS: { value: Delimiter; key: 'comma' | 'semicolon' | 'tab' }[] = [
  { value: ',', key: 'comma' },
  { value: ';', key: 'semicolon' },
  { value: '\t', key: 'tab' }
]

/** A hidden file input behind a button-like label, so the picker opens from the keyboard too. */
export function FilePicker({
  onFile,
  label,
  className = 'btn',
  testId,
  disabled
}: {
  onFile: (file: File) => void
  label: string
  className?: string
  testId?: string
  disabled?: boolean | undefined
}) {
  const ref = useRef<HTMLInputElement>(null)
  const onChange = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0]
    if (file) onFile(file)
    event.target.value = ''
  }
  return (
    <>
      <button type="button" className={className} disabled={disabled} onClick={() => ref.current?.click()}>
        {label}
      </button>
      <input
        ref={ref}
        type="file"
        accept={ACCEPTED_FILES}
        className="visually-hidden"
        tabIndex={-1}
        aria-label={label}
        data-testid={testId}
        onChange={onChange}
      />
    </>
  )
}

export function CountrySelect({
  value,
  onChange,
  disabled,
  label
}: {
  value: string
  onChange: (code: string) => void
  disabled?: boolean
  label?: string
}) {
  const { t } = useTranslation('invite')
  const id = useId()
  const codes: string[] = [...COMMON_COUNTRIES]
  if (!codes.includes(value)) codes.unshift(value)
  return (
    <span className="isrc-setting">
      <label htmlFor={id} title={t('source.countryTitle')}>
        {label ?? t('source.countryLabel')}
      </label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        {codes
          .map((code) => ({ code, name: countryName(code) }))
          .sort((a, b) => a.name.localeCompare(b.name))
          .map(({ code, name }) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
      </select>
    </span>
  )
}

/** The empty Invite screen: drop or choose a file, paste cells, or type numbers. */
export function StartPanel({
  onFile,
  onPaste,
  onBlank,
  country,
  onCountry,
  side
}: {
  onFile: (file: File) => void
  onPaste: (text: string) => void
  onBlank: () => void
  country: string
  onCountry: (code: string) => void
  /** Shown first beside the drop zone (the channel the list will go through). */
  side?: ReactNode
}) {
  const { t } = useTranslation('invite')
  const [text, setText] = useState('')
  const pasteId = useId()
  return (
    <div className="istart">
      <div className="istart-drop" data-testid="drop-zone">
        <CloudIcon className="istart-drop-icon" />
        <h2>{t('start.drop')}</h2>
        <p className="muted">{t('start.formats')}</p>
        <FilePicker
          onFile={onFile}
          label={t('start.chooseFile')}
          className="btn btn-primary btn-large"
          testId="file-input"
        />
      </div>
      <div className="istart-side">
        {side}
        <div className="istart-card">
          <label htmlFor={pasteId}>
            <strong>{t('start.paste')}</strong> <span className="muted">{t('start.pasteFrom')}</span>
          </label>
          <textarea
            id={pasteId}
            className="istart-paste"
            rows={6}
            value={text}
            placeholder={t('start.pastePlaceholder')}
            onChange={(e) => setText(e.target.value)}
            onPaste={(e) => {
              // Pasting straight into the empty box reads the cells at once.
              const pasted = e.clipboardData.getData('text/plain')
              if (text.trim() === '' && pasted.trim() !== '') {
                e.preventDefault()
                setText(pasted)
                onPaste(pasted)
              }
            }}
          />
          <button type="button" className="btn" disabled={text.trim() === ''} onClick={() => onPaste(text)}>
            {t('start.readPasted')}
          </button>
        </div>
        <div className="istart-card">
          <strong>{t('start.byHand')}</strong>
          <p className="muted small">{t('start.byHandHint')}</p>
          <button type="button" className="btn" onClick={onBlank}>
            <PhoneIcon /> {t('start.blank')}
          </button>
        </div>
        <CountrySelect value={country} onChange={onCountry} />
      </div>
    </div>
  )
}

function encodingLabel(info: SourceInfo): string {
  const choice = info.encodingChoices?.find((c) => c.encoding === info.encoding)
  return choice?.label ?? info.encoding ?? ''
}

/** How the encoding was settled: chosen, read from a BOM, or guessed (and how surely). */
function encodingHow(t: TFunction<'invite'>, info: SourceInfo, lowConfidence: boolean): string {
  if (info.encodingSource === 'chosen') return t('source.how.chosen')
  if (info.bom) return t('source.how.bom')
  if (lowConfidence) return t('source.how.guess')
  return encodingLabel(info).startsWith('Unicode') ? t('source.how.detectedNoBom') : t('source.how.detected')
}

/** What was read and how, each guess correctable: encoding, delimiter, header row, sheet. */
export function SourceBar({
  info,
  onReread,
  onFile,
  onReset,
  country,
  onCountry,
  disabled,
  resetDisabled
}: {
  info: SourceInfo
  onReread: (options: ReadOptions) => void
  onFile: (file: File) => void
  onReset: () => void
  country: string
  onCountry: (code: string) => void
  /** Settings that re-read the rows (off while a batch is on screen). */
  disabled?: boolean
  /** Starting over or opening another file (off only while sending). */
  resetDisabled?: boolean
}) {
  const { t } = useTranslation('invite')
  const ids = { enc: useId(), delim: useId(), sheet: useId() }
  const lowConfidence = info.encodingSource === 'detected' && (info.encodingConfidence ?? 1) < 0.5
  return (
    <div className="isrc" data-testid="source-bar">
      <div className="isrc-top">
        <div className="isrc-name">
          {/* The worker names a paste in English; the screen names it in the coordinator's language. */}
          <strong title={info.name}>{info.kind === 'paste' ? t('source.pasted') : info.name}</strong>
          <span className="muted">
            {t('source.rows', { count: info.rowCount })}
            {info.bytes !== undefined ? ` · ${formatBytes(t, info.bytes)}` : ''}
          </span>
        </div>
        <span className="isrc-actions">
          <FilePicker
            onFile={onFile}
            label={t('source.openAnother')}
            className="btn btn-small"
            testId="file-input-again"
            disabled={resetDisabled}
          />
          <button
            type="button"
            className="btn btn-small btn-ghost"
            onClick={onReset}
            disabled={resetDisabled}
          >
            {t('source.startOver')}
          </button>
        </span>
      </div>
      <div className="isrc-settings">
        {info.kind === 'delimited' && (
          <span className="isrc-setting">
            <label htmlFor={ids.enc}>{t('source.encoding')}</label>
            <select
              id={ids.enc}
              value={info.encoding}
              disabled={disabled}
              aria-describedby={`${ids.enc}-how`}
              className={lowConfidence ? 'is-doubtful' : undefined}
              onChange={(e) => onReread({ encoding: e.target.value, delimiter: info.delimiter })}
            >
              {(
                info.encodingChoices ?? [
                  { encoding: info.encoding ?? 'utf-8', label: info.encoding ?? 'utf-8' }
                ]
              ).map((c) => (
                <option key={c.encoding} value={c.encoding}>
                  {c.label}
                </option>
              ))}
            </select>
            <span
              id={`${ids.enc}-how`}
              className={`isrc-how${lowConfidence ? ' is-doubtful' : ''}`}
              data-testid="encoding-how"
            >
              {encodingHow(t, info, lowConfidence)}
            </span>
          </span>
        )}
        {info.kind === 'delimited' && (
          <span className="isrc-setting">
            <label htmlFor={ids.delim}>{t('source.separator')}</label>
            <select
              id={ids.delim}
              value={info.delimiter}
              disabled={disabled}
              onChange={(e) =>
                onReread({
                  delimiter: e.target.value as Delimiter,
                  ...(info.encodingSource === 'chosen' ? { encoding: info.encoding } : {})
                })
              }
            >
              {DELIMITERS.map((d) => (
                <option key={d.key} value={d.value}>
                  {t(`source.delimiter.${d.key}`)}
                </option>
              ))}
            </select>
          </span>
        )}
        {info.kind === 'sheet' && info.sheets && info.sheets.length > 0 && (
          <span className="isrc-setting">
            <label htmlFor={ids.sheet}>{t('source.sheet')}</label>
            <select
              id={ids.sheet}
              value={info.sheet}
              disabled={disabled}
              onChange={(e) => onReread({ sheet: e.target.value })}
            >
              {info.sheets.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </span>
        )}
        <label className="check-label isrc-setting">
          <input
            type="checkbox"
            checked={info.hasHeader}
            disabled={disabled}
            onChange={(e) =>
              onReread({
                hasHeader: e.target.checked,
                ...(info.kind === 'delimited' ? { delimiter: info.delimiter } : {}),
                ...(info.encodingSource === 'chosen' ? { encoding: info.encoding } : {}),
                ...(info.sheet ? { sheet: info.sheet } : {})
              })
            }
          />
          {t('source.hasHeader')}
        </label>
        <CountrySelect
          value={country}
          onChange={onCountry}
          disabled={disabled}
          label={t('source.localNumbersFrom')}
        />
      </div>
      {info.errors.length > 0 && (
        <ul className="isrc-errors">
          {info.errors.slice(0, 3).map((e, i) => (
            <li key={i}>{e.row ? t('source.errorRow', { row: e.row, message: e.message }) : e.message}</li>
          ))}
          {info.errors.length > 3 && <li>{t('source.moreErrors', { count: info.errors.length - 3 })}</li>}
        </ul>
      )}
    </div>
  )
}

function formatBytes(t: TFunction<'invite'>, n: number): string {
  if (n < 1024) return t('source.bytes', { count: n })
  if (n < 1024 * 1024) return t('source.kilobytes', { size: formatCount(Math.round(n / 1024)) })
  return t('source.megabytes', {
    size: new Intl.NumberFormat(currentLanguage(), {
      minimumFractionDigits: 1,
      maximumFractionDigits: 1
    }).format(n / 1024 / 1024)
  })
}
