import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Project } from '../../../../shared/domain'
import { ApiProvider } from '../../api/context'
import { makeProject } from '../../test/fakeApi'
import { createFakeInviteApi, type FakeInviteApi } from '../invite/fakeInviteApi'
import { HistoryScreen } from './index'

const project: Project = makeProject()

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

/** One batch of three numbers: two invited, one HQ says is in use. */
async function withBatch(opts: { offline?: boolean } = {}): Promise<FakeInviteApi> {
  const api = createFakeInviteApi()
  api.hq.inUse.add('254733000111')
  api.hq.offline = opts.offline ?? false
  const { batchId } = await api.call('invite.create', {
    projectId: 'p1',
    options: { appId: 'app-1', androidOnly: true, requireEmail: false, message: 'Join us: {}' },
    rows: [
      { row: 2, e164: '+254712345678', customUserData: { village: 'Kisumu' } },
      { row: 3, e164: '+254722000111' },
      { row: 4, e164: '+254733000111' }
    ]
  })
  await api.call('invite.send', { batchId })
  api.calls.length = 0
  return api
}

function renderScreen(api: FakeInviteApi) {
  return render(
    <ApiProvider api={api}>
      <HistoryScreen project={project} />
    </ApiProvider>
  )
}

describe('History screen', () => {
  it('makes the batch list one Tab stop that the arrow keys move along', async () => {
    const api = await withBatch()
    const { batchId } = await api.call('invite.create', {
      projectId: 'p1',
      options: { appId: 'app-1', androidOnly: true, requireEmail: false, message: 'Join us: {}' },
      rows: [{ row: 2, e164: '+254744000111' }]
    })
    await api.call('invite.send', { batchId })
    renderScreen(api)
    // The batches, not the <option>s of the filters.
    const batches = () => within(screen.getByTestId('batch-list')).getAllByRole('option')
    await screen.findByRole('option', { name: /Batch 2/ })
    const options = batches()
    expect(options.map((o) => o.tabIndex)).toEqual([0, -1])
    options[0]!.focus()
    fireEvent.keyDown(options[0]!, { key: 'ArrowDown' })
    await waitFor(() => expect(batches()[1]!.getAttribute('aria-selected')).toBe('true'))
    expect(document.activeElement).toBe(batches()[1])
    expect(batches().map((o) => o.tabIndex)).toEqual([-1, 0])
    fireEvent.keyDown(document.activeElement!, { key: 'Home' })
    await waitFor(() => expect(document.activeElement).toBe(batches()[0]))
  })

  it('says so when nothing was sent yet', async () => {
    renderScreen(createFakeInviteApi())
    await screen.findByText('No invitations sent yet')
  })

  it('lists each batch with its app, options and counts, and shows the numbers of the chosen one', async () => {
    renderScreen(await withBatch())
    const batch = await screen.findByRole('option', { name: /Batch 1/ })
    expect(batch.textContent).toMatch(/Community Health/)
    expect(batch.textContent).toMatch(/Android only · custom message/)
    expect(batch.textContent).toMatch(/2 invited→0 registered/)
    expect(batch.textContent).toMatch(/1 in use/)
    const detail = screen.getByTestId('batch-detail')
    await waitFor(() => expect(within(detail).getAllByRole('row')).toHaveLength(4))
    expect(detail.textContent).toMatch(/village: Kisumu/)
    expect(detail.textContent).toMatch(/“Join us: \{\}”/)
  })

  it('filters the numbers by HQ’s answer', async () => {
    const api = await withBatch()
    renderScreen(api)
    await screen.findByText('3 numbers shown')
    fireEvent.change(screen.getByLabelText('Filter by status'), { target: { value: 'in_use' } })
    await screen.findByText('1 number shown')
    expect(api.callsOf('invite.batch').at(-1)).toEqual({ batchId: 1, status: 'in_use' })
    fireEvent.change(screen.getByLabelText('Filter by registration'), { target: { value: 'no' } })
    await waitFor(() =>
      expect(api.callsOf('invite.batch').at(-1)).toEqual({ batchId: 1, status: 'in_use', registered: false })
    )
  })

  it('invites the checked numbers again after confirmation, as a new batch that is sent', async () => {
    const api = await withBatch()
    renderScreen(api)
    await screen.findByText('3 numbers shown')
    // The rows are drawn by the virtualiser: wait for the row, not only for the count above it.
    fireEvent.click(await screen.findByLabelText('Check +254722000111'))
    fireEvent.click(screen.getByRole('button', { name: /Re-invite selected/ }))
    const dialog = await screen.findByRole('dialog')
    expect(dialog.textContent).toMatch(/earlier link sent to these numbers stops working/)
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send 1 invitation' }))
    await screen.findByRole('option', { name: /Batch 2/ })
    expect(api.callsOf('invite.reinvite')).toEqual([{ batchId: 1, numberIds: [2] }])
    expect(api.callsOf('invite.send')).toEqual([{ batchId: 2 }])
    await screen.findByText(/Batch 2 created with 1 number/)
  })

  it('exports the batch as a CSV download', async () => {
    const api = await withBatch()
    const created: Blob[] = []
    URL.createObjectURL = vi.fn((blob: Blob) => {
      created.push(blob)
      return 'blob:test'
    })
    URL.revokeObjectURL = vi.fn()
    renderScreen(api)
    await screen.findByText('3 numbers shown')
    fireEvent.click(screen.getByRole('button', { name: /Export CSV/ }))
    await screen.findByText('Exported 3 numbers to batch-1.csv.')
    expect(await created[0]!.text()).toContain('+254712345678')
  })

  it('offers to send a batch that stayed queued when HQ could not be reached', async () => {
    const api = await withBatch({ offline: true })
    renderScreen(api)
    await screen.findByText(/Queued — will send when you confirm/)
    api.hq.offline = false
    fireEvent.click(screen.getByRole('button', { name: 'Send now' }))
    await waitFor(() => expect(api.callsOf('invite.send')).toEqual([{ batchId: 1, confirmOffline: true }]))
    await waitFor(() => expect(screen.queryByText(/Queued — will send when you confirm/)).toBeNull())
    await waitFor(() =>
      expect(screen.getByRole('option', { name: /Batch 1/ }).textContent).toMatch(/2 invited/)
    )
  })
})
