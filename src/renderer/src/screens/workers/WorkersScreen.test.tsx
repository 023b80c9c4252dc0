import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from '../../App'
import { createFakeApi, makeProject, makeWorker, syncRun, type FakeApi } from '../../test/fakeApi'
import { installDomStubs, renderWithApi } from '../../test/dom'

const synced = syncRun('p1', { endedAt: new Date().toISOString() })

beforeEach(() => {
  localStorage.clear()
  installDomStubs()
})
afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

async function openWorkers(count = 1000, patch: Parameters<typeof makeProject>[0] = {}) {
  const api = createFakeApi({
    projects: [makeProject({ lastGoodSync: synced, lastSync: synced, ...patch })],
    workers: Array.from({ length: count }, (_, i) => makeWorker(i))
  })
  renderWithApi(api, <App />)
  const grid = await screen.findByRole('grid', { name: 'Workers' })
  await waitFor(() => expect(within(grid).getAllByRole('row').length).toBeGreaterThan(1))
  // The filters, the custom-field picker and the "of N" counts come from a separate answer (the
  // facets) that may land after the rows: wait for it too, or a filter set now would be lost.
  await within(screen.getByLabelText('Group')).findByRole('option', { name: /^Team North/ })
  return { api, grid }
}

const bodyRows = (grid: HTMLElement) => within(grid).getAllByRole('row').slice(1)
const cellTexts = (row: HTMLElement) =>
  within(row)
    .getAllByRole('gridcell')
    .map((c) => c.textContent)

describe('the Workers screen', () => {
  it('renders only the rows in view of a long roster and fetches pages as it scrolls', async () => {
    const { api, grid } = await openWorkers(5000)
    expect(grid.getAttribute('aria-rowcount')).toBe(String(4500 + 1))
    expect(bodyRows(grid).length).toBeLessThan(40)
    expect(screen.getByText('4,500 active workers')).toBeTruthy()
    const offsets = () => api.callsOf('workers.query').map((q) => q.offset)
    expect(offsets()).toEqual([0])

    grid.scrollTop = 40 * 3000
    fireEvent.scroll(grid)
    await waitFor(() => expect(bodyRows(grid)[0]!.getAttribute('aria-rowindex')).not.toBe('2'))
    await waitFor(() => expect(offsets()).toContain(3000))
    await waitFor(() =>
      expect(
        within(grid)
          .queryAllByRole('row')
          .some((r) => r.classList.contains('is-loading'))
      ).toBe(false)
    )
    expect(api.callsOf('workers.query').every((q) => q.limit === 200)).toBe(true)
  })

  it('searches as you type, once the typing pauses', async () => {
    const { api, grid } = await openWorkers(50)
    const search = screen.getByRole('searchbox', { name: 'Search workers' })
    fireEvent.change(search, { target: { value: 'A' } })
    fireEvent.change(search, { target: { value: 'Am' } })
    fireEvent.change(search, { target: { value: 'Amina' } })
    await waitFor(() => expect(screen.getByText(/^7 of 45 active workers/)).toBeTruthy())
    expect(api.callsOf('workers.query').map((q) => q.text)).toEqual([undefined, 'Amina'])
    expect(bodyRows(grid).every((r) => cellTexts(r)[0]!.startsWith('Amina'))).toBe(true)
  })

  it('filters by group, by location with its sub-locations, by status and by phone', async () => {
    const { api } = await openWorkers(30)
    fireEvent.change(screen.getByLabelText('Group'), { target: { value: 'g-north' } })
    await waitFor(() => expect(api.callsOf('workers.query').at(-1)).toMatchObject({ groupId: 'g-north' }))

    const location = screen.getByLabelText('Location') as HTMLSelectElement
    expect([...location.options].map((o) => o.text)).toEqual([
      'All locations',
      'Kenya',
      '\u00a0\u00a0\u00a0└ Nairobi',
      '\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0└ Kibera'
    ])
    fireEvent.change(location, { target: { value: 'loc-nairobi' } })
    fireEvent.click(screen.getByRole('radio', { name: 'All' }))
    fireEvent.click(screen.getByRole('checkbox', { name: 'Has phone' }))
    await waitFor(() =>
      expect(api.callsOf('workers.query').at(-1)).toMatchObject({
        groupId: 'g-north',
        locationId: 'loc-nairobi',
        status: 'all',
        hasPhone: true
      })
    )
    await waitFor(() => expect(screen.getByText(/^12 of 30 workers/)).toBeTruthy())

    fireEvent.click(screen.getAllByRole('button', { name: 'Clear search and filters' })[0]!)
    await waitFor(() => expect(screen.getByText('27 active workers')).toBeTruthy())
  })

  it('filters by a custom field value', async () => {
    const { api } = await openWorkers(20)
    fireEvent.change(screen.getByLabelText('Custom field'), { target: { value: 'role' } })
    fireEvent.change(screen.getByLabelText('Custom field value'), { target: { value: 'supervisor' } })
    await waitFor(() =>
      expect(api.callsOf('workers.query').at(-1)).toMatchObject({
        field: { key: 'role', value: 'supervisor' }
      })
    )
  })

  it('sorts by a column header and says so with aria-sort', async () => {
    const { api } = await openWorkers(20)
    const header = screen.getByRole('columnheader', { name: /Username/ })
    expect(header.getAttribute('aria-sort')).toBe('none')
    fireEvent.click(within(header).getByRole('button'))
    await waitFor(() => expect(header.getAttribute('aria-sort')).toBe('ascending'))
    fireEvent.click(within(header).getByRole('button'))
    await waitFor(() => expect(header.getAttribute('aria-sort')).toBe('descending'))
    // The header turns at once; the query for the new order is a separate step.
    await waitFor(() =>
      expect(api.callsOf('workers.query').at(-1)).toMatchObject({ sort: 'username', dir: 'desc' })
    )
    expect(screen.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort')).toBe('none')
  })

  it('sorts by the Groups column', async () => {
    const { api, grid } = await openWorkers(20)
    const header = screen.getByRole('columnheader', { name: 'Groups' })
    expect(header.getAttribute('aria-sort')).toBe('none')
    fireEvent.click(within(header).getByRole('button', { name: 'Groups' }))
    await waitFor(() => expect(header.getAttribute('aria-sort')).toBe('ascending'))
    await waitFor(() =>
      expect(api.callsOf('workers.query').at(-1)).toMatchObject({ sort: 'groups', dir: 'asc' })
    )
    await waitFor(() => expect(cellTexts(bodyRows(grid)[0]!)[3]).toBe('Team North'))
    fireEvent.click(within(header).getByRole('button', { name: 'Groups' }))
    await waitFor(() => expect(header.getAttribute('aria-sort')).toBe('descending'))
    await waitFor(() => expect(cellTexts(bodyRows(grid)[0]!)[3]).toBe('Team South'))
    expect(screen.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort')).toBe('none')
  })

  it('sorts by a custom-field column the coordinator added, and back by name when it is removed', async () => {
    const { api, grid } = await openWorkers(20)
    fireEvent.click(screen.getByRole('button', { name: 'Columns' }))
    fireEvent.click(screen.getByRole('checkbox', { name: 'role' }))
    const header = within(grid).getByRole('columnheader', { name: 'role' })
    expect(header.getAttribute('aria-sort')).toBe('none')
    fireEvent.click(within(header).getByRole('button', { name: 'role' }))
    await waitFor(() => expect(header.getAttribute('aria-sort')).toBe('ascending'))
    await waitFor(() =>
      expect(api.callsOf('workers.query').at(-1)).toMatchObject({ sort: 'data:role', dir: 'asc' })
    )
    await waitFor(() => expect(cellTexts(bodyRows(grid)[0]!).at(-1)).toBe('chw'))
    fireEvent.click(within(header).getByRole('button', { name: 'role' }))
    await waitFor(() => expect(header.getAttribute('aria-sort')).toBe('descending'))
    await waitFor(() => expect(cellTexts(bodyRows(grid)[0]!).at(-1)).toBe('supervisor'))

    fireEvent.click(screen.getByRole('checkbox', { name: 'role' }))
    await waitFor(() =>
      expect(api.callsOf('workers.query').at(-1)).toMatchObject({ sort: 'name', dir: 'asc' })
    )
    expect(screen.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort')).toBe('ascending')
  })

  it('opens the details of a clicked row, follows the arrow keys and closes with Escape', async () => {
    const { api, grid } = await openWorkers(20)
    fireEvent.click(bodyRows(grid)[0]!)
    const pane = await screen.findByRole('complementary', { name: /Details of Amina Achieng 8/ })
    expect(within(pane).getByText('+254 710 000008')).toBeTruthy()
    expect(within(pane).getByText('Kenya')).toBeTruthy()
    expect(within(pane).getByText('Team South')).toBeTruthy()
    expect(within(pane).getByText('supervisor')).toBeTruthy()

    const writeText = vi.fn(async () => {})
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } })
    fireEvent.click(within(pane).getByRole('button', { name: 'Copy +254 710 000008' }))
    // "Copied" shows for 1.6 s only: look for it straight away.
    expect(await within(pane).findByText('Copied')).toBeTruthy()
    expect(writeText).toHaveBeenCalledWith('+254710000008')

    fireEvent.click(within(pane).getByRole('button', { name: /Open in HQ/ }))
    await waitFor(() =>
      expect(api.callsOf('app.openExternal')).toEqual([
        { url: 'https://www.commcarehq.org/a/demo-project/settings/users/commcare/account/w000008/' }
      ])
    )

    fireEvent.keyDown(grid, { key: 'ArrowDown' })
    expect(bodyRows(grid)[1]!.getAttribute('aria-selected')).toBe('true')
    expect(await screen.findByRole('complementary', { name: /Details of Amina Njeri 16/ })).toBeTruthy()

    fireEvent.keyDown(grid, { key: 'Escape' })
    await waitFor(() => expect(screen.queryByRole('complementary', { name: /Details/ })).toBeNull())
  })

  it('keeps the details of a row clicked while a search is still on its way', async () => {
    const { api, grid } = await openWorkers(20)
    // Hold the answer to the search, so the previous rows are still on screen when the row is clicked.
    const held: (() => void)[] = []
    const call = api.call.bind(api)
    api.call = ((method, input) => {
      const answer = call(method, input)
      if (method !== 'workers.query' || !(input as { text?: string }).text) return answer
      return new Promise((resolve, reject) => held.push(() => void answer.then(resolve, reject)))
    }) as typeof api.call
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search workers' }), {
      target: { value: 'Baraka' }
    })
    await waitFor(() => expect(held).toHaveLength(1))
    expect(cellTexts(bodyRows(grid)[0]!)[0]).toBe('Amina Achieng 8')
    fireEvent.click(bodyRows(grid)[0]!)
    await screen.findByRole('complementary', { name: 'Details of Amina Achieng 8' })

    act(() => held.shift()!())
    await waitFor(() => expect(cellTexts(bodyRows(grid)[0]!)[0]).toMatch(/^Baraka/))
    // The worker now first in the list was not the one clicked: it is not selected, nor shown.
    expect(bodyRows(grid)[0]!.getAttribute('aria-selected')).toBe('false')
    expect(screen.getByRole('complementary', { name: /^Details of/ }).getAttribute('aria-label')).toBe(
      'Details of Amina Achieng 8'
    )
    expect(api.callsOf('workers.get').map((q) => q.id)).toEqual(['w000008'])
  })

  it('focuses the search box with Ctrl+F', async () => {
    await openWorkers(5)
    fireEvent.keyDown(window, { key: 'f', ctrlKey: true })
    expect(document.activeElement).toBe(screen.getByRole('searchbox', { name: 'Search workers' }))
  })

  it('adds custom-field columns from the picker and remembers them', async () => {
    const { grid } = await openWorkers(5)
    fireEvent.click(screen.getByRole('button', { name: 'Columns' }))
    fireEvent.click(screen.getByRole('checkbox', { name: 'role' }))
    expect(within(grid).getByRole('columnheader', { name: 'role' })).toBeTruthy()
    expect(JSON.parse(localStorage.getItem('roster.columns.p1')!)).toEqual(['role'])
  })

  it('exports the filtered list as a CSV download', async () => {
    const { api } = await openWorkers(20)
    const clicked: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download)
    })
    URL.createObjectURL = vi.fn(() => 'blob:roster/1')
    URL.revokeObjectURL = vi.fn()
    fireEvent.change(screen.getByLabelText('Group'), { target: { value: 'g-north' } })
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }))
    expect(await screen.findByText('Exported 8 workers to demo-project-workers.csv.')).toBeTruthy()
    expect(clicked).toEqual(['demo-project-workers.csv'])
    expect(api.callsOf('workers.exportCsv')[0]).toMatchObject({
      projectId: 'p1',
      groupId: 'g-north',
      status: 'active'
    })
  })

  it('shows a failed sync plainly and keeps the last good roster', async () => {
    const failed = syncRun('p1', {
      id: 2,
      outcome: 'failed',
      error: 'HQ did not accept the API key (HTTP 401).'
    })
    await openWorkers(5, { lastSync: failed })
    const alert = screen.getByRole('alert')
    expect(alert.textContent).toContain('The last sync failed')
    expect(alert.textContent).toContain('HQ did not accept the API key (HTTP 401).')
    expect(alert.textContent).toContain('The roster below is from the last good sync')
  })

  it('refetches the rows in place when a sync finishes', async () => {
    const { api, grid } = await openWorkers(3)
    await startAndFinishSync(api, () => api.state.workers.push(makeWorker(3), makeWorker(4)))
    await waitFor(() => expect(bodyRows(grid)).toHaveLength(5))
  })
})

async function startAndFinishSync(api: FakeApi, change: () => void) {
  fireEvent.click(screen.getByRole('button', { name: 'Sync' }))
  await waitFor(() => expect(api.callsOf('sync.start')).toHaveLength(1))
  expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy()
  // The core has the run before the test changes the roster and ends it.
  await waitFor(() => expect(api.state.projects[0]!.lastSync?.outcome).toBe('running'))
  change()
  act(() => {
    api.finishSync('p1')
  })
}
