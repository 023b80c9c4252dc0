import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { setTestLanguage, switchTo } from '../../i18n/testing'
import { ApiProvider } from '../../api/context'
import { makeProject } from '../../test/fakeApi'
import { createFakeInviteApi, type FakeInviteApi } from '../invite/fakeInviteApi'
import { HistoryScreen } from './index'

beforeAll(() => {
  for (const prop of ['clientHeight', 'clientWidth'] as const) {
    Object.defineProperty(HTMLElement.prototype, prop, {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains('hnumbers') ? 800 : 0
      }
    })
  }
})
afterEach(cleanup)

/** One batch of three numbers sent through SMS self-registration: two invited, one in use. */
async function withBatch(): Promise<FakeInviteApi> {
  const api = createFakeInviteApi()
  api.hq.inUse.add('254733000111')
  const { batchId } = await api.call('invite.create', {
    projectId: 'p1',
    options: { appId: 'app-1', androidOnly: true, requireEmail: false, message: 'Join us: {}' },
    rows: [
      { row: 2, e164: '+254712345678' },
      { row: 3, e164: '+254722000111' },
      { row: 4, e164: '+254733000111' }
    ]
  })
  await api.call('invite.send', { batchId })
  return api
}

function renderScreen(api: FakeInviteApi) {
  return render(
    <ApiProvider api={api}>
      <HistoryScreen project={makeProject()} />
    </ApiProvider>
  )
}

describe('the History screen in French and Spanish', () => {
  it('says in French that nothing was sent yet', async () => {
    setTestLanguage('fr')
    renderScreen(createFakeInviteApi())
    await screen.findByText('Aucune invitation envoyée pour l’instant')
  })

  it('lists a batch, its options, HQ’s answers and the re-invite dialog in French', async () => {
    setTestLanguage('fr')
    renderScreen(await withBatch())
    const batch = await screen.findByRole('option', { name: /Lot 1/ })
    expect(batch.textContent).toMatch(/Auto-inscription par SMS · Android seulement · message personnalisé/)
    expect(batch.textContent).toMatch(/1 déjà utilisé/)
    expect(batch.querySelector('.hstate')?.textContent).toBe('Envoyé')
    const table = await screen.findByRole('table', { name: 'Numéros du lot' })
    await waitFor(() => expect(within(table).getAllByText('Invité')).toHaveLength(2))
    expect(within(table).getByText('Déjà utilisé')).toBeTruthy()
    expect(screen.getByText('3 numéros affichés')).toBeTruthy()

    fireEvent.click(screen.getByRole('checkbox', { name: 'Cocher +254712345678' }))
    fireEvent.click(screen.getByRole('button', { name: /Réinviter la sélection/ }))
    const dialog = await screen.findByRole('dialog')
    expect(within(dialog).getByRole('heading').textContent).toBe('Réinviter 1 numéro\u00a0?')
    expect(within(dialog).getByRole('button', { name: 'Envoyer 1 invitation' })).toBeTruthy()
    expect(dialog.textContent).toMatch(/même message que le lot 1/)
  })

  it('follows a switch to Spanish', async () => {
    renderScreen(await withBatch())
    await screen.findByRole('option', { name: /Batch 1/ })
    await switchTo('es')
    const batch = screen.getByRole('option', { name: /Lote 1/ })
    expect(batch.textContent).toMatch(/Autorregistro por SMS · Solo Android · mensaje propio/)
    expect(screen.getByRole('combobox', { name: 'Filtrar por estado' })).toBeTruthy()
    expect(screen.getByRole('option', { name: 'Todos (3)' })).toBeTruthy()
    await switchTo('en')
  })
})
