import { act, cleanup, fireEvent, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createFakeCore } from '../test/fakeCore'
import { renderWithApi } from '../test/dom'
import { UpdateNotice } from './UpdateNotice'

afterEach(cleanup)

describe('UpdateNotice', () => {
  it('stays empty, with its live region in place, until an update is ready', () => {
    renderWithApi(createFakeCore({}), <UpdateNotice />)
    expect(screen.getByRole('status').childElementCount).toBe(0)
  })

  it('says which version is ready and that a restart installs it, without taking the focus', () => {
    const core = createFakeCore({})
    renderWithApi(core, <UpdateNotice />)
    const before = document.activeElement
    act(() => core.emit('app.update', { state: 'ready', version: '0.2.0' }))
    expect(screen.getByRole('status').textContent).toBe(
      'Roster 0.2.0 is ready. It installs when you restart Roster.'
    )
    expect(document.activeElement).toBe(before)
    // Without a way to restart from the page, no button pretends to.
    expect(screen.queryByRole('button', { name: 'Restart to update' })).toBeNull()
  })

  it('restarts when the shell gives it a way to', () => {
    const core = createFakeCore({})
    const onRestart = vi.fn()
    renderWithApi(core, <UpdateNotice onRestart={onRestart} />)
    act(() => core.emit('app.update', { state: 'ready', version: '0.2.0' }))
    fireEvent.click(screen.getByRole('button', { name: 'Restart to update' }))
    expect(onRestart).toHaveBeenCalledOnce()
  })

  it('hides for this version when dismissed, and comes back for a newer one', () => {
    const core = createFakeCore({})
    renderWithApi(core, <UpdateNotice />)
    act(() => core.emit('app.update', { state: 'ready', version: '0.2.0' }))
    fireEvent.click(screen.getByRole('button', { name: 'Hide this notice' }))
    expect(screen.queryByTestId('update-notice')).toBeNull()
    act(() => core.emit('app.update', { state: 'ready', version: '0.2.0' }))
    expect(screen.queryByTestId('update-notice')).toBeNull()
    act(() => core.emit('app.update', { state: 'ready', version: '0.3.0' }))
    expect(screen.getByTestId('update-notice').textContent).toContain('Roster 0.3.0 is ready.')
  })
})
