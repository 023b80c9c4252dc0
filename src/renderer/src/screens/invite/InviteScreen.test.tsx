import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ApiError } from '../../../../shared/api'
import { forgetImports } from '../../import/useImport'
import { createFakeInviteApi } from './fakeInviteApi'
import {
  appChoice,
  cell,
  giveGridASize,
  KIT_PROJECT,
  openSendDialog,
  pasteList,
  renderScreen,
  row,
  settled
} from './testKit'

const project = KIT_PROJECT

beforeAll(giveGridASize)

beforeEach(() => {
  localStorage.clear()
  forgetImports()
})
afterEach(cleanup)

describe('Invite screen', () => {
  it('reads pasted cells and shows each row with its status, the number it is sent as, and the counts', async () => {
    renderScreen(createFakeInviteApi())
    await pasteList()
    await waitFor(() => expect(row(2).dataset.status).toBe('ready'))
    expect(cell(2, 'e164').textContent).toBe('+254712345678')
    expect(row(3).dataset.status).toBe('error')
    expect(cell(3, 'message').textContent).toMatch(/too short/)
    expect(row(5).dataset.status).toBe('error')
    expect(cell(5, 'message').textContent).toMatch(/same number as row 2/)
    expect(cell(2, 'field:Name').textContent).toBe('Amina')
    // Counts are computed in a deferred render, after the rows.
    await waitFor(() => expect(screen.getByTestId('count-ready').textContent).toMatch(/2 ready/))
    expect(screen.getByTestId('count-error').textContent).toMatch(/2 errors/)
  })

  it('fixes an invalid number in the grid by keyboard and sees it turn ready, then undoes and redoes the edit', async () => {
    renderScreen(createFakeInviteApi())
    await pasteList()
    const grid = screen.getByRole('grid')
    fireEvent.mouseDown(cell(3, 'phone'))
    fireEvent.keyDown(grid, { key: 'Enter' })
    const input = within(cell(3, 'phone')).getByRole('textbox')
    fireEvent.change(input, { target: { value: '0722 000 111' } })
    fireEvent.keyDown(input, { key: 'Enter' })
    await waitFor(() => expect(row(3).dataset.status).toBe('ready'))
    expect(cell(3, 'e164').textContent).toBe('+254722000111')

    fireEvent.keyDown(grid, { key: 'z', ctrlKey: true })
    await waitFor(() => expect(row(3).dataset.status).toBe('error'))
    expect(cell(3, 'phone').textContent).toBe('0722')

    fireEvent.keyDown(grid, { key: 'y', ctrlKey: true })
    await waitFor(() => expect(row(3).dataset.status).toBe('ready'))
  })

  it('starts editing when a digit is typed on a cell and cancels with Escape', async () => {
    renderScreen(createFakeInviteApi())
    await pasteList()
    const grid = screen.getByRole('grid')
    fireEvent.mouseDown(cell(2, 'phone'))
    fireEvent.keyDown(grid, { key: '9' })
    const input = within(cell(2, 'phone')).getByRole('textbox') as HTMLInputElement
    expect(input.value).toBe('9')
    fireEvent.keyDown(input, { key: 'Escape' })
    expect(cell(2, 'phone').textContent).toBe('0712345678')
    expect(row(2).dataset.status).toBe('ready')
  })

  it('clears a duplicate when its twin is deleted, and brings the twin back with undo', async () => {
    renderScreen(createFakeInviteApi())
    await pasteList()
    fireEvent.mouseDown(cell(2, 'phone'))
    fireEvent.click(screen.getByRole('button', { name: 'Delete row' }))
    await waitFor(() => expect(row(5).dataset.status).toBe('ready'))
    expect(document.querySelector('[data-row="2"]')).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }))
    await waitFor(() => {
      expect(row(5).dataset.status).toBe('error')
      expect(row(2).dataset.status).toBe('ready')
    })
  })

  it('shows only rows with problems when asked', async () => {
    renderScreen(createFakeInviteApi())
    await pasteList()
    fireEvent.click(screen.getByLabelText('Only rows with problems'))
    await waitFor(() => expect(document.querySelector('[data-row="2"]')).toBeNull())
    expect(row(3)).toBeTruthy()
    expect(row(5)).toBeTruthy()
  })

  it('marks numbers already registered in the roster as errors, found before validating', async () => {
    const api = createFakeInviteApi({
      lookup: {
        registered: [
          {
            digits: '254733000111',
            workerId: 'w1',
            username: 'chris@demo-project.commcarehq.org',
            name: 'Chris O'
          }
        ],
        invited: []
      }
    })
    renderScreen(api)
    await pasteList()
    await waitFor(() => expect(row(4).dataset.status).toBe('error'))
    expect(cell(4, 'message').textContent).toMatch(/already registered as Chris O/)
    expect(api.callsOf('invite.lookup')[0]!.digits.sort()).toEqual(['254712345678', '254733000111'])
  })

  it('leaves already-invited numbers out unless inviting them again is ticked', async () => {
    const api = createFakeInviteApi({
      lookup: {
        registered: [],
        invited: [
          {
            digits: '254733000111',
            batchId: 4,
            invitedAt: '2025-02-01T10:00:00Z',
            status: 'success',
            registered: false
          }
        ]
      }
    })
    renderScreen(api)
    await pasteList()
    await waitFor(() => expect(row(4).dataset.status).toBe('warning'))
    expect(screen.getByTestId('send-plan').textContent).toMatch(/1 number will be invited/)
    const reinvite = screen.getByLabelText(/Invite again 1 number already invited/) as HTMLInputElement
    expect(reinvite.checked).toBe(false)
    fireEvent.click(reinvite)
    expect(screen.getByTestId('send-plan').textContent).toMatch(/2 numbers will be invited/)
  })

  it('sends the ready rows after confirmation, skipping errors, and shows HQ’s answer on each row', async () => {
    const api = createFakeInviteApi()
    api.hq.inUse.add('254733000111')
    renderScreen(api)
    await pasteList()
    expect(screen.getByTestId('send-plan').textContent).toMatch(/2 rows with errors skipped/)
    await waitFor(() => expect((screen.getByLabelText('App') as HTMLSelectElement).value).toBe('app-1'))
    const dialog = await openSendDialog(2)
    expect(dialog.textContent).toMatch(/Community Health/)
    expect(dialog.textContent).toMatch(/2 rows with errors will not be sent/)
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send 2 invitations' }))

    await screen.findByTestId('send-results')
    const created = api.callsOf('invite.create')[0]!
    expect(created.rows.map((r) => r.e164)).toEqual(['+254712345678', '+254733000111'])
    expect(created.rows[0]!.customUserData).toEqual({ Name: 'Amina', Village: 'Kisumu' })
    expect(created.reinvite).toBe(false)
    expect(api.callsOf('invite.send')).toEqual([{ batchId: 1 }])
    await waitFor(() => expect(row(2).dataset.status).toBe('success'))
    expect(row(4).dataset.status).toBe('in_use')
    expect(screen.getByTestId('count-success').textContent).toBe('1')
    // Sent rows can no longer be edited.
    fireEvent.mouseDown(cell(2, 'phone'))
    fireEvent.keyDown(screen.getByRole('grid'), { key: 'Enter' })
    expect(within(cell(2, 'phone')).queryByRole('textbox')).toBeNull()
  })

  it('asks what to do with numbers whose outcome is unknown, and sends them again on request', async () => {
    const api = createFakeInviteApi()
    api.hq.lost.add('254712345678')
    renderScreen(api)
    await pasteList()
    await waitFor(() => expect((screen.getByLabelText('App') as HTMLSelectElement).value).toBe('app-1'))
    fireEvent.click(within(await openSendDialog(2)).getByRole('button', { name: 'Send 2 invitations' }))
    const banner = await screen.findByTestId('unknown-banner')
    await waitFor(() => expect(row(2).dataset.status).toBe('unknown'))
    // The button knows the unknown numbers from a deferred render, after the row shows them.
    const again = within(banner).getByRole('button', { name: 'Send again' }) as HTMLButtonElement
    await waitFor(() => expect(again.disabled).toBe(false))
    fireEvent.click(again)
    await waitFor(() => expect(row(2).dataset.status).toBe('success'))
    expect(api.callsOf('invite.resolveUnknown')).toEqual([{ batchId: 1, numberIds: [1], action: 'resend' }])
    // The rows' answers and the batch's summary arrive in separate renders: wait for the summary.
    await waitFor(() => {
      expect(screen.getByTestId('send-results')).toBeTruthy()
      expect(screen.queryByTestId('unknown-banner')).toBeNull()
    })
  })

  it('keeps the batch queued when HQ cannot be reached and sends it with Send now', async () => {
    const api = createFakeInviteApi()
    api.hq.offline = true
    renderScreen(api)
    await pasteList()
    await waitFor(() => expect((screen.getByLabelText('App') as HTMLSelectElement).value).toBe('app-1'))
    fireEvent.click(within(await openSendDialog(2)).getByRole('button', { name: 'Send 2 invitations' }))
    const queued = await screen.findByTestId('queued-banner')
    expect(queued.textContent).toMatch(/Queued — will send when you confirm/)
    expect(queued.textContent).toMatch(/offline/)
    api.hq.offline = false
    fireEvent.click(within(queued).getByRole('button', { name: 'Send now' }))
    await waitFor(() => expect(row(2).dataset.status).toBe('success'))
    expect(api.callsOf('invite.send')[1]).toEqual({ batchId: 1, confirmOffline: true })
  })

  it('stores the app chosen in the project, so the next list (and the command line) use it', async () => {
    const api = createFakeInviteApi()
    const first = renderScreen(api)
    await pasteList()
    await waitFor(() => expect(appChoice().value).toBe('app-1'))
    fireEvent.change(appChoice(), { target: { value: 'app-2' } })
    await waitFor(() => {
      expect(api.callsOf('projects.update')).toEqual([{ projectId: 'p1', appId: 'app-2' }])
      expect(api.projects[0]!.appId).toBe('app-2')
    })
    first.unmount()
    forgetImports()
    // Another computer, say: nothing remembered locally, the project says which app.
    localStorage.clear()
    renderScreen(api, api.projects[0]!)
    await pasteList()
    await waitFor(() => expect(appChoice().value).toBe('app-2'))
  })

  it('prefers the project’s app to the one this computer remembers', async () => {
    const api = createFakeInviteApi({ project: { appId: 'app-2' } })
    localStorage.setItem('roster.invite.app.p1', JSON.stringify('app-1'))
    renderScreen(api, { ...project, appId: 'app-2' })
    await pasteList()
    await waitFor(() => expect(appChoice().value).toBe('app-2'))
    expect(api.callsOf('projects.update')).toEqual([])
  })

  it('falls back to the app this computer remembers when the project has none', async () => {
    const api = createFakeInviteApi()
    localStorage.setItem('roster.invite.app.p1', JSON.stringify('app-2'))
    renderScreen(api)
    await pasteList()
    await waitFor(() => expect(appChoice().value).toBe('app-2'))
  })

  it('stores the app HQ lists first in the project once a batch is sent to it', async () => {
    const api = createFakeInviteApi()
    renderScreen(api)
    await pasteList()
    await waitFor(() => expect(appChoice().value).toBe('app-1'))
    expect(api.callsOf('projects.update')).toEqual([])
    fireEvent.click(within(await openSendDialog(2)).getByRole('button', { name: 'Send 2 invitations' }))
    await screen.findByTestId('send-results')
    expect(api.callsOf('projects.update')).toEqual([{ projectId: 'p1', appId: 'app-1' }])
  })

  it('says so when the app cannot be stored in the project, and still uses it', async () => {
    const api = createFakeInviteApi()
    api.failNext('projects.update', new ApiError('not-found', 'There is no saved project with id p1.'))
    renderScreen(api)
    await pasteList()
    await waitFor(() => expect(appChoice().value).toBe('app-1'))
    fireEvent.change(appChoice(), { target: { value: 'app-2' } })
    expect(await screen.findByText(/could not save this app in the project/)).toBeTruthy()
    expect(appChoice().value).toBe('app-2')
  })

  it('does not ask to re-invite numbers whose earlier invitation failed or that HQ refused', async () => {
    const api = createFakeInviteApi({
      lookup: {
        registered: [],
        invited: [
          {
            digits: '254733000111',
            batchId: 4,
            invitedAt: '2025-02-01T10:00:00Z',
            status: 'failed',
            registered: false
          },
          {
            digits: '254712345678',
            batchId: 4,
            invitedAt: '2025-02-01T10:00:00Z',
            status: 'in_use',
            registered: false
          }
        ]
      }
    })
    renderScreen(api)
    await pasteList()
    await waitFor(() => expect(row(4).dataset.status).toBe('ready'))
    expect(row(2).dataset.status).toBe('ready')
    expect(cell(4, 'message').textContent).not.toMatch(/already invited/)
    expect(screen.getByTestId('send-plan').textContent).toMatch(/2 numbers will be invited/)
    expect(screen.queryByLabelText(/Invite again/)).toBeNull()
  })

  it('counts the message’s SMS, points at the character that forces Unicode, and blocks a message HQ would refuse', async () => {
    renderScreen(createFakeInviteApi())
    await pasteList()
    const message = screen.getByLabelText('Message')
    fireEvent.change(message, { target: { value: 'Karibu! Reply 1 for Android, 2 for other phones.' } })
    expect(screen.getByTestId('msg-encoding').textContent).toMatch(/GSM-7/)
    expect(screen.getByTestId('msg-segments').textContent).toBe('1 SMS')
    fireEvent.change(message, {
      target: { value: 'Bienvenue en français: reply 1 for Android, 2 for other.' }
    })
    expect(screen.getByTestId('msg-encoding').textContent).toMatch(/UCS-2/)
    expect(screen.getByTestId('msg-ucs2').querySelector('mark')?.textContent).toBe('ç')

    fireEvent.click(screen.getByLabelText(/Android only/))
    fireEvent.change(message, { target: { value: 'Register here' } })
    expect(screen.getByText(/Add \{\} where the registration link should go/)).toBeTruthy()
    expect((screen.getByRole('button', { name: /Send 2 invitations/ }) as HTMLButtonElement).disabled).toBe(
      true
    )
    fireEvent.change(message, { target: { value: 'Register here: {}' } })
    await waitFor(() =>
      expect((screen.getByRole('button', { name: /Send 2 invitations/ }) as HTMLButtonElement).disabled).toBe(
        false
      )
    )
  })

  it('adds a row typed by hand on a blank list', async () => {
    renderScreen(createFakeInviteApi())
    fireEvent.click(screen.getByRole('button', { name: /Start a blank list/ }))
    const input = await screen.findByRole('textbox', { name: /Phone, row 2/ })
    fireEvent.change(input, { target: { value: '+254 712 345 678' } })
    await act(async () => {
      fireEvent.keyDown(input, { key: 'Enter' })
    })
    await waitFor(() => expect(row(2).dataset.status).toBe('ready'))
  })

  it('pastes a block of cells from a spreadsheet onto the grid at the cursor', async () => {
    renderScreen(createFakeInviteApi())
    await pasteList()
    fireEvent.mouseDown(cell(3, 'phone'))
    const grid = screen.getByRole('grid')
    fireEvent.paste(grid, {
      clipboardData: { getData: () => '0722000111\tBaraka K\r\n0799000222\tNew person\r\n' }
    })
    await waitFor(() => expect(row(3).dataset.status).toBe('ready'))
    expect(cell(3, 'field:Name').textContent).toBe('Baraka K')
    expect(cell(4, 'phone').textContent).toBe('0799000222')
    expect(cell(4, 'field:Name').textContent).toBe('New person')
  })

  it('reads the clipboard as a new list when Ctrl+V is pressed on the empty screen', async () => {
    renderScreen(createFakeInviteApi())
    fireEvent.paste(document.body, { clipboardData: { getData: () => '0712345678\n0722000111\n' } })
    await screen.findByRole('grid')
    await waitFor(() => {
      expect(row(1).dataset.status).toBe('ready')
      expect(row(2).dataset.status).toBe('ready')
    })
  })

  it('sends custom data under the names chosen in the column mapping, and skips columns set to Skip', async () => {
    const api = createFakeInviteApi()
    renderScreen(api)
    await pasteList()
    fireEvent.click(screen.getByText('Columns'))
    fireEvent.change(screen.getByLabelText('Custom data name for “Name”'), { target: { value: 'full_name' } })
    fireEvent.change(screen.getByLabelText('Use column “Village” as'), { target: { value: 'skip' } })
    fireEvent.click(screen.getByRole('button', { name: 'Apply columns' }))
    await waitFor(() => expect(cell(2, 'field:full_name').textContent).toBe('Amina'))
    expect(row(2).querySelector('[data-col="field:Village"]')).toBeNull()
    // The rows are on screen before they are checked again: let the new read finish.
    await settled()
    await waitFor(() => expect((screen.getByLabelText('App') as HTMLSelectElement).value).toBe('app-1'))
    fireEvent.click(within(await openSendDialog(2)).getByRole('button', { name: 'Send 2 invitations' }))
    await screen.findByTestId('send-results')
    expect(api.callsOf('invite.create')[0]!.rows[0]!.customUserData).toEqual({ full_name: 'Amina' })
  })

  it('refuses a custom data name HQ keeps for itself', async () => {
    renderScreen(createFakeInviteApi())
    await pasteList()
    fireEvent.click(screen.getByText('Columns'))
    fireEvent.change(screen.getByLabelText('Custom data name for “Name”'), {
      target: { value: 'commcare_location_id' }
    })
    expect(screen.getByText(/reserved by CommCare HQ/)).toBeTruthy()
    expect((screen.getByRole('button', { name: 'Apply columns' }) as HTMLButtonElement).disabled).toBe(true)
  })

  it('keeps the list, its edits and the batch on screen when the coordinator leaves and comes back', async () => {
    const api = createFakeInviteApi()
    const first = renderScreen(api)
    await pasteList()
    fireEvent.mouseDown(cell(3, 'phone'))
    fireEvent.keyDown(screen.getByRole('grid'), { key: '0' })
    const input = within(cell(3, 'phone')).getByRole('textbox')
    fireEvent.change(input, { target: { value: '0722000111' } })
    fireEvent.keyDown(input, { key: 'Enter' })
    await waitFor(() => expect(row(3).dataset.status).toBe('ready'))
    await waitFor(() => expect((screen.getByLabelText('App') as HTMLSelectElement).value).toBe('app-1'))
    fireEvent.click(within(await openSendDialog(3)).getByRole('button', { name: 'Send 3 invitations' }))
    await screen.findByTestId('send-results')
    first.unmount()

    renderScreen(api)
    await screen.findByTestId('send-results')
    expect(row(3).dataset.status).toBe('success')
    expect(cell(3, 'phone').textContent).toBe('0722000111')
    fireEvent.click(screen.getByRole('button', { name: 'Start a new list' }))
    await screen.findByText('Drop a list of phone numbers here')
  })
})
