import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { App } from '../App'
import { forgetImports } from '../import/useImport'
import { createFakeApi, makeBatch, makeProject, makeWorker, syncRun, type FakeApi } from '../test/fakeApi'
import { installDomStubs, renderWithApi } from '../test/dom'

const synced = syncRun('p1', { endedAt: new Date().toISOString() })

beforeEach(() => {
  localStorage.clear()
  forgetImports()
  installDomStubs()
})
afterEach(cleanup)

function syncedApi(init: Parameters<typeof createFakeApi>[0] = {}): FakeApi {
  return createFakeApi({
    projects: [makeProject({ lastGoodSync: synced, lastSync: synced })],
    workers: Array.from({ length: 10 }, (_, i) => makeWorker(i)),
    ...init
  })
}

/** What a file dragged from the desktop looks like to the page. */
function fileTransfer(file: File) {
  return { dataTransfer: { types: ['Files'], files: [file], dropEffect: 'none' } }
}

const nav = (name: string) =>
  within(screen.getByRole('navigation', { name: 'Main' })).getByRole('button', { name })

const rowStatus = (n: number) =>
  document.querySelector<HTMLElement>(`[role="row"][data-row="${n}"]`)?.dataset.status

/**
 * The answers to `method` from here on, settled or not. A test that asserts something did NOT
 * happen after an answer waits for the answer itself, not for the call to have been made.
 */
function answersTo(api: FakeApi, method: 'invite.batches'): Promise<unknown>[] {
  const answers: Promise<unknown>[] = []
  const call = api.call.bind(api)
  api.call = ((m, input) => {
    const answer = call(m, input)
    if (m === method) answers.push(answer.catch(() => undefined))
    return answer
  }) as typeof api.call
  return answers
}

describe('dropping a file on the window', () => {
  it('opens the Invite screen with the file dropped on the Workers screen', async () => {
    const api = syncedApi()
    renderWithApi(api, <App />)
    await screen.findByRole('grid', { name: 'Workers' })
    const file = new File(['Phone,Name\n0711000101,Amina\n0711000102,Baraka\n'], 'team.csv', {
      type: 'text/csv'
    })

    fireEvent.dragEnter(document.body, fileTransfer(file))
    expect(screen.getByText('Drop the file to read its numbers on the Invite screen')).toBeTruthy()
    fireEvent.dragOver(document.body, fileTransfer(file))
    fireEvent.drop(document.body, fileTransfer(file))

    expect(screen.queryByText(/Drop the file to read its numbers/)).toBeNull()
    expect(nav('Invite').getAttribute('aria-current')).toBe('page')
    await waitFor(() => expect(screen.getByTestId('source-bar').textContent).toMatch(/team\.csv/))
    await waitFor(() =>
      expect(document.querySelector<HTMLElement>('[role="row"][data-row="3"]')?.dataset.status).toBe('ready')
    )
    expect(api.callsOf('invite.lookup')[0]!.digits.sort()).toEqual(['254711000101', '254711000102'])
  })

  it('reads a file dropped on History too, and reads it only once when coming back to Invite', async () => {
    const api = syncedApi()
    renderWithApi(api, <App />)
    fireEvent.click(await screen.findByRole('button', { name: 'History' }))
    await screen.findByRole('heading', { name: 'No invitations sent yet' })
    const file = new File(['0711000201\n'], 'one.txt', { type: 'text/plain' })
    fireEvent.drop(document.body, fileTransfer(file))
    await waitFor(() => expect(screen.getByTestId('source-bar').textContent).toMatch(/one\.txt/))
    await waitFor(() => expect(api.callsOf('invite.lookup')).toHaveLength(1))

    await waitFor(() => expect(rowStatus(1)).toBe('ready'))

    fireEvent.click(nav('Workers'))
    fireEvent.click(nav('Invite'))
    await waitFor(() => expect(screen.getByTestId('source-bar').textContent).toMatch(/one\.txt/))
    // Reading it again would start at once (a busy overlay, rows checked again): the kept list is
    // shown idle, with its verdict, and was looked up once.
    await waitFor(() => expect(rowStatus(1)).toBe('ready'))
    expect(document.querySelector('.ibusy')).toBeNull()
    expect(api.callsOf('invite.lookup')).toHaveLength(1)
  })

  it('ignores files dropped before any project is saved', async () => {
    const api = createFakeApi()
    renderWithApi(api, <App />)
    await screen.findByRole('heading', { name: 'Connect to CommCare HQ' })
    const file = new File(['0711000201\n'], 'one.txt', { type: 'text/plain' })
    fireEvent.dragEnter(document.body, fileTransfer(file))
    expect(screen.queryByText(/Drop the file/)).toBeNull()
    const dropped = fireEvent.drop(document.body, fileTransfer(file))
    // Swallowed (the browser would otherwise open the file in place of the app), and nothing read.
    expect(dropped).toBe(false)
    expect(screen.getByRole('heading', { name: 'Connect to CommCare HQ' })).toBeTruthy()
  })
})

describe('batches waiting to be sent', () => {
  it('says at startup that a stopped batch waits, and leads to History where only Send now sends it', async () => {
    const api = syncedApi({ batches: { p1: [makeBatch(3), makeBatch(2, { state: 'done', error: null })] } })
    renderWithApi(api, <App />)
    const banner = await screen.findByRole('region', { name: 'Invitations waiting' })
    expect(banner.textContent).toMatch(/1 batch is waiting to be sent/)
    expect(banner.textContent).toMatch(/3 numbers/)
    expect(api.callsOf('invite.send')).toEqual([])

    fireEvent.click(within(banner).getByRole('button', { name: 'Review' }))
    expect(nav('History').getAttribute('aria-current')).toBe('page')
    const batches = await screen.findByRole('listbox', { name: 'Batches' })
    const selected = await within(batches).findByRole('option', { selected: true })
    expect(selected.textContent).toMatch(/Batch 3/)
    const detail = screen.getByTestId('batch-detail')
    expect(detail.textContent).toMatch(/Queued — will send when you confirm/)
    expect(api.callsOf('invite.send')).toEqual([])

    fireEvent.click(within(detail).getByRole('button', { name: 'Send now' }))
    await waitFor(() => expect(api.callsOf('invite.send')).toEqual([{ batchId: 3, confirmOffline: true }]))
    act(() =>
      api.emit('invite.progress', {
        batchId: 3,
        state: 'done',
        counts: { ...makeBatch(3).counts, queued: 0, success: 5 },
        total: 5
      })
    )
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Invitations waiting' })).toBeNull())
  })

  it('looks again when HQ is reachable after being offline', async () => {
    const api = syncedApi()
    renderWithApi(api, <App />)
    await screen.findByRole('grid', { name: 'Workers' })
    await waitFor(() => expect(api.callsOf('invite.batches')).toHaveLength(1))
    expect(screen.queryByRole('region', { name: 'Invitations waiting' })).toBeNull()

    act(() => api.emit('connectivity', { projectId: 'p1', state: 'offline', until: null, message: null }))
    // Sent while offline: the core stopped it with its numbers still queued.
    api.state.batches.p1 = [makeBatch(1), makeBatch(2, { state: 'queued', error: null })]
    expect(screen.queryByRole('region', { name: 'Invitations waiting' })).toBeNull()
    act(() => api.emit('connectivity', { projectId: 'p1', state: 'online', until: null, message: null }))
    const banner = await screen.findByRole('region', { name: 'Invitations waiting' })
    expect(banner.textContent).toMatch(/2 batches are waiting to be sent \(6 numbers\)/)
    expect(api.callsOf('invite.send')).toEqual([])

    // "Later" hides it until the next time HQ comes back.
    fireEvent.click(within(banner).getByRole('button', { name: 'Remind me later' }))
    expect(screen.queryByRole('region', { name: 'Invitations waiting' })).toBeNull()
    act(() => api.emit('connectivity', { projectId: 'p1', state: 'offline', until: null, message: null }))
    act(() => api.emit('connectivity', { projectId: 'p1', state: 'online', until: null, message: null }))
    expect(await screen.findByRole('region', { name: 'Invitations waiting' })).toBeTruthy()
  })

  it('says nothing about batches that were sent or wait for a decision on unknown outcomes', async () => {
    const api = syncedApi({
      batches: {
        p1: [
          makeBatch(1, { state: 'done', error: null }),
          makeBatch(2, {
            state: 'needs-attention',
            counts: { ...makeBatch(2).counts, queued: 0, unknown: 3 }
          }),
          makeBatch(3, { state: 'sending', error: null })
        ]
      }
    })
    const answers = answersTo(api, 'invite.batches')
    renderWithApi(api, <App />)
    await screen.findByRole('grid', { name: 'Workers' })
    await waitFor(() => expect(answers).toHaveLength(1))
    // The answer has arrived and been applied: only then does "no banner" mean anything.
    await act(async () => {
      await Promise.all(answers)
    })
    expect(screen.queryByRole('region', { name: 'Invitations waiting' })).toBeNull()
  })
})
