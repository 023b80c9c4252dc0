import { EventEmitter } from 'node:events'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  CHECK_EVERY_MS,
  checkFromMenu,
  startUpdates,
  WAKE_EVERY_MS,
  type ShowBox,
  type UpdaterLike,
  type Updates
} from './updates'

type CheckResult = Awaited<ReturnType<UpdaterLike['checkForUpdates']>>

/**
 * electron-updater's autoUpdater as far as Roster uses it: an EventEmitter whose checks answer
 * what the test queues, and which, like the real one, emits 'error' and rejects on a failure.
 */
class FakeUpdater extends EventEmitter implements UpdaterLike {
  autoDownload = false
  autoInstallOnAppQuit = false
  logger: UpdaterLike['logger'] = null
  checks = 0
  installs: [boolean | undefined, boolean | undefined][] = []
  private answers: (() => Promise<CheckResult>)[] = []

  answer(next: () => Promise<CheckResult>): void {
    this.answers.push(next)
  }
  upToDate(version = '0.1.0'): void {
    this.answer(async () => ({ isUpdateAvailable: false, updateInfo: { version } }))
  }
  /** HQ's feed offers `version`; the download finishes a moment after the check answers. */
  offers(version: string): void {
    this.answer(async () => {
      setTimeout(() => this.emit('update-downloaded', { version }), 10)
      return { isUpdateAvailable: true, updateInfo: { version } }
    })
  }
  fails(message: string): void {
    this.answer(async () => {
      const error = new Error(message)
      this.emit('error', error)
      throw error
    })
  }
  checkForUpdates(): Promise<CheckResult> {
    this.checks++
    const next = this.answers.shift()
    return next ? next() : Promise.resolve({ isUpdateAvailable: false, updateInfo: { version: '0.1.0' } })
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push([isSilent, isForceRunAfter])
  }
}

let running: Updates | null = null
afterEach(() => {
  running?.stop()
  running = null
  vi.useRealTimers()
})

function start(opts: { isPackaged?: boolean; now?: () => number } = {}) {
  const updater = new FakeUpdater()
  const logs: string[] = []
  const ready: string[] = []
  const setUp = (): Updates =>
    (running = startUpdates({
      updater,
      isPackaged: opts.isPackaged ?? true,
      log: (m) => logs.push(m),
      onReady: (v) => ready.push(v),
      ...(opts.now ? { now: opts.now } : {})
    }))
  return { updater, logs, ready, setUp }
}

describe('startUpdates', () => {
  it('never checks in development, and the menu item says updates come with an installed copy', async () => {
    const { updater, logs, setUp } = start({ isPackaged: false })
    const updates = setUp()
    expect(await updates.check()).toEqual({ kind: 'development' })
    expect(updater.checks).toBe(0)
    expect(updater.listenerCount('error')).toBe(0)
    expect(logs).toEqual(['updates: not checked in development'])
  })

  it('checks once at start, downloading in the background and installing on quit', async () => {
    const { updater, setUp } = start()
    updater.upToDate()
    setUp()
    expect(updater.checks).toBe(1)
    expect(updater.autoDownload).toBe(true)
    expect(updater.autoInstallOnAppQuit).toBe(true)
  })

  it('checks again once a day by the wall clock, waking hourly', async () => {
    vi.useFakeTimers()
    let clock = 0
    const { updater, setUp } = start({ now: () => clock })
    setUp()
    expect(updater.checks).toBe(1)
    // 23 hours: not yet.
    for (let hour = 1; hour <= 23; hour++) {
      clock += WAKE_EVERY_MS
      await vi.advanceTimersByTimeAsync(WAKE_EVERY_MS)
    }
    expect(updater.checks).toBe(1)
    clock += WAKE_EVERY_MS
    await vi.advanceTimersByTimeAsync(WAKE_EVERY_MS)
    expect(updater.checks).toBe(2)
    // A night asleep: the timer fired only once, but the wall clock moved on two days.
    clock += 2 * CHECK_EVERY_MS
    await vi.advanceTimersByTimeAsync(WAKE_EVERY_MS)
    expect(updater.checks).toBe(3)
  })

  it('shows the restart notice once an update has downloaded, once per version', async () => {
    const { updater, ready, logs, setUp } = start()
    updater.offers('0.2.0')
    const updates = setUp()
    await vi.waitFor(() => expect(ready).toEqual(['0.2.0']))
    expect(updates.ready()).toBe('0.2.0')
    expect(logs).toContain('updates: 0.2.0 downloaded; it installs when Roster restarts')
    // electron-updater announces a cached download again on the next check: no second notice.
    updater.answer(async () => {
      updater.emit('update-downloaded', { version: '0.2.0' })
      return { isUpdateAvailable: true, updateInfo: { version: '0.2.0' } }
    })
    expect(await updates.check()).toEqual({ kind: 'ready', version: '0.2.0' })
    expect(ready).toEqual(['0.2.0'])
  })

  it('logs a failed check once and never throws, leaving the app running', async () => {
    const { updater, logs, ready, setUp } = start()
    updater.fails('net::ERR_INTERNET_DISCONNECTED\n<html>long body</html>')
    const updates = setUp()
    await vi.waitFor(() => expect(logs).toContain('updates: failed: net::ERR_INTERNET_DISCONNECTED'))
    expect(logs.filter((l) => l.startsWith('updates: failed'))).toHaveLength(1)
    // A download failing later (only an 'error' event) is logged too, and nothing is thrown.
    expect(() => updater.emit('error', new Error('sha512 checksum mismatch'))).not.toThrow()
    expect(logs).toContain('updates: failed: sha512 checksum mismatch')
    updater.fails('ENOTFOUND updates.example.org')
    expect(await updates.check()).toEqual({ kind: 'failed', message: 'ENOTFOUND updates.example.org' })
    expect(ready).toEqual([])
  })

  it('logs a check that rejects without an error event too', async () => {
    const { updater, logs, setUp } = start()
    updater.answer(() => Promise.reject(new Error('feed answered 404')))
    setUp()
    await vi.waitFor(() => expect(logs).toContain('updates: failed: feed answered 404'))
  })

  it('joins a check already under way instead of starting a second one', async () => {
    const { updater, setUp } = start()
    let finish: (r: CheckResult) => void = () => {}
    updater.answer(() => new Promise((resolve) => (finish = resolve)))
    const updates = setUp()
    const fromMenu = updates.check()
    expect(updater.checks).toBe(1)
    finish({ isUpdateAvailable: false, updateInfo: { version: '0.1.0' } })
    expect(await fromMenu).toEqual({ kind: 'up-to-date' })
  })

  it('passes electron-updater’s own messages to the log', () => {
    const { updater, logs, setUp } = start()
    setUp()
    updater.logger?.info('Checking for update')
    expect(logs).toContain('updates: Checking for update')
  })

  it('restarts to update only when an update is ready, not silently, starting Roster again', async () => {
    const { updater, ready, setUp } = start()
    updater.offers('0.2.0')
    const updates = setUp()
    updates.restartToUpdate()
    expect(updater.installs).toEqual([])
    await vi.waitFor(() => expect(ready).toEqual(['0.2.0']))
    updates.restartToUpdate()
    expect(updater.installs).toEqual([[false, true]])
  })
})

describe('checkFromMenu', () => {
  function boxes(answer = 1) {
    const shown: Parameters<ShowBox>[0][] = []
    const show: ShowBox = async (box) => {
      shown.push(box)
      return answer
    }
    return { shown, show }
  }

  it('says the running version is the latest', async () => {
    const { updater, setUp } = start()
    const updates = setUp()
    await updates.check() // the check at start
    const { shown, show } = boxes()
    updater.upToDate()
    await checkFromMenu(updates, show, '0.1.0')
    expect(shown.map((b) => b.message)).toEqual(['Roster 0.1.0 is the latest version.'])
  })

  it('says a new version is downloading, then offers the restart once it is ready', async () => {
    const { updater, ready, setUp } = start()
    const updates = setUp()
    await updates.check()
    const { shown, show } = boxes(0)
    updater.offers('0.3.0')
    await checkFromMenu(updates, show, '0.1.0')
    expect(shown[0]!.message).toBe('Roster 0.3.0 is downloading.')
    await vi.waitFor(() => expect(ready).toEqual(['0.3.0']))
    updater.upToDate('0.3.0')
    await checkFromMenu(updates, show, '0.1.0')
    expect(shown[1]).toMatchObject({
      message: 'Roster 0.3.0 is ready to install.',
      buttons: ['Restart now', 'Later']
    })
    expect(updater.installs).toHaveLength(1)
  })

  it('leaves the restart for later when the coordinator says so', async () => {
    const { updater, ready, setUp } = start()
    updater.offers('0.3.0')
    const updates = setUp()
    await vi.waitFor(() => expect(ready).toEqual(['0.3.0']))
    await checkFromMenu(updates, boxes(1).show, '0.1.0')
    expect(updater.installs).toEqual([])
  })

  it('reports a failed check as a warning that costs the coordinator nothing', async () => {
    const { updater, setUp } = start()
    const updates = setUp()
    await updates.check()
    const { shown, show } = boxes()
    updater.fails('getaddrinfo ENOTFOUND updates.example.org')
    await checkFromMenu(updates, show, '0.1.0')
    expect(shown[0]).toMatchObject({ type: 'warning', message: 'Roster could not check for updates.' })
    expect(shown[0]!.detail).toContain('getaddrinfo ENOTFOUND updates.example.org')
  })

  it('explains that a development copy is not updated', async () => {
    const { setUp } = start({ isPackaged: false })
    const { shown, show } = boxes()
    await checkFromMenu(setUp(), show, '0.1.0')
    expect(shown[0]!.message).toBe('Updates are checked only in an installed copy of Roster.')
  })
})
