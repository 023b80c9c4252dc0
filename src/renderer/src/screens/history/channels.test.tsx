import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ApiError } from '../../../../shared/api'
import { emptyCounts } from '../../../../shared/batchCounts'
import type { Channel } from '../../../../shared/channels'
import { createFakeApi, makeBatch, makeNumber, makeProject, type FakeState } from '../../test/fakeApi'
import { installDomStubs, renderWithApi } from '../../test/dom'
import { HistoryScreen } from './index'

beforeEach(installDomStubs)
afterEach(cleanup)

/**
 * One batch of four rows through a channel that creates accounts: one account created and
 * confirmed since, one created and waiting for its worker, one HQ has not created yet, and one HQ
 * refused.
 */
function accountsBatch(channel: Channel, patch: Partial<FakeState> = {}) {
  const numbers = [
    makeNumber(1, 7, {
      username: 'amina.otieno',
      email: 'amina@example.org',
      registeredWorkerId: 'w1',
      registeredAt: '2025-03-04T10:00:00.000Z'
    }),
    makeNumber(2, 7, { username: 'baraka.mwangi', email: 'baraka@example.org' }),
    makeNumber(3, 7, { username: 'chiara.achieng', status: 'pending' }),
    makeNumber(4, 7, {
      username: 'daudi.kamau',
      status: 'refused',
      reason: 'The account never appeared in HQ: the username may be taken.'
    })
  ]
  const api = createFakeApi({
    projects: [makeProject()],
    batches: {
      p1: [
        makeBatch(7, {
          channel,
          appId: '',
          appName: null,
          state: 'done',
          error: null,
          total: 4,
          locationId: 'loc-kibera',
          groupId: 'g-north',
          counts: { ...emptyCounts(), success: 2, pending: 1, refused: 1, registered: 1 }
        })
      ]
    },
    numbers: { 7: numbers },
    ...patch
  })
  renderWithApi(api, <HistoryScreen project={makeProject()} />)
  return api
}

const detail = () => screen.getByTestId('batch-detail')
const headers = () =>
  within(detail())
    .getAllByRole('columnheader')
    .map((h) => h.textContent)

describe('History of batches that create accounts', () => {
  it('names the channel, the location and group, and counts accounts waiting for HQ and refused', async () => {
    accountsBatch('sms-confirmation')
    const batch = await screen.findByRole('option', { name: /Batch 7/ })
    expect(batch.textContent).toContain('Account + confirmation SMS')
    expect(batch.textContent).toContain('location Kibera · group Team North')
    expect(batch.textContent).toMatch(/2 accounts created→1 registered/)
    expect(batch.textContent).toContain('1 waiting for HQ · 1 not created by HQ')
    await waitFor(() =>
      expect(detail().textContent).toContain(
        '1 waiting for HQ to create the account · 1 HQ did not create the account'
      )
    )
  })

  it('shows each number’s username and e-mail', async () => {
    accountsBatch('email-confirmation')
    await screen.findByText('4 numbers shown')
    expect(headers()).toEqual([
      '',
      'Row',
      'Phone',
      'Username',
      'E-mail',
      'HQ’s answer',
      'Registered',
      'Details'
    ])
    const row = (await screen.findByLabelText('Check +254712000002')).closest('[role="row"]') as HTMLElement
    const cells = within(row)
      .getAllByRole('cell')
      .map((c) => c.textContent)
    expect(cells.slice(2, 7)).toEqual([
      '+254 712 000002',
      'baraka.mwangi',
      'baraka@example.org',
      '✓Account created',
      'not confirmed yet'
    ])
    const refused = (await screen.findByLabelText('Check +254712000004')).closest(
      '[role="row"]'
    ) as HTMLElement
    expect(refused.textContent).toContain('the username may be taken')
  })

  it('filters by the new outcomes', async () => {
    const api = accountsBatch('sms-confirmation')
    await screen.findByText('4 numbers shown')
    const status = screen.getByLabelText('Filter by status')
    const option = (value: string) =>
      within(status)
        .getAllByRole('option')
        .find((o) => (o as HTMLOptionElement).value === value)!
    expect(option('pending').textContent).toMatch(/\(1\)$/)
    expect(option('refused').textContent).toMatch(/\(1\)$/)
    fireEvent.change(status, { target: { value: 'pending' } })
    await screen.findByText('1 number shown')
    expect(api.callsOf('invite.batch').at(-1)).toEqual({ batchId: 7, status: 'pending' })
  })

  it('keeps the phone-only columns for SMS self-registration', async () => {
    const api = createFakeApi({
      projects: [makeProject()],
      batches: { p1: [makeBatch(3, { state: 'done', error: null, total: 1 })] },
      numbers: { 3: [makeNumber(1, 3)] }
    })
    renderWithApi(api, <HistoryScreen project={makeProject()} />)
    await screen.findByText('1 number shown')
    expect(headers()).toEqual(['', 'Row', 'Phone', 'HQ’s answer', 'Registered', 'Details'])
    expect(screen.getByRole('option', { name: /Batch 3/ }).textContent).toContain(
      'SMS self-registration · Android or other · HQ’s message'
    )
  })
})

describe('Re-invite, per channel', () => {
  async function reinvite(names: string[]) {
    await screen.findByText('4 numbers shown')
    for (const name of names) fireEvent.click(await screen.findByLabelText(`Check ${name}`))
    fireEvent.click(screen.getByRole('button', { name: /Re-invite selected/ }))
    return screen.findByRole('dialog')
  }

  it('e-mail: HQ re-sends the confirmation e-mail, and History says what it did', async () => {
    const api = accountsBatch('email-confirmation', {
      reinvite: { message: 'HQ e-mailed 1 worker a new confirmation link.' }
    })
    const dialog = await reinvite(['+254712000002'])
    expect(within(dialog).getByRole('heading').textContent).toBe(
      'Send the confirmation e-mail to 1 number again?'
    )
    expect(dialog.textContent).toContain('No second account is created.')
    fireEvent.click(within(dialog).getByRole('button', { name: 'Re-send 1 e-mail' }))
    expect((await screen.findByRole('status')).textContent).toBe(
      'HQ e-mailed 1 worker a new confirmation link.'
    )
    expect(api.callsOf('invite.reinvite')).toEqual([{ batchId: 7, numberIds: [2] }])
    expect(api.callsOf('invite.send')).toEqual([])
  })

  it('SMS confirmation: says where in HQ to re-send, since HQ has no API for it', async () => {
    const where =
      'HQ has no API to re-send the confirmation SMS. In HQ, open Users › Mobile Workers, find the worker and choose "Resend confirmation SMS".'
    const api = accountsBatch('sms-confirmation', { reinvite: new ApiError('unsupported', where) })
    const dialog = await reinvite(['+254712000002', '+254712000003'])
    expect(dialog.textContent).toContain('HQ has no way for Roster to re-send its confirmation SMS')
    fireEvent.click(within(dialog).getByRole('button', { name: 'Ask HQ' }))
    expect((await screen.findByRole('alert')).textContent).toBe(`Could not invite again: ${where}`)
    expect(api.callsOf('invite.reinvite')).toEqual([{ batchId: 7, numberIds: [2, 3] }])
    expect(api.callsOf('invite.send')).toEqual([])
  })

  it('SMS self-registration: a new batch is created and sent', async () => {
    const api = createFakeApi({
      projects: [makeProject()],
      batches: {
        p1: [makeBatch(3, { state: 'done', error: null, total: 4, counts: { ...emptyCounts(), success: 4 } })]
      },
      numbers: { 3: [1, 2, 3, 4].map((i) => makeNumber(i, 3)) }
    })
    renderWithApi(api, <HistoryScreen project={makeProject()} />)
    const dialog = await reinvite(['+254712000001'])
    expect(dialog.textContent).toContain('Any earlier link sent to these numbers stops working.')
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send 1 invitation' }))
    await screen.findByText('Batch 4 created with 1 number and is being sent.')
    expect(api.callsOf('invite.send')).toEqual([{ batchId: 4 }])
  })
})
