import { useEffect, useId, useRef, type ReactNode } from 'react'
import { createPortal } from 'react-dom'
import { useTranslation } from 'react-i18next'

const FOCUSABLE =
  'button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), a[href]'

/** Whether focus can go back to this element: still on the page, enabled, not hidden. */
function canTakeFocus(element: Element | null): element is HTMLElement {
  return (
    element instanceof HTMLElement &&
    element.isConnected &&
    element !== document.body &&
    !(element as HTMLButtonElement).disabled &&
    !element.closest('[inert]')
  )
}

/**
 * A modal question with one deliberate "yes". Focus starts on Cancel (sending SMS costs money,
 * so Enter alone must not do it), Tab stays inside, Esc cancels, and focus goes back where it was.
 * The dialog sits on <body>, and the rest of the page is inert while it is open, so neither a
 * click, a screen reader's virtual cursor nor Tab can reach what is behind it.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  busy,
  returnFocusTo
}: {
  title: string
  children: ReactNode
  confirmLabel: string
  onConfirm: () => void
  onCancel: () => void
  busy?: boolean
  /**
   * Where focus goes when the element that opened the dialog is gone or disabled once it closes
   * (the Send button is replaced by the results): without it focus would fall to the page's body.
   */
  returnFocusTo?: () => HTMLElement | null
}) {
  const { t } = useTranslation('invite')
  const titleId = useId()
  const bodyId = useId()
  const backdropRef = useRef<HTMLDivElement>(null)
  const ref = useRef<HTMLDivElement>(null)
  const cancelRef = useRef<HTMLButtonElement>(null)
  // The latest fallback, read when the dialog closes (the caller's closure may have changed).
  const fallbackRef = useRef(returnFocusTo)
  fallbackRef.current = returnFocusTo

  useEffect(() => {
    const before = document.activeElement
    const backdrop = backdropRef.current
    const dialog = ref.current
    const madeInert = Array.from(document.body.children).filter(
      (el) => el !== backdrop && !el.hasAttribute('inert')
    )
    for (const el of madeInert) el.setAttribute('inert', '')
    cancelRef.current?.focus()
    return () => {
      for (const el of madeInert) el.removeAttribute('inert')
      // After this commit: what opened the dialog may be replaced in the same render.
      setTimeout(() => {
        // Still on the page: React only re-ran this effect (development's StrictMode), not closed it.
        if (dialog?.isConnected) return
        if (canTakeFocus(before)) before.focus()
        else {
          const fallback = fallbackRef.current?.()
          if (fallback) fallback.focus()
        }
      })
    }
  }, [])

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault()
      onCancel()
      return
    }
    if (event.key !== 'Tab') return
    const focusable = ref.current?.querySelectorAll<HTMLElement>(FOCUSABLE)
    if (!focusable || focusable.length === 0) return
    const first = focusable[0]!
    const last = focusable[focusable.length - 1]!
    const inside = ref.current?.contains(document.activeElement)
    if (event.shiftKey && (document.activeElement === first || !inside)) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
      event.preventDefault()
      first.focus()
    }
  }

  return createPortal(
    <div
      ref={backdropRef}
      className="idialog-backdrop"
      onMouseDown={(e) => e.target === e.currentTarget && onCancel()}
    >
      <div
        ref={ref}
        className="idialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId}>{title}</h2>
        <div className="idialog-body" id={bodyId}>
          {children}
        </div>
        <div className="idialog-actions">
          <button ref={cancelRef} type="button" className="btn" onClick={onCancel}>
            {t('dialog.cancel')}
          </button>
          <button type="button" className="btn btn-primary" onClick={onConfirm} disabled={busy}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>,
    document.body
  )
}
