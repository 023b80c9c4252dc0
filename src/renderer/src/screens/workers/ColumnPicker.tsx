import { useTranslation } from 'react-i18next'
import { useEffect, useId, useRef, useState } from 'react'
import { ColumnsIcon } from '../../shell/icons'

/** Lets the coordinator add custom-field columns to the table; the choice is remembered per project. */
export function ColumnPicker({
  keys,
  chosen,
  onChange
}: {
  keys: readonly string[]
  chosen: readonly string[]
  onChange: (next: string[]) => void
}) {
  const { t } = useTranslation('workers')
  const [open, setOpen] = useState(false)
  const root = useRef<HTMLDivElement>(null)
  const buttonRef = useRef<HTMLButtonElement>(null)
  const panelId = useId()

  useEffect(() => {
    if (!open) return
    const onPointer = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false)
    }
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.stopPropagation()
        setOpen(false)
        // Escape from a checkbox in the panel: the focus goes back to the button, not to the body.
        if (root.current?.contains(document.activeElement)) buttonRef.current?.focus()
      }
    }
    document.addEventListener('mousedown', onPointer)
    document.addEventListener('keydown', onKey, true)
    return () => {
      document.removeEventListener('mousedown', onPointer)
      document.removeEventListener('keydown', onKey, true)
    }
  }, [open])

  const toggle = (key: string, on: boolean) => {
    // Keep the order in which fields are listed, whatever order they were ticked in.
    const next = new Set(chosen)
    if (on) next.add(key)
    else next.delete(key)
    onChange(keys.filter((k) => next.has(k)))
  }

  return (
    <div className="popover-anchor" ref={root}>
      <button
        ref={buttonRef}
        type="button"
        className="btn"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        <ColumnsIcon /> {chosen.length ? t('columns.buttonMore', { n: chosen.length }) : t('columns.button')}
      </button>
      {open && (
        <div className="popover" id={panelId} role="group" aria-label={t('columns.label')}>
          <div className="popover-title">{t('columns.title')}</div>
          {keys.length ? (
            <ul className="popover-list">
              {keys.map((key) => (
                <li key={key}>
                  <label className="check-label">
                    <input
                      type="checkbox"
                      checked={chosen.includes(key)}
                      onChange={(e) => toggle(key, e.target.checked)}
                    />
                    {key}
                  </label>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t('columns.none')}</p>
          )}
        </div>
      )}
    </div>
  )
}
