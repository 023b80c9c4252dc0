import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ApiProvider } from './api/context'
import { App } from './App'
import { SessionProvider, useSession } from './session'
import { createFakeApi, makeProject, makeWorker, syncRun, type FakeApi } from './test/fakeApi'
import { installDomStubs, renderWithApi } from './test/dom'

function Probe() {
  const { current, sync, startSync, cancelSync, dataVersion } = useSession()
  return (
    <div>
      <span data-testid="project">{current?.id ?? 'loading'}</span>
      <span data-testid="state">
        {sync.running ? 'running' : 'idle'}|{sync.progress?.done ?? '-'}|{dataVersion}|
        {current?.lastSync?.outcome ?? 'none'}|{sync.startError ?? ''}
      </span>
      <button onClick={() => void startSync()}>start</button>
      <button onClick={() => void cancelSync()}>cancel</button>
    </div>
  )
}

/** Long enough that no poll happens during a test that is not about polling, however slow the machine. */
const NO_POLL = 3_600_000

function renderSession(api = createFakeApi({ projects: [makeProject()] }), pollMs = NO_POLL) {
  render(
    <ApiProvider api={api}>
      <SessionProvider pollWhileSyncingMs={pollMs}>
        <Probe />
      </SessionProvider>
    </ApiProvider>
  )
  return api
}

const state = () => screen.getByTestId('state').textContent
/** Before the projects arrive there is no current project, and "start" does nothing. */
const projectLoaded = () => waitFor(() => expect(screen.getByTestId('project').textContent).toBe('p1'))
/** The core has the run (sync.start was handled): only then can the test make the core end it. */
const coreRunning = (api: FakeApi) =>
  waitFor(() => expect(api.state.projects[0]!.lastSync?.outcome).toBe('running'))

beforeEach(() => localStorage.clear())
afterEach(cleanup)

describe('the session', () => {
  it('follows a sync from start to finish through events', async () => {
    const api = renderSession()
    await projectLoaded()
    await waitFor(() => expect(state()).toBe('idle|-|0|none|'))
    act(() => screen.getByText('start').click())
    await waitFor(() => expect(state()).toBe('running|-|0|none|'))
    await coreRunning(api)
    act(() =>
      api.emit('sync.progress', {
        projectId: 'p1',
        runId: 100,
        phase: 'active',
        done: 7,
        total: 9,
        ratePerSec: null,
        etaSeconds: null
      })
    )
    expect(state()).toBe('running|7|0|none|')
    act(() => {
      api.finishSync('p1')
    })
    await waitFor(() => expect(state()).toBe('idle|-|1|ok|'))
  })

  it('notices a sync ended even when its event was lost', async () => {
    const api = renderSession(undefined, 30)
    await projectLoaded()
    await waitFor(() => expect(state()).toBe('idle|-|0|none|'))
    act(() => screen.getByText('start').click())
    await waitFor(() => expect(state()).toBe('running|-|0|running|'))
    act(() => {
      api.finishSync('p1', 'failed', 'HQ answered 500 three times.', true)
    })
    await waitFor(() => expect(state()).toBe('idle|-|1|failed|'))
  })

  it('treats a run the core reports as running as running, after a restart say', async () => {
    const running = syncRun('p1', { id: 7, outcome: 'running', endedAt: null, durationMs: null })
    renderSession(createFakeApi({ projects: [makeProject({ lastSync: running })] }))
    await waitFor(() => expect(state()).toBe('running|-|0|running|'))
  })

  it('says why a sync could not start', async () => {
    const api = createFakeApi({ projects: [makeProject()] })
    const { ApiError } = await import('../../shared/api')
    api.failNext('sync.start', new ApiError('no-key', 'No API key is saved for demo-project.'))
    renderSession(api)
    await projectLoaded()
    await waitFor(() => expect(state()).toBe('idle|-|0|none|'))
    act(() => screen.getByText('start').click())
    await waitFor(() => expect(state()).toBe('idle|-|0|none|No API key is saved for demo-project.'))
  })
})

describe('a sync the core started by itself', () => {
  it('is followed and can be cancelled like one started here', async () => {
    const api = renderSession()
    await projectLoaded()
    await waitFor(() => expect(state()).toBe('idle|-|0|none|'))
    act(() => {
      api.syncByItself('p1')
    })
    expect(state()).toBe('running|0|0|none|')
    act(() => screen.getByText('cancel').click())
    await waitFor(() => expect(state()).toBe('idle|-|1|cancelled|'))
    expect(api.callsOf('sync.start')).toEqual([])
    expect(api.callsOf('sync.cancel')).toEqual([{ projectId: 'p1' }])
  })

  it('shows on the Workers screen with its progress and its Cancel button', async () => {
    installDomStubs()
    const good = syncRun('p1', { workers: 2 })
    const api = createFakeApi({
      projects: [makeProject({ lastGoodSync: good, lastSync: good })],
      workers: [makeWorker(1), makeWorker(2)]
    })
    renderWithApi(api, <App />)
    await screen.findByRole('grid', { name: 'Workers' })
    act(() => {
      api.syncByItself('p1')
    })
    const panel = await screen.findByRole('group', { name: 'Sync progress' })
    expect(within(panel).getByRole('progressbar').getAttribute('aria-valuetext')).toBe('Reading groups')
    expect(screen.getByRole('button', { name: 'Syncing…' })).toHaveProperty('disabled', true)

    fireEvent.click(within(panel).getByRole('button', { name: 'Cancel' }))
    expect(await screen.findByText(/^Sync cancelled/)).toBeTruthy()
    expect(screen.queryByRole('group', { name: 'Sync progress' })).toBeNull()
    expect(api.callsOf('sync.cancel')).toEqual([{ projectId: 'p1' }])
  })
})
