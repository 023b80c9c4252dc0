import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { App } from '../../App'
import { createFakeApi, makeProject, makeWorker, syncRun } from '../../test/fakeApi'
import { installDomStubs, renderWithApi } from '../../test/dom'
import { workerState } from './status'

const synced = syncRun('p1', { endedAt: new Date().toISOString() })

beforeEach(() => {
  localStorage.clear()
  installDomStubs()
})
afterEach(cleanup)

/**
 * Ten workers: eight active; one archived in HQ; two accounts Roster created that HQ lists as
 * inactive until their workers confirm them.
 */
async function openWorkers() {
  const workers = Array.from({ length: 10 }, (_, i) => makeWorker(i, { archived: false }))
  workers[7] = makeWorker(7, { name: 'Grace Archived', archived: true })
  workers[8] = makeWorker(8, { name: 'Amina Invited', archived: true, pendingConfirmation: true })
  workers[9] = makeWorker(9, { name: 'Baraka Invited', archived: true, pendingConfirmation: true })
  const api = createFakeApi({
    projects: [makeProject({ lastGoodSync: synced, lastSync: synced })],
    workers
  })
  renderWithApi(api, <App />)
  const grid = await screen.findByRole('grid', { name: 'Workers' })
  await waitFor(() => expect(within(grid).getAllByRole('row').length).toBeGreaterThan(1))
  await within(screen.getByLabelText('Group')).findByRole('option', { name: /^Team North/ })
  return { api, grid }
}

const statusOf = (grid: HTMLElement, name: string) => {
  const row = within(grid)
    .getAllByRole('row')
    .find((r) => r.textContent?.includes(name))
  if (!row) throw new Error(`no row for ${name}`)
  return within(row).getAllByRole('gridcell').at(-1)!.textContent
}

describe('accounts Roster created and not confirmed yet', () => {
  it('reads "Invited — not confirmed yet" in the table, not Archived, and are counted apart', async () => {
    const { grid } = await openWorkers()
    fireEvent.click(screen.getByLabelText('Archived or invited'))
    await waitFor(() => expect(within(grid).getAllByRole('row')).toHaveLength(4))
    expect(statusOf(grid, 'Amina Invited')).toBe('Invited — not confirmed yet')
    expect(statusOf(grid, 'Baraka Invited')).toBe('Invited — not confirmed yet')
    expect(statusOf(grid, 'Grace Archived')).toBe('Archived')
    expect(screen.getByText('3 of 3 archived workers, 2 of them invited — not confirmed yet')).toBeTruthy()

    fireEvent.click(screen.getByLabelText('All'))
    await waitFor(() => expect(within(grid).getAllByRole('row')).toHaveLength(11))
    expect(screen.getByText('10 of 10 workers, 2 of them invited — not confirmed yet')).toBeTruthy()
    expect(statusOf(grid, 'Amina Invited')).toBe('Invited — not confirmed yet')
  })

  it('shows the same status in the detail pane, with what the worker still has to do', async () => {
    const { grid } = await openWorkers()
    fireEvent.click(screen.getByLabelText('All'))
    await waitFor(() => expect(within(grid).getAllByRole('row')).toHaveLength(11))
    fireEvent.click(within(grid).getByText('Amina Invited'))
    const pane = await screen.findByRole('complementary', { name: 'Details of Amina Invited' })
    expect(within(pane).getByText('Invited — not confirmed yet').className).toContain('badge')
    expect(within(pane).queryByText('Archived')).toBeNull()
    expect(pane.textContent).toContain('HQ sent the worker a link to confirm it')
  })

  it('keeps the plain Archived filter where no account waits for confirmation', async () => {
    const api = createFakeApi({
      projects: [makeProject({ lastGoodSync: synced, lastSync: synced })],
      workers: Array.from({ length: 10 }, (_, i) => makeWorker(i))
    })
    renderWithApi(api, <App />)
    await within(await screen.findByLabelText('Group')).findByRole('option', { name: /^Team North/ })
    expect(screen.getByLabelText('Archived')).toBeTruthy()
    expect(screen.queryByLabelText('Archived or invited')).toBeNull()
  })

  it('a pending account is "invited" even though HQ lists it as inactive', () => {
    expect(workerState({ archived: true, pendingConfirmation: true })).toBe('invited')
    expect(workerState({ archived: false, pendingConfirmation: true })).toBe('invited')
    expect(workerState({ archived: true, pendingConfirmation: false })).toBe('archived')
    expect(workerState({ archived: false, pendingConfirmation: false })).toBe('active')
  })
})
