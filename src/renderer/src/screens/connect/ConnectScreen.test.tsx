import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from '../../App'
import { createFakeApi, makeProject, syncRun } from '../../test/fakeApi'
import { installDomStubs, renderWithApi } from '../../test/dom'
import { setTestLanguage } from '../../i18n/testing'

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

describe('Test connection and the invitation channel', () => {
  const probe2026 = {
    offers: { 'sms-registration': false, 'sms-confirmation': true, 'email-confirmation': true },
    message:
      'This HQ no longer has SMS self-registration (retired in 2020). Roster will create the accounts and HQ will text each worker a link to confirm.',
    probedAt: '2025-03-03T09:00:00.000Z'
  }

  it('shows what the server allows first, then every check with ok or not ok', async () => {
    const api = createFakeApi({ projects: [makeProject({ id: 'p1', label: 'Kenya CHWs' })] })
    await openProjects(api)
    fireEvent.click(screen.getByRole('button', { name: 'Edit Kenya CHWs' }))
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }))
    await waitFor(() => expect(document.querySelector('.test-result')).not.toBeNull())
    const answer = document.querySelector('.test-result') as HTMLElement
    expect(answer.querySelector('strong')!.textContent).toBe(probe2026.message)
    expect(answer.textContent).toContain('Automatic invitations go out by Account + confirmation SMS.')
    const checks = [...answer.querySelectorAll('li.check')].map((li) => [
      li.classList.contains('check-ok'),
      li.textContent
    ])
    expect(checks).toEqual([
      [true, 'Worker list: Roster can read the mobile worker list.'],
      [false, 'SMS self-registration: This server has no SMS self-registration (HTTP 404).'],
      [
        true,
        'Account + confirmation SMS: HQ takes bulk uploads that text each new worker a confirmation link.'
      ],
      [true, 'Account + confirmation e-mail: HQ can e-mail each new worker a confirmation link.']
    ])
    // The core stored the probe on the project: the saved project shows it.
    const item = within(screen.getByRole('listitem', { name: 'Kenya CHWs' }))
    await waitFor(() =>
      expect(item.getByText(/^Invitations:/).textContent).toBe(
        'Invitations: Account + confirmation SMS (automatic)'
      )
    )
    expect(item.getByText(/no longer has SMS self-registration/).textContent).toMatch(/\(checked .*09:00\)$/)
  })

  it('names an old server that still has SMS self-registration, and uses it automatically', async () => {
    const api = createFakeApi({
      projects: [makeProject({ id: 'p1', label: 'Old HQ' })],
      offers: { 'sms-registration': true, 'sms-confirmation': false, 'email-confirmation': null }
    })
    await openProjects(api)
    fireEvent.click(screen.getByRole('button', { name: 'Edit Old HQ' }))
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }))
    await waitFor(() => expect(document.querySelector('.test-result')).not.toBeNull())
    const answer = document.querySelector('.test-result') as HTMLElement
    expect(answer.textContent).toMatch(/^This HQ still has SMS self-registration/)
    expect(answer.textContent).toContain('Automatic invitations go out by SMS self-registration.')
    expect(answer.querySelectorAll('li.check-ok')).toHaveLength(2)
  })

  it('saves the chosen channel with the project, and offers automatic with what it means here', async () => {
    const api = createFakeApi({
      projects: [makeProject({ id: 'p1', label: 'Kenya CHWs', channelProbe: probe2026 })]
    })
    await openProjects(api)
    const item = within(screen.getByRole('listitem', { name: 'Kenya CHWs' }))
    expect(item.getByText(/^Invitations:/).textContent).toBe(
      'Invitations: Account + confirmation SMS (automatic)'
    )
    fireEvent.click(screen.getByRole('button', { name: 'Edit Kenya CHWs' }))
    const channel = screen.getByLabelText('Invitations go out by') as HTMLSelectElement
    expect(channel.value).toBe('auto')
    expect(
      within(channel)
        .getAllByRole('option')
        .map((o) => o.textContent)
    ).toEqual([
      'Automatic (now Account + confirmation SMS)',
      'SMS self-registration (this server does not offer it)',
      'Account + confirmation SMS',
      'Account + confirmation e-mail'
    ])
    // The hint is what the stored probe found, and when.
    expect(screen.getByText(/^This HQ no longer has SMS self-registration.*\(checked .*\)$/)).toBeTruthy()

    fireEvent.change(channel, { target: { value: 'email-confirmation' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }))
    await screen.findByText('Saved Kenya CHWs.')
    expect(api.callsOf('projects.update')).toEqual([{ projectId: 'p1', channel: 'email-confirmation' }])
    expect(api.state.projects[0]?.channel).toBe('email-confirmation')
    await waitFor(() =>
      expect(item.getByText(/^Invitations:/).textContent).toBe(
        'Invitations: Account + confirmation e-mail (chosen)'
      )
    )

    fireEvent.change(channel, { target: { value: 'auto' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(api.callsOf('projects.update')).toHaveLength(2))
    expect(api.callsOf('projects.update')[1]).toEqual({ projectId: 'p1', channel: 'auto' })
  })

  it('says a project never tested has no channel yet, and points at Test connection', async () => {
    const api = createFakeApi({ projects: [makeProject({ id: 'p1', label: 'Kenya CHWs' })] })
    await openProjects(api)
    const item = within(screen.getByRole('listitem', { name: 'Kenya CHWs' }))
    expect(item.getByText(/^Invitations:/).textContent).toBe(
      'Invitations: automatic, once Test connection has asked the server what it offers'
    )
    fireEvent.click(screen.getByRole('button', { name: 'Edit Kenya CHWs' }))
    expect(screen.getByText('Test connection asks the server which ways it offers.')).toBeTruthy()
    expect(
      (screen.getByLabelText('Invitations go out by') as HTMLSelectElement).options[0]!.textContent
    ).toBe('Automatic: what the server offers')
  })

  it('keeps what the server offers on a new project tested before it was saved', async () => {
    const api = createFakeApi()
    renderWithApi(api, <App />)
    await screen.findByRole('heading', { name: 'Connect to CommCare HQ' })
    fireEvent.change(screen.getByLabelText('Project space'), { target: { value: 'demo-project' } })
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'coordinator@example.org' } })
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: 'good-key' } })
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }))
    await waitFor(() => expect(document.querySelector('.test-result')).not.toBeNull())
    fireEvent.click(screen.getByRole('button', { name: 'Save project' }))
    await screen.findByRole('heading', { name: 'Sync to download the roster' })
    await waitFor(() => expect(api.state.projects[0]?.channelProbe).not.toBeNull())
    expect(api.callsOf('projects.test')).toEqual([
      expect.objectContaining({ domain: 'demo-project', apiKey: 'good-key' }),
      { projectId: 'p1' }
    ])
    fireEvent.click(screen.getByRole('button', { name: 'Projects' }))
    const item = within(await screen.findByRole('listitem', { name: 'demo-project' }))
    await waitFor(() =>
      expect(item.getByText(/^Invitations:/).textContent).toBe(
        'Invitations: Account + confirmation SMS (automatic)'
      )
    )
  })

  it('keeps a channel chosen for a new project', async () => {
    const api = createFakeApi()
    renderWithApi(api, <App />)
    await screen.findByRole('heading', { name: 'Connect to CommCare HQ' })
    fireEvent.change(screen.getByLabelText('Project space'), { target: { value: 'demo-project' } })
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'coordinator@example.org' } })
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: 'good-key' } })
    fireEvent.change(screen.getByLabelText('Invitations go out by'), {
      target: { value: 'sms-registration' }
    })
    fireEvent.click(screen.getByRole('button', { name: 'Save project' }))
    expect(await screen.findByRole('heading', { name: 'Sync to download the roster' })).toBeTruthy()
    expect(api.callsOf('projects.update')).toEqual([{ projectId: 'p1', channel: 'sms-registration' }])
  })
})

describe('in French and Spanish', () => {
  it('asks for the project in French, names the missing fields in French and the countries too', async () => {
    setTestLanguage('fr')
    renderWithApi(createFakeApi(), <App />)
    expect(await screen.findByRole('heading', { name: 'Se connecter à CommCare HQ' })).toBeTruthy()
    expect(
      (screen.getByLabelText('Pays par défaut') as HTMLSelectElement).selectedOptions[0]!.textContent
    ).toBe('Kenya (KE)')
    expect(screen.getByRole('option', { name: 'Sénégal (SN)' })).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer le projet' }))
    expect(await screen.findByText('Tapez le nom de l’espace de projet')).toBeTruthy()
    expect(screen.getByText('Tapez votre nom d’utilisateur HQ (une adresse e-mail)')).toBeTruthy()
    expect(
      [...(screen.getByLabelText('Synchroniser automatiquement') as HTMLSelectElement).options].map(
        (o) => o.textContent
      )
    ).toEqual(['Non', 'toutes les heures', 'toutes les 6 heures', 'toutes les 12 heures', 'tous les jours'])
  })

  it('describes a saved project in Spanish, with its count written the Spanish way', async () => {
    setTestLanguage('es')
    const api = createFakeApi({
      projects: [
        makeProject({ id: 'p1', label: 'Guatemala', lastGoodSync: syncRun('p1', { workers: 12_500 }) })
      ]
    })
    renderWithApi(api, <App />)
    fireEvent.click(await screen.findByRole('button', { name: 'Proyectos' }))
    const item = within(await screen.findByRole('listitem', { name: 'Guatemala' }))
    expect(item.getByText(/^Última sincronización/).textContent).toMatch(/ · 12\.500 trabajadores$/)
    expect(item.getByRole('button', { name: 'Editar Guatemala' })).toBeTruthy()
  })
})
