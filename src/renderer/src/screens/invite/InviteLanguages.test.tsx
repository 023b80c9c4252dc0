import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { analyseMessage } from '../../../../shared/sms'
import { setTestLanguage, switchTo } from '../../i18n/testing'
import { forgetImports } from '../../import/useImport'
import { createFakeInviteApi } from './fakeInviteApi'
import { FORCE_UCS2, KEEP_GSM7 } from './MessageEditor'
import { cell, giveGridASize, LIST, renderScreen, row } from './testKit'

beforeAll(giveGridASize)

beforeEach(() => {
  localStorage.clear()
  forgetImports()
})
afterEach(cleanup)

/** Pastes the kit's list through the start panel, whatever the language, and waits for every verdict. */
async function pasteIn(pasteLabel: RegExp, readButton: string) {
  fireEvent.change(screen.getByLabelText(pasteLabel), { target: { value: LIST } })
  fireEvent.click(screen.getByRole('button', { name: readButton }))
  await screen.findByRole('grid')
  await waitFor(() => {
    expect(document.querySelector('[role="row"][data-row]')).not.toBeNull()
    expect(document.querySelector('.ibusy')).toBeNull()
    expect(row(2).dataset.status).toBe('ready')
  })
}

describe('the Invite screen in French and Spanish', () => {
  it('shows the grid, its counts, the send button and the confirmation in French', async () => {
    setTestLanguage('fr')
    renderScreen(createFakeInviteApi())
    expect(
      screen.getByRole('heading', { name: 'Déposez ici une liste de numéros de téléphone' })
    ).toBeTruthy()
    await pasteIn(/Coller des cellules/, 'Lire les cellules collées')

    expect(within(screen.getByRole('grid')).getByText('Téléphone')).toBeTruthy()
    expect(cell(2, 'status').textContent).toBe('✓Prête')
    await waitFor(() => expect(screen.getByTestId('count-ready').textContent).toMatch(/2 prêtes/))
    expect(screen.getByTestId('count-error').textContent).toMatch(/2 erreurs/)
    expect(screen.getByTestId('send-plan').textContent).toMatch(/2 numéros seront invités/)

    const send = await screen.findByRole('button', { name: /^Envoyer 2 invitations…$/ })
    await waitFor(() => expect((send as HTMLButtonElement).disabled).toBe(false))
    fireEvent.click(send)
    const dialog = await screen.findByRole('dialog')
    // French puts a no-break space before "?".
    expect(within(dialog).getByRole('heading').textContent).toBe('Envoyer 2 invitations\u00a0?')
    expect(dialog.textContent).toMatch(/Chacun des 2 numéros reçoit un SMS de HQ l’invitant à/)
    expect(within(dialog).getByRole('button', { name: 'Annuler' })).toBeTruthy()
  })

  it('explains in French which accents keep GSM-7 and which force UCS-2, and words HQ’s rules in French', async () => {
    setTestLanguage('fr')
    renderScreen(createFakeInviteApi())
    await pasteIn(/Coller des cellules/, 'Lire les cellules collées')
    const message = screen.getByLabelText('Message')

    fireEvent.change(message, { target: { value: 'Répondez 1 pour Android, 2 pour un autre téléphone.' } })
    expect(screen.getByTestId('msg-encoding').textContent).toMatch(/^GSM-7 · 160 par SMS$/)
    const alphabet = screen.getByTestId('msg-alphabet').textContent!
    expect(alphabet).toMatch(/^Accents qui gardent l’alphabet SMS de base/)
    for (const c of ['é', 'è', 'à', 'ù', 'Ç']) expect(KEEP_GSM7).toContain(c)
    for (const c of ['ê', 'â', 'î', 'ô', 'û', 'ç', 'á', 'í', 'ó', 'ú']) expect(FORCE_UCS2).toContain(c)
    expect(alphabet).toContain(KEEP_GSM7.join(' '))
    expect(alphabet).toContain(FORCE_UCS2.join(' '))

    fireEvent.change(message, { target: { value: 'Bienvenue, ça va ? Répondez 1 pour Android, 2 sinon.' } })
    expect(screen.getByTestId('msg-encoding').textContent).toMatch(/^UCS-2 \(Unicode\) · 70 par SMS$/)
    expect(screen.getByTestId('msg-ucs2').textContent).toMatch(/^Unicode à cause de/)
    expect(screen.getByTestId('msg-ucs2').querySelector('mark')?.textContent).toBe('ç')
    expect(screen.getByTestId('msg-ucs2').textContent).toMatch(/\(caractère 12\)/)

    fireEvent.click(screen.getByLabelText(/Android seulement/))
    fireEvent.change(message, { target: { value: 'Inscrivez-vous ici' } })
    expect(screen.getByText(/^Ajoutez \{\} là où doit aller le lien d’inscription/)).toBeTruthy()
  })

  it('starts from a Spanish example that passes HQ’s rules and stays in one GSM-7 SMS', async () => {
    setTestLanguage('es')
    renderScreen(createFakeInviteApi())
    await pasteIn(/Pegar celdas/, 'Leer las celdas pegadas')
    fireEvent.click(screen.getByRole('button', { name: 'Partir de un ejemplo' }))
    const text = (screen.getByLabelText('Mensaje') as HTMLTextAreaElement).value
    expect(text).toMatch(/^Bienvenido a nuestro proyecto CommCare\. Responda 1/)
    const analysis = analyseMessage(text, { androidOnly: false, registrationUrlLength: 0 })
    expect(analysis.errors).toEqual([])
    expect(analysis.warnings).toEqual([])
    expect(screen.getByTestId('msg-segments').textContent).toBe('1 SMS')
    expect(screen.getByTestId('msg-encoding').textContent).toMatch(/^GSM-7/)
  })

  it('follows a change of language on a list already on screen', async () => {
    renderScreen(createFakeInviteApi())
    await pasteIn(/Paste cells/, 'Read pasted cells')
    expect(cell(2, 'status').textContent).toBe('✓Ready')
    await switchTo('es')
    expect(cell(2, 'status').textContent).toBe('✓Lista')
    expect(screen.getByRole('button', { name: 'Agregar fila' })).toBeTruthy()
    expect(screen.getByTestId('count-error').textContent).toMatch(/2 errores/)
    await act(async () => {
      await switchTo('en')
    })
    expect(screen.getByRole('button', { name: 'Add row' })).toBeTruthy()
  })
})
