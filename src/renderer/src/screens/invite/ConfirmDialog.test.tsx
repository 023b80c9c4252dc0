import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { useState } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfirmDialog } from './ConfirmDialog'

afterEach(cleanup)

/** A page with a button that opens the dialog, and one that replaces it once the dialog says yes. */
function Page({ replaceOpener = false }: { replaceOpener?: boolean }) {
  const [open, setOpen] = useState(false)
  const [sent, setSent] = useState(false)
  return (
    <div>
      <button type="button">Before</button>
      {sent && replaceOpener ? (
        <h2 tabIndex={-1} id="results">
          Results
        </h2>
      ) : (
        <button type="button" onClick={() => setOpen(true)}>
          Send
        </button>
      )}
      {open && (
        <ConfirmDialog
          title="Send 2 invitations?"
          confirmLabel="Send 2 invitations"
          onCancel={() => setOpen(false)}
          onConfirm={() => {
            setOpen(false)
            setSent(true)
          }}
          returnFocusTo={() => document.getElementById('results')}
        >
          <p>Each number gets an SMS.</p>
        </ConfirmDialog>
      )}
    </div>
  )
}

describe('ConfirmDialog', () => {
  it('starts on Cancel, keeps Tab and Shift+Tab inside, and makes the page behind it inert', () => {
    const { container } = render(<Page />)
    fireEvent.click(screen.getByRole('button', { name: 'Send' }))
    const dialog = screen.getByRole('dialog', { name: 'Send 2 invitations?' })
    expect(dialog.getAttribute('aria-describedby')).toBeTruthy()
    expect(document.getElementById(dialog.getAttribute('aria-describedby')!)?.textContent).toBe(
      'Each number gets an SMS.'
    )
    const cancel = screen.getByRole('button', { name: 'Cancel' })
    const yes = screen.getByRole('button', { name: 'Send 2 invitations' })
    expect(document.activeElement).toBe(cancel)
    // The app (here the render container's parent on <body>) cannot be reached behind the dialog.
    expect(container.closest('[inert]')).not.toBeNull()
    expect(dialog.closest('[inert]')).toBeNull()

    fireEvent.keyDown(cancel, { key: 'Tab', shiftKey: true })
    expect(document.activeElement).toBe(yes)
    fireEvent.keyDown(yes, { key: 'Tab' })
    expect(document.activeElement).toBe(cancel)
  })

  it('gives focus back to the button that opened it when cancelled with Escape', async () => {
    const { container } = render(<Page />)
    const send = screen.getByRole('button', { name: 'Send' })
    send.focus()
    fireEvent.click(send)
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' })
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(container.closest('[inert]')).toBeNull()
    await waitFor(() => expect(document.activeElement).toBe(send))
  })

  it('puts focus on the fallback when the button that opened it is gone', async () => {
    render(<Page replaceOpener />)
    const send = screen.getByRole('button', { name: 'Send' })
    send.focus()
    fireEvent.click(send)
    fireEvent.click(screen.getByRole('button', { name: 'Send 2 invitations' }))
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Results' })))
  })
})
