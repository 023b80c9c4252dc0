import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ApiError } from '../../../../shared/api'
import { App } from '../../App'
import { createFakeApi, makeBatch, makeProject, makeWorker, syncRun } from '../../test/fakeApi'
import { installDomStubs, renderWithApi } from '../../test/dom'

beforeEach(() => {
  localStorage.clear()
  installDomStubs()
})
afterEach(cleanup)

/** Today at hh:mm, as the core stores it. */
function today(hours: number, minutes: number): string {
  const at = new Date()
  at.setHours(hours, minutes, 0, 0)
  return at.toISOString()
}

const synced = syncRun('p1', { endedAt: new Date().toISOString() })

/** Amina was invited on two numbers (batches 1 and 3); Baraka on none. */
function invitedApi() {
  return createFakeApi({
    projects: [makeProject({ lastGoodSync: synced, lastSync: synced })],
    workers: [
      makeWorker(0, { name: 'Amina Otieno', phones: ['+254710000000', '+254722000000'] }),
      makeWorker(1, { name: 'Baraka Mwangi' })
    ],
    batches: {
      p1: [
        makeBatch(3, { state: 'done', error: null, createdAt: today(9, 12) }),
        makeBatch(1, { state: 'done', error: null, createdAt: today(8, 5) })
      ]
    },
    invited: [
      { digits: '254710000000', batchId: 1, invitedAt: today(8, 5), status: 'success', registered: true },
      { digits: '254722000000', batchId: 3, invitedAt: today(9, 12), status: 'unknown', registered: false },
      // Someone else's number: never shown on Amina's pane.
      { digits: '254733000000', batchId: 3, invitedAt: today(9, 12), status: 'success', registered: false }
    ]
  })
}

async function openDetails(name: string) {
  const grid = await screen.findByRole('grid', { name: 'Workers' })
  const row = await within(grid).findByRole('row', { name: new RegExp(name) })
  fireEvent.click(row)
  const pane = await screen.findByRole('complementary', { name: `Details of ${name}` })
  return pane
}

const section = (pane: HTMLElement) =>
  within(pane).queryByRole('heading', { name: 'Invitations' })?.closest('section') ?? null

/** Each invitation's line as read aloud (status words, number, link). */
const lines = (pane: HTMLElement) =>
  [...(section(pane)?.querySelectorAll('li') ?? [])].map((li) => li.textContent)

describe('how a worker was invited, in the detail pane', () => {
  it('lists the invitations of the worker’s numbers, newest first, with History’s words', async () => {
    const api = invitedApi()
    renderWithApi(api, <App />)
    const pane = await openDetails('Amina Otieno')
    await waitFor(() => expect(section(pane)).not.toBeNull())
    expect(lines(pane)).toEqual([
      'Invited by SMS today 09:12 · batch 3 · unknown+254 722 000000Open in History',
      'Invited by SMS today 08:05 · batch 1 · registered+254 710 000000Open in History'
    ])
    expect(api.callsOf('invite.lookup')).toEqual([
      { projectId: 'p1', digits: ['254710000000', '254722000000'] }
    ])
  })

  it('shows nothing for a worker none of whose numbers was invited', async () => {
    const api = invitedApi()
    renderWithApi(api, <App />)
    const pane = await openDetails('Baraka Mwangi')
    // The lookup was asked and answered: the section is absent, not still loading.
    await waitFor(() => expect(api.callsOf('invite.lookup')).toHaveLength(1))
    await within(pane).findByText('Team North')
    await act(async () => {})
    expect(section(pane)).toBeNull()
    expect(within(pane).queryByText(/Invited by SMS/)).toBeNull()
  })

  it('opens History on the invitation’s batch', async () => {
    const api = invitedApi()
    renderWithApi(api, <App />)
    const pane = await openDetails('Amina Otieno')
    const older = await within(pane).findByText(/batch 1 ·/)
    fireEvent.click(within(older.closest('li')!).getByRole('button', { name: 'Open in History' }))
    expect(await screen.findByRole('heading', { name: 'History' })).toBeTruthy()
    const batch1 = await screen.findByRole('option', { name: /Batch 1/ })
    await waitFor(() => expect(batch1.getAttribute('aria-selected')).toBe('true'))
    expect(screen.getByRole('option', { name: /Batch 3/ }).getAttribute('aria-selected')).toBe('false')
    expect(await screen.findByRole('heading', { name: /^Batch 1 · today 08:05$/ })).toBeTruthy()
  })

  it('follows a sync: an invited number found registered says so', async () => {
    const api = invitedApi()
    api.state.invited = [
      { digits: '254710000000', batchId: 1, invitedAt: today(8, 5), status: 'success', registered: false }
    ]
    renderWithApi(api, <App />)
    const pane = await openDetails('Amina Otieno')
    await waitFor(() =>
      expect(lines(pane)).toEqual([
        'Invited by SMS today 08:05 · batch 1 · invited+254 710 000000Open in History'
      ])
    )

    api.state.invited = [{ ...api.state.invited[0]!, registered: true }]
    act(() => void api.finishSync('p1'))
    await waitFor(() =>
      expect(lines(pane)).toEqual([
        'Invited by SMS today 08:05 · batch 1 · registered+254 710 000000Open in History'
      ])
    )
    expect(api.callsOf('invite.lookup')).toHaveLength(2)
  })

  it('leaves the pane as it was when the lookup fails', async () => {
    const api = invitedApi()
    api.failNext('invite.lookup', new ApiError('internal', 'The database is busy.'))
    renderWithApi(api, <App />)
    const pane = await openDetails('Amina Otieno')
    await waitFor(() => expect(api.callsOf('invite.lookup')).toHaveLength(1))
    await within(pane).findByText('Team South')
    await act(async () => {})
    expect(section(pane)).toBeNull()
    expect(within(pane).queryByRole('alert')).toBeNull()
    expect(within(pane).getByText('+254 710 000000')).toBeTruthy()
  })
})
