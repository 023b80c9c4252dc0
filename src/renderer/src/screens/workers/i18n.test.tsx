import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { App } from '../../App'
import { setTestLanguage, switchTo } from '../../i18n/testing'
import { createFakeApi, makeProject, makeWorker, syncRun } from '../../test/fakeApi'
import { installDomStubs, renderWithApi } from '../../test/dom'

const synced = syncRun('p1', { endedAt: new Date().toISOString() })

beforeEach(() => {
  localStorage.clear()
  installDomStubs()
})
afterEach(cleanup)

async function openWorkers(grid: string) {
  const api = createFakeApi({
    projects: [makeProject({ lastGoodSync: synced, lastSync: synced })],
    workers: Array.from({ length: 1500 }, (_, i) => makeWorker(i))
  })
  renderWithApi(api, <App />)
  const table = await screen.findByRole('grid', { name: grid })
  await waitFor(() => expect(within(table).getAllByRole('row').length).toBeGreaterThan(1))
  return table
}

describe('the Workers screen in French and Spanish', () => {
  it('counts, heads its columns and names statuses in French, numbers grouped the French way', async () => {
    setTestLanguage('fr')
    const grid = await openWorkers('Agents')
    expect(await screen.findByText('1\u202f350 agents actifs', { normalizer: (s) => s })).toBeTruthy()
    const headers = within(grid)
      .getAllByRole('columnheader')
      .map((h) => h.textContent?.replace(/[▲▼]/g, ''))
    expect(headers).toEqual(['Nom', 'Utilisateur', 'Téléphone', 'Groupes', 'Site', 'Statut'])
    expect(within(grid).getAllByText('Actif').length).toBeGreaterThan(0)
    expect(screen.getByRole('searchbox', { name: 'Rechercher des agents' })).toBeTruthy()
    expect(screen.getByRole('button', { name: /Exporter en CSV/ })).toBeTruthy()
  })

  it('follows a change of language at once, the open worker’s details too', async () => {
    setTestLanguage('fr')
    const grid = await openWorkers('Agents')
    fireEvent.click(within(grid).getAllByRole('row')[1]!)
    const pane = await screen.findByRole('complementary', { name: /^Détails de / })
    expect(await within(pane).findByRole('heading', { name: 'Numéros de téléphone' })).toBeTruthy()
    await switchTo('es')
    expect(screen.getByRole('grid', { name: 'Trabajadores' })).toBeTruthy()
    expect(within(pane).getByRole('heading', { name: 'Números de teléfono' })).toBeTruthy()
    expect(screen.getByText('1350 trabajadores activos')).toBeTruthy()
  })
})
