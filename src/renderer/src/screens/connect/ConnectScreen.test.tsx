import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from '../../App'
import { createFakeApi, makeProject, syncRun } from '../../test/fakeApi'
import { installDomStubs, renderWithApi } from '../../test/dom'

beforeEach(() => {
  localStorage.clear()
  installDomStubs()
})
afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

const select = () => screen.getByLabelText('Sync automatically') as HTMLSelectElement

async function openProjects(api: ReturnType<typeof createFakeApi>) {
  renderWithApi(api, <App />)
  fireEvent.click(await screen.findByRole('button', { name: 'Projects' }))
}

describe('Sync automatically', () => {
  it('offers off, every hour, 6 hours, 12 hours and every day, and saves the choice with the project', async () => {
    const api = createFakeApi({
      projects: [
        makeProject({ id: 'p1', label: 'Kenya CHWs' }),
        makeProject({ id: 'p2', label: 'Uganda pilot' })
      ]
    })
    await openProjects(api)
    fireEvent.click(screen.getByRole('button', { name: 'Edit Uganda pilot' }))
    expect(
      within(select())
        .getAllByRole('option')
        .map((o) => o.textContent)
    ).toEqual(['Off', 'every hour', 'every 6 hours', 'every 12 hours', 'every day'])
    expect(select().value).toBe('12')

    fireEvent.change(select(), { target: { value: '6' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }))
    await screen.findByText('Saved Uganda pilot.')
    expect(api.callsOf('projects.update')).toEqual([{ projectId: 'p2', autoSyncHours: 6 }])
    expect(api.state.projects.map((p) => p.autoSyncHours)).toEqual([12, 6])

    fireEvent.change(select(), { target: { value: 'off' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(api.callsOf('projects.update')).toHaveLength(2))
    expect(api.callsOf('projects.update')[1]).toEqual({ projectId: 'p2', autoSyncHours: null })
    await waitFor(() => expect(api.state.projects[1]?.autoSyncHours).toBeNull())

    // Editing it again shows what is saved.
    fireEvent.click(screen.getByRole('button', { name: 'Edit Kenya CHWs' }))
    expect(select().value).toBe('12')
    fireEvent.click(screen.getByRole('button', { name: 'Edit Uganda pilot' }))
    expect(select().value).toBe('off')
  })

  it('does not call projects.update when the choice did not change', async () => {
    const api = createFakeApi({
      projects: [makeProject({ id: 'p1', label: 'Kenya CHWs', autoSyncHours: 24 })]
    })
    await openProjects(api)
    fireEvent.click(screen.getByRole('button', { name: 'Edit Kenya CHWs' }))
    expect(select().value).toBe('24')
    fireEvent.change(screen.getByLabelText('Name in Roster (optional)'), { target: { value: 'Kenya' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }))
    await screen.findByText('Saved Kenya.')
    expect(api.callsOf('projects.update')).toEqual([])
  })

  it('keeps the choice made for a new project', async () => {
    const api = createFakeApi()
    renderWithApi(api, <App />)
    await screen.findByRole('heading', { name: 'Connect to CommCare HQ' })
    expect(select().value).toBe('12')
    fireEvent.change(screen.getByLabelText('Project space'), { target: { value: 'demo-project' } })
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'coordinator@example.org' } })
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: 'good-key' } })
    fireEvent.change(select(), { target: { value: '1' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save project' }))
    expect(await screen.findByRole('heading', { name: 'Sync to download the roster' })).toBeTruthy()
    expect(api.callsOf('projects.update')).toEqual([{ projectId: 'p1', autoSyncHours: 1 }])
    expect(api.state.projects[0]?.autoSyncHours).toBe(1)
  })

  it('tells when the next automatic sync is due, only when that is plain', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date(2025, 2, 10, 10, 0))
    const good = (id: number) =>
      syncRun('p', {
        id,
        startedAt: new Date(2025, 2, 10, 8, 59).toISOString(),
        endedAt: new Date(2025, 2, 10, 9, 0).toISOString(),
        workers: 120
      })
    const synced = (id: string, label: string, patch: Parameters<typeof makeProject>[0] = {}) =>
      makeProject({ id, label, lastGoodSync: good(1), lastSync: good(1), ...patch })
    const api = createFakeApi({
      projects: [
        synced('p1', 'Twice a day'),
        synced('p2', 'Daily', { autoSyncHours: 24 }),
        synced('p3', 'Manual', { autoSyncHours: null }),
        synced('p4', 'Failed since', { lastSync: syncRun('p4', { id: 2, outcome: 'failed' }) }),
        synced('p5', 'Keyless', { hasKey: false })
      ]
    })
    await openProjects(api)
    const item = (name: string) => within(screen.getByRole('listitem', { name }))
    const line = (name: string) => item(name).getByText(/^Last synced/).textContent
    const next = (name: string) => item(name).queryByText(/^Next sync/)?.textContent ?? null
    expect(next('Twice a day')).toBe('Next sync about 21:00')
    expect(next('Daily')).toBe('Next sync about tomorrow 09:00')
    for (const name of ['Twice a day', 'Daily', 'Manual', 'Failed since', 'Keyless']) {
      expect(line(name)).toBe('Last synced today 09:00 (took 12 s) · 120 workers')
    }
    for (const name of ['Manual', 'Failed since', 'Keyless']) expect(next(name)).toBeNull()
  })
})
