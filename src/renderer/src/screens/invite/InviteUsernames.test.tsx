import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { forgetImports } from '../../import/useImport'
import { createFakeInviteApi, inviteProject, PROBE_2026 } from './fakeInviteApi'
import { cell, giveGridASize, openSendDialog, pasteList, renderScreen, row } from './testKit'

/** Today's HQ: channel 2 creates accounts, so every row needs a username. */
const TODAY = inviteProject({ channelProbe: PROBE_2026 })
const today = (lookup?: { takenUsernames: string[] }) =>
  createFakeInviteApi({ project: { channelProbe: PROBE_2026 }, ...(lookup ? { lookup } : {}) })

const NAMES = [
  'Phone\tFirst name\tLast name',
  '0712345678\tAmina\tDiallo',
  '0733000111\tBaraka\tOtieno'
].join('\n')

beforeAll(giveGridASize)
beforeEach(() => {
  localStorage.clear()
  forgetImports()
})
afterEach(cleanup)

/** What Roster found about a row, without the row's buttons. */
const said = (n: number) => cell(n, 'message').querySelector('.igrid-message')!.textContent

async function editCell(n: number, col: string, value: string) {
  fireEvent.mouseDown(cell(n, col))
  fireEvent.keyDown(screen.getByRole('grid'), { key: 'Enter' })
  const input = within(cell(n, col)).getByRole('textbox')
  fireEvent.change(input, { target: { value } })
  fireEvent.keyDown(input, { key: 'Enter' })
}

describe('Invite screen: usernames', () => {
  it('makes usernames from the list’s names and numbers one the project already has', async () => {
    const api = today({ takenUsernames: ['amina.diallo'] })
    renderScreen(api, TODAY)
    await pasteList(
      ['Phone\tFirst name\tLast name', '0712345678\tAmina\tDiallo', '0733000111\tBaraka\tOtieno'].join('\n')
    )
    await waitFor(() => expect(cell(2, 'username').textContent).toBe('amina.diallo2'))
    expect(cell(3, 'username').textContent).toBe('baraka.otieno')
    expect(cell(2, 'username').querySelector('.igrid-made')).not.toBeNull()
    expect(cell(2, 'first_name').textContent).toBe('Amina')
    expect(row(2).dataset.status).toBe('ready')
    // The names are the account's, not custom data.
    expect(row(2).querySelector('[data-col^="field:"]')).toBeNull()
    const asked = api.callsOf('invite.lookup').flatMap((c) => c.usernames ?? [])
    expect(asked).toContain('amina.diallo')

    fireEvent.click(within(await openSendDialog(2)).getByRole('button', { name: 'Send 2 invitations' }))
    await screen.findByTestId('send-results')
    expect(api.callsOf('invite.create')[0]!.rows).toEqual([
      {
        row: 2,
        e164: '+254712345678',
        customUserData: {},
        username: 'amina.diallo2',
        firstName: 'Amina',
        lastName: 'Diallo'
      },
      {
        row: 3,
        e164: '+254733000111',
        customUserData: {},
        username: 'baraka.otieno',
        firstName: 'Baraka',
        lastName: 'Otieno'
      }
    ])
  })

  it('marks a username twice in the list as a row error with the fix suggested, and clears it when edited', async () => {
    renderScreen(today(), TODAY)
    await pasteList(['Phone\tUsername', '0712345678\tamina', '0733000111\tAmina'].join('\n'))
    await waitFor(() => expect(row(3).dataset.status).toBe('error'))
    expect(row(2).dataset.status).toBe('ready')
    expect(said(3)).toBe('same username as row 2 ("amina"); use "amina2"')
    await editCell(3, 'username', 'amina2')
    await waitFor(() => expect(row(3).dataset.status).toBe('ready'))
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }))
    await waitFor(() => expect(row(3).dataset.status).toBe('error'))

    // The suggestion is one click away, too.
    fireEvent.click(within(cell(3, 'message')).getByRole('button', { name: 'Use “amina2”' }))
    await waitFor(() => expect(row(3).dataset.status).toBe('ready'))
    expect(cell(3, 'username').textContent).toBe('amina2')
  })

  it('saves the username template in the project and makes the usernames again, refusing one it cannot fill', async () => {
    const api = today()
    renderScreen(api, TODAY)
    await pasteList(NAMES)
    await waitFor(() => expect(cell(2, 'username').textContent).toBe('amina.diallo'))
    const template = screen.getByLabelText('Usernames for rows without one')
    fireEvent.change(template, { target: { value: '{frist}' } })
    expect(screen.getByText(/unknown placeholder \{frist\}/)).toBeTruthy()
    fireEvent.blur(template)
    expect(api.callsOf('projects.update')).toEqual([])

    fireEvent.change(template, { target: { value: 'chv.{first}' } })
    fireEvent.blur(template)
    await waitFor(() => expect(cell(2, 'username').textContent).toBe('chv.amina'))
    expect(cell(3, 'username').textContent).toBe('chv.baraka')
    expect(api.callsOf('projects.update')).toEqual([{ projectId: 'p1', usernameTemplate: 'chv.{first}' }])
    expect(api.projects[0]!.usernameTemplate).toBe('chv.{first}')
  })

  it('marks a username taken in the project as an error with a free one suggested', async () => {
    renderScreen(today({ takenUsernames: ['chris', 'chris2'] }), TODAY)
    await pasteList(['Phone\tUsername', '0712345678\tchris'].join('\n'))
    await waitFor(() => expect(row(2).dataset.status).toBe('error'))
    expect(cell(2, 'message').textContent).toMatch(
      /username "chris" is already taken in the project.*use "chris3"/
    )
  })

  it('marks characters HQ refuses as an error with the fix suggested, and fixes many at once with find & replace', async () => {
    renderScreen(today(), TODAY)
    await pasteList(['Phone\tUsername', '0712345678\tamina diallo', '0733000111\tbaraka otieno'].join('\n'))
    await waitFor(() => expect(row(2).dataset.status).toBe('error'))
    expect(said(2)).toMatch(/^username "amina diallo" .*; use "amina.diallo"$/)
    expect(row(3).dataset.status).toBe('error')

    fireEvent.click(screen.getByRole('button', { name: 'Find & replace' }))
    const finder = screen.getByRole('search', { name: 'Find and replace' })
    fireEvent.change(within(finder).getByLabelText('In'), { target: { value: 'username' } })
    fireEvent.change(within(finder).getByLabelText('Find'), { target: { value: ' ' } })
    fireEvent.change(within(finder).getByLabelText('Replace with'), { target: { value: '.' } })
    fireEvent.click(within(finder).getByRole('button', { name: 'Replace all' }))
    await waitFor(() => {
      expect(row(2).dataset.status).toBe('ready')
      expect(row(3).dataset.status).toBe('ready')
    })
    expect(cell(3, 'username').textContent).toBe('baraka.otieno')
  })

  it('needs an e-mail address on every row for the e-mail channel', async () => {
    renderScreen(today(), inviteProject({ channelProbe: PROBE_2026, channel: 'email-confirmation' }))
    await pasteList(
      ['Phone\tName\tE-mail', '0712345678\tAmina Diallo\tamina@example.org', '0733000111\tBaraka\t'].join(
        '\n'
      )
    )
    await waitFor(() => expect(row(3).dataset.status).toBe('error'))
    expect(cell(3, 'message').textContent).toMatch(/no e-mail address/)
    expect(row(2).dataset.status).toBe('ready')
    expect(cell(2, 'email').textContent).toBe('amina@example.org')
    expect(cell(2, 'username').textContent).toBe('amina.diallo')
  })
})
