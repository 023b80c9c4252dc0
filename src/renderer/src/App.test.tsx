import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from './App'
import { createFakeApi, makeProject, makeWorker, syncRun } from './test/fakeApi'
import { installDomStubs, renderWithApi } from './test/dom'

beforeEach(() => {
  localStorage.clear()
  installDomStubs()
})
afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

/** A fixed clock (timers stay real): "today" and "in the future" do not depend on when the test runs. */
function clockAt(date: Date) {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(date)
}

describe('the app shell', () => {
  it('opens on Connect the first time, then on Workers for the project just saved', async () => {
    const api = createFakeApi()
    renderWithApi(api, <App />)
    expect(await screen.findByRole('heading', { name: 'Connect to CommCare HQ' })).toBeTruthy()

    fireEvent.change(screen.getByLabelText('Project space'), { target: { value: 'demo-project' } })
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'coordinator@example.org' } })
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: 'good-key' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save project' }))

    expect(await screen.findByRole('heading', { name: 'Sync to download the roster' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Workers' }).getAttribute('aria-current')).toBe('page')
    // Only the id is remembered, never the key.
    expect(Object.values({ ...localStorage })).toEqual([JSON.stringify('p1')])
  })

  it('opens on Workers for the project used last time', async () => {
    const api = createFakeApi({
      projects: [
        makeProject({ id: 'p1', label: 'First' }),
        makeProject({ id: 'p2', label: 'Second', domain: 'second' })
      ]
    })
    localStorage.setItem('roster.lastProjectId', JSON.stringify('p2'))
    renderWithApi(api, <App />)
    const switcher = (await screen.findByLabelText('Project')) as HTMLSelectElement
    expect(switcher.value).toBe('p2')
    expect(screen.getByRole('heading', { name: 'Workers' })).toBeTruthy()

    fireEvent.change(switcher, { target: { value: 'p1' } })
    expect(JSON.parse(localStorage.getItem('roster.lastProjectId')!)).toBe('p1')
  })

  it('shows online, offline and how long HQ asked us to wait', async () => {
    clockAt(new Date(2025, 2, 3, 13, 50))
    const api = createFakeApi({ projects: [makeProject()] })
    renderWithApi(api, <App />)
    const badge = await screen.findByRole('status', { name: /Connection:/ })
    expect(badge.textContent).toBe('Online')
    const until = new Date(2025, 2, 3, 14, 5).getTime()
    act(() => api.emit('connectivity', { projectId: 'p1', state: 'waiting', until, message: 'HTTP 429' }))
    expect(badge.textContent).toBe('HQ asked us to wait until 14:05')
    act(() => api.emit('connectivity', { projectId: null, state: 'offline', until: null, message: null }))
    expect(badge.textContent).toBe('HQ asked us to wait until 14:05')
    act(() => api.emit('connectivity', { projectId: 'p1', state: 'offline', until: null, message: null }))
    expect(badge.textContent).toBe('Offline')
  })

  it('shows when the roster was last synced and how long it took', async () => {
    clockAt(new Date(2025, 2, 3, 16, 0))
    const run = syncRun('p1', { endedAt: new Date(2025, 2, 3, 14, 32).toISOString(), durationMs: 64_000 })
    const api = createFakeApi({ projects: [makeProject({ lastGoodSync: run, lastSync: run })] })
    renderWithApi(api, <App />)
    expect(await screen.findByText('Last synced today 14:32 (took 1 min 4 s)')).toBeTruthy()
  })

  it('starts a sync with Ctrl+Shift+S and follows its progress to the end', async () => {
    const api = createFakeApi({ projects: [makeProject()], workers: [makeWorker(1), makeWorker(2)] })
    renderWithApi(api, <App />)
    await screen.findByRole('heading', { name: 'Sync to download the roster' })
    fireEvent.keyDown(window, { key: 'S', ctrlKey: true, shiftKey: true })
    await waitFor(() => expect(api.callsOf('sync.start')).toEqual([{ projectId: 'p1' }]))
    // The core has the run before the test plays its events and ends it.
    await waitFor(() => expect(api.state.projects[0]!.lastSync?.outcome).toBe('running'))
    act(() =>
      api.emit('sync.progress', {
        projectId: 'p1',
        runId: 100,
        phase: 'active',
        done: 1200,
        total: 5000,
        ratePerSec: 600,
        etaSeconds: 7
      })
    )
    const bar = screen.getByRole('progressbar')
    expect(bar.getAttribute('aria-valuenow')).toBe('24')
    expect(screen.getByText('1,200 of 5,000 · 600 per second · about 5 s left')).toBeTruthy()

    act(() => {
      api.finishSync('p1')
    })
    const grid = await screen.findByRole('grid', { name: 'Workers' })
    await waitFor(() => expect(within(grid).getAllByRole('row')).toHaveLength(3))
  })
})

describe('the Connect screen', () => {
  async function openConnect(api = createFakeApi()) {
    renderWithApi(api, <App />)
    await screen.findByRole('heading', { name: 'Connect to CommCare HQ' })
    fireEvent.change(screen.getByLabelText('Project space'), { target: { value: 'demo-project' } })
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'coordinator@example.org' } })
    return api
  }

  it("shows HQ's answer for each check when the key is wrong", async () => {
    const api = await openConnect()
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: 'wrong' } })
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('HQ did not let Roster read this project.')
    expect(alert.textContent).toContain('Worker list: HQ did not accept this username and API key')
    expect(alert.textContent).toContain('Invitations: not checked, for the same reason.')
    expect(api.callsOf('projects.test')[0]).toMatchObject({ domain: 'demo-project', apiKey: 'wrong' })
  })

  it('says so when the test could not reach HQ at all', async () => {
    const api = await openConnect()
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: 'good-key' } })
    const { ApiError } = await import('../../shared/api')
    api.failNext('projects.test', new ApiError('offline', 'This computer cannot reach www.commcarehq.org.'))
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }))
    expect((await screen.findByRole('alert')).textContent).toContain('cannot reach www.commcarehq.org')
  })

  it('checks a new key with HQ on Save and keeps it only if HQ accepts it, or when told to', async () => {
    const api = await openConnect()
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: 'wrong' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save project' }))
    expect((await screen.findByText(/Not saved yet/)).parentElement!.textContent).toContain(
      'HQ did not confirm these details'
    )
    expect(screen.getAllByText(/HQ did not accept this username and API key/)).toHaveLength(1)
    expect(api.callsOf('projects.save')).toEqual([])

    api.state.goodKey = 'wrong' // say, the coordinator knows HQ is only briefly refusing
    fireEvent.click(screen.getByRole('button', { name: 'Save anyway' }))
    expect(await screen.findByRole('heading', { name: 'Sync to download the roster' })).toBeTruthy()
    expect(api.callsOf('projects.test')).toHaveLength(1)
  })

  it('names the missing fields instead of calling HQ', async () => {
    const api = createFakeApi()
    renderWithApi(api, <App />)
    fireEvent.click(await screen.findByRole('button', { name: 'Save project' }))
    expect(screen.getByText('Type the project space name')).toBeTruthy()
    expect(screen.getByLabelText('API key').getAttribute('aria-invalid')).toBe('true')
    expect(api.callsOf('projects.save')).toEqual([])
  })

  it('offers a custom server address and checks it', async () => {
    await openConnect()
    fireEvent.change(screen.getByLabelText('Server'), { target: { value: 'custom' } })
    fireEvent.change(screen.getByLabelText('Server address'), { target: { value: 'http://hq.example.org' } })
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: 'good-key' } })
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }))
    expect(await screen.findByText(/Use the https:\/\/ address/)).toBeTruthy()
  })

  it('lists saved projects, edits one without re-typing the key, and removes one after asking', async () => {
    const api = createFakeApi({
      projects: [
        makeProject({ id: 'p1', label: 'Kenya CHWs' }),
        makeProject({ id: 'p2', label: 'Uganda pilot', domain: 'ug' })
      ]
    })
    renderWithApi(api, <App />)
    fireEvent.click(await screen.findByRole('button', { name: 'Projects' }))
    const list = screen.getByRole('list', { name: 'Saved projects' })
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.getAttribute('aria-label'))
    ).toEqual(['Kenya CHWs', 'Uganda pilot'])

    fireEvent.click(screen.getByRole('button', { name: 'Edit Uganda pilot' }))
    expect((screen.getByLabelText('Project space') as HTMLInputElement).value).toBe('ug')
    expect((screen.getByLabelText('API key') as HTMLInputElement).value).toBe('')
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }))
    await screen.findByText('Saved Uganda pilot.')
    expect(api.callsOf('projects.save')[0]).toMatchObject({ id: 'p2', domain: 'ug' })
    expect(api.callsOf('projects.save')[0]).not.toHaveProperty('apiKey')

    fireEvent.click(screen.getByRole('button', { name: 'Remove Kenya CHWs' }))
    const confirm = screen.getByRole('group', { name: 'Remove Kenya CHWs?' })
    expect(confirm.textContent).toMatch(/offline roster and its invitation history/)
    fireEvent.click(within(confirm).getByRole('button', { name: 'Remove' }))
    await waitFor(() => expect(api.state.projects.map((p) => p.id)).toEqual(['p2']))
    await waitFor(() => expect(screen.queryByRole('listitem', { name: 'Kenya CHWs' })).toBeNull())
  })

  it('says plainly why the core refuses to remove a project with unsent invitations, and leads to its History', async () => {
    const api = createFakeApi({
      projects: [
        makeProject({ id: 'p1', label: 'Kenya CHWs' }),
        makeProject({ id: 'p2', label: 'Uganda pilot', domain: 'ug' })
      ],
      unsettledBatches: ['p2']
    })
    renderWithApi(api, <App />)
    fireEvent.click(await screen.findByRole('button', { name: 'Projects' }))
    fireEvent.click(screen.getByRole('button', { name: 'Remove Uganda pilot' }))
    fireEvent.click(
      within(screen.getByRole('group', { name: 'Remove Uganda pilot?' })).getByRole('button', {
        name: 'Remove'
      })
    )
    const item = screen.getByRole('listitem', { name: 'Uganda pilot' })
    const alert = await within(item).findByRole('alert')
    expect(alert.textContent).toMatch(/Uganda pilot was not removed\./)
    expect(alert.textContent).toMatch(/still has numbers waiting to be sent .*Settle them in History/)
    expect(api.state.projects.map((p) => p.id)).toEqual(['p1', 'p2'])
    // Nothing left to confirm: the Remove button is back.
    expect(within(item).getByRole('button', { name: 'Remove Uganda pilot' })).toBeTruthy()

    fireEvent.click(within(alert).getByRole('button', { name: 'Open its History' }))
    expect(await screen.findByRole('heading', { name: 'History' })).toBeTruthy()
    expect((screen.getByLabelText('Project') as HTMLSelectElement).value).toBe('p2')
  })
})
