import { cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { App } from '../App'
import { ApiProvider } from '../api/context'
import { renderIn } from '../i18n/testing'
import { prefs } from '../lib/storage'
import { createFakeApi, makeProject } from '../test/fakeApi'
import { installDomStubs, renderWithApi } from '../test/dom'

beforeEach(() => {
  localStorage.clear()
  installDomStubs()
})
afterEach(cleanup)

const nav = (name: string) =>
  within(screen.getByRole('navigation', { name: /./ })).getByRole('button', { name })

describe('the language menu', () => {
  it('shows the shell in French, and switches to Spanish at once and for next time', async () => {
    const api = createFakeApi({ projects: [makeProject()] })
    renderIn(
      'fr',
      <ApiProvider api={api}>
        <App />
      </ApiProvider>
    )
    const menu = (await screen.findByLabelText('Langue')) as HTMLSelectElement
    expect(menu.value).toBe('fr')
    expect(nav('Agents').getAttribute('aria-current')).toBe('page')
    expect(screen.getByRole('heading', { name: 'Agents' })).toBeTruthy()
    expect(nav('Projets')).toBeTruthy()
    expect(document.documentElement.lang).toBe('fr')

    fireEvent.change(menu, { target: { value: 'es' } })
    expect(await screen.findByRole('heading', { name: 'Trabajadores' })).toBeTruthy()
    expect(nav('Historial')).toBeTruthy()
    expect(screen.getByLabelText('Idioma')).toBeTruthy()
    expect(document.documentElement.lang).toBe('es')
    expect(prefs.language()).toBe('es')
  })

  it('names every language in itself', async () => {
    renderWithApi(createFakeApi({ projects: [makeProject()] }), <App />)
    const menu = await screen.findByLabelText('Language')
    expect(
      within(menu)
        .getAllByRole('option')
        .map((o) => o.textContent)
    ).toEqual(['English', 'Français', 'Español'])
  })
})
