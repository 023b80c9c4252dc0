import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { hqConfirmationSms } from '../../../../shared/channels'
import { countSegments } from '../../../../shared/sms'
import { forgetImports } from '../../import/useImport'
import { exampleConfirmationUrl } from './AccountOptions'
import { createFakeInviteApi, inviteProject, PROBE_2026 } from './fakeInviteApi'
import { cell, giveGridASize, openSendDialog, pasteList, renderScreen, row } from './testKit'

/** Today's HQ, automatic choice: channel 2. */
const TODAY = inviteProject({ channelProbe: PROBE_2026 })

beforeAll(giveGridASize)
beforeEach(() => {
  localStorage.clear()
  forgetImports()
})
afterEach(cleanup)

const channel = () => screen.getByTestId('channel')

async function typeCell(n: number, col: string, value: string) {
  fireEvent.mouseDown(cell(n, col))
  fireEvent.keyDown(screen.getByRole('grid'), { key: 'Enter' })
  const input = within(cell(n, col)).getByRole('textbox')
  fireEvent.change(input, { target: { value } })
  fireEvent.keyDown(input, { key: 'Enter' })
  await waitFor(() => expect(cell(n, col).textContent).toBe(value))
}

describe('Invite screen: channels', () => {
  it('shows the channel automatic choice resolves to, what it does and why, and saves another one chosen', async () => {
    const api = createFakeInviteApi({ project: { channelProbe: PROBE_2026 } })
    renderScreen(api, TODAY)
    expect(within(channel()).getByTestId('channel-name').textContent).toBe('Account + confirmation SMS')
    expect(channel().textContent).toMatch(/HQ texts them a link to confirm it and choose a password/)
    expect(within(channel()).getByTestId('channel-why').textContent).toBe(
      `Chosen automatically: ${PROBE_2026.message}`
    )

    const choice = within(channel()).getByLabelText('Send through') as HTMLSelectElement
    // What the server offers, and automatic; not the retired self-registration.
    expect([...choice.options].map((o) => o.value)).toEqual([
      'auto',
      'sms-confirmation',
      'email-confirmation'
    ])
    fireEvent.change(choice, { target: { value: 'email-confirmation' } })
    await waitFor(() =>
      expect(within(channel()).getByTestId('channel-name').textContent).toBe('Account + confirmation e-mail')
    )
    expect(api.callsOf('projects.update')).toEqual([{ projectId: 'p1', channel: 'email-confirmation' }])
    expect(api.projects[0]!.channel).toBe('email-confirmation')
    expect(within(channel()).getByTestId('channel-why').textContent).toBe('Chosen for this project.')

    fireEvent.change(choice, { target: { value: 'auto' } })
    await waitFor(() =>
      expect(within(channel()).getByTestId('channel-name').textContent).toBe('Account + confirmation SMS')
    )
  })

  it('says when the server has not been tested yet, points at Test connection, and does not send', async () => {
    renderScreen(createFakeInviteApi({ probe: null }), inviteProject({ hasKey: false }))
    expect(within(channel()).getByTestId('channel-none').textContent).toMatch(
      /has not tested this server yet.*Test connection on the Projects screen/
    )
    expect(within(channel()).queryByLabelText('Send through')).toBeNull()
    await pasteList()
    expect(screen.getByText(/test the connection on the Projects screen/)).toBeTruthy()
    expect(
      (screen.getByRole('button', { name: /^Send 2 invitations…$/ }) as HTMLButtonElement).disabled
    ).toBe(true)
  })

  it('tests a server never tested by itself, once, and then shows the channel it found', async () => {
    const api = createFakeInviteApi({ project: { channelProbe: null } })
    renderScreen(api, inviteProject({ hasKey: true }))
    await waitFor(() =>
      expect(within(channel()).getByTestId('channel-name').textContent).toBe('Account + confirmation SMS')
    )
    expect(within(channel()).getByTestId('channel-why').textContent).toContain(
      'no longer has SMS self-registration'
    )
  })

  it('hides the app, Android-only, e-mail and message options of self-registration for channels 2 and 3', async () => {
    renderScreen(createFakeInviteApi({ project: { channelProbe: PROBE_2026 } }), TODAY)
    await pasteList()
    expect(screen.queryByLabelText('App')).toBeNull()
    expect(screen.queryByLabelText(/Android only/)).toBeNull()
    expect(screen.queryByLabelText(/Ask for an email address/)).toBeNull()
    expect(screen.queryByLabelText('Message')).toBeNull()
    expect(screen.getByLabelText('Location for every new account')).toBeTruthy()
    expect(screen.getByLabelText('Group for every new account')).toBeTruthy()

    expect(screen.getByTestId('hq-sms-preview')).toBeTruthy()

    cleanup()
    forgetImports()
    renderScreen(
      createFakeInviteApi(),
      inviteProject({ channelProbe: PROBE_2026, channel: 'email-confirmation' })
    )
    await pasteList()
    expect(screen.getByLabelText('Location for every new account')).toBeTruthy()
    expect(screen.queryByLabelText('App')).toBeNull()
    expect(screen.queryByLabelText('Message')).toBeNull()
    // Channel 3 sends no SMS: HQ e-mails its own message.
    expect(screen.queryByTestId('hq-sms-preview')).toBeNull()
    expect(screen.getByText(/HQ e-mails each worker its own confirmation message/)).toBeTruthy()
  })

  it('previews HQ’s own confirmation SMS for the first row to send, with its SMS count', async () => {
    renderScreen(createFakeInviteApi({ project: { channelProbe: PROBE_2026 } }), TODAY)
    await pasteList()
    await typeCell(2, 'username', 'amina.k')
    const preview = await screen.findByTestId('hq-sms-preview')
    // The list's Name column is the account's name on these channels: HQ greets the worker by it.
    const expected = hqConfirmationSms({
      name: 'Amina',
      domain: 'demo-project',
      username: 'amina.k@demo-project.commcarehq.org',
      url: exampleConfirmationUrl('https://www.commcarehq.org', 'demo-project')
    })
    await waitFor(() => expect(preview.querySelector('.msg-bubble')!.textContent).toBe(expected))
    expect(preview.textContent).toMatch(/The SMS HQ sends row 2/)
    const count = countSegments(expected)
    expect(count.segments).toBeGreaterThan(1)
    expect(within(preview).getByTestId('hq-sms-count').textContent).toBe(
      `${count.length} characters${count.segments} SMSGSM-7 · ${count.perSegment} per SMS`
    )
  })

  it('sends a channel 2 batch with its channel, the location and group picked, and each row’s username', async () => {
    const api = createFakeInviteApi({ project: { channelProbe: PROBE_2026 } })
    renderScreen(api, TODAY)
    await pasteList()
    await typeCell(2, 'username', 'amina.k')
    await typeCell(4, 'username', 'chris.o')
    await waitFor(() =>
      expect((screen.getByLabelText('Location for every new account') as HTMLSelectElement).disabled).toBe(
        false
      )
    )
    fireEvent.change(screen.getByLabelText('Location for every new account'), { target: { value: 'l-kis' } })
    expect(screen.getByRole('option', { name: 'Kenya › Kisumu' })).toBeTruthy()
    fireEvent.change(screen.getByLabelText('Group for every new account'), { target: { value: 'g-north' } })
    expect(screen.getByTestId('send-plan').textContent).toMatch(/2 accounts will be created/)
    const dialog = await openSendDialog(2)
    expect(dialog.textContent).toMatch(/Roster creates 2 accounts and HQ texts each worker a link/)
    expect(dialog.textContent).toMatch(/Every account gets the location Kisumu and the group North team\./)
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send 2 invitations' }))
    await screen.findByTestId('send-results')

    const created = api.callsOf('invite.create')[0]!
    expect(created.options).toEqual({ channel: 'sms-confirmation', locationId: 'l-kis', groupId: 'g-north' })
    expect(created.rows.map((r) => [r.row, r.e164, r.username])).toEqual([
      [2, '+254712345678', 'amina.k'],
      [4, '+254733000111', 'chris.o']
    ])
    expect(screen.getByText('Accounts created')).toBeTruthy()
    await waitFor(() => expect(row(2).dataset.status).toBe('success'))
  })

  it('shows accounts HQ refused and accounts it has not created yet, row by row', async () => {
    const api = createFakeInviteApi({ project: { channelProbe: PROBE_2026 } })
    api.hq.refuse.add('chris.o')
    api.hq.slow = true
    renderScreen(api, TODAY)
    await pasteList()
    await typeCell(2, 'username', 'amina.k')
    await typeCell(4, 'username', 'chris.o')
    fireEvent.click(within(await openSendDialog(2)).getByRole('button', { name: 'Send 2 invitations' }))
    await screen.findByTestId('send-results')
    await waitFor(() => {
      expect(row(2).dataset.status).toBe('pending')
      expect(row(4).dataset.status).toBe('refused')
    })
    expect(cell(4, 'message').textContent).toMatch(/username is already taken/)
    expect(screen.getByTestId('count-pending').textContent).toBe('1')
    expect(screen.getByTestId('count-refused').textContent).toBe('1')
    expect(screen.getByTestId('pending-note')).toBeTruthy()
  })

  it('says what a repeat would do when an e-mail channel request may or may not have reached HQ', async () => {
    const api = createFakeInviteApi({ project: { channelProbe: PROBE_2026 } })
    api.hq.lost.add('254712345678')
    renderScreen(api, inviteProject({ channelProbe: PROBE_2026, channel: 'email-confirmation' }))
    await pasteList(['Phone\tName\tE-mail', '0712345678\tAmina Diallo\tamina@example.org'].join('\n'))
    fireEvent.click(within(await openSendDialog(1)).getByRole('button', { name: 'Send 1 invitation' }))
    const banner = await screen.findByTestId('unknown-banner')
    expect(banner.textContent).toMatch(/creates no second account/)
    expect(banner.textContent).not.toMatch(/costs an SMS/)
    expect(api.callsOf('invite.create')[0]!.rows[0]).toMatchObject({
      username: 'amina.diallo',
      firstName: 'Amina',
      lastName: 'Diallo',
      email: 'amina@example.org'
    })
  })
})
