/**
 * Automatic updates (electron-updater, from the feed set in electron-builder.yml): checked at
 * start and then once a day, never in development. An update downloads in the background and
 * installs when Roster quits; once it is ready the coordinator gets a quiet "restart to update"
 * notice. Nothing here imports Electron: index.ts hands in electron-updater's autoUpdater, and the
 * tests a fake one.
 */

/** What of electron-updater's AppUpdater this module uses. */
export interface UpdaterLike {
  autoDownload: boolean
  autoInstallOnAppQuit: boolean
  logger: UpdaterLogger | null
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown
  on(event: 'error', listener: (error: Error, message?: string) => void): unknown
  checkForUpdates(): Promise<{ isUpdateAvailable: boolean; updateInfo: { version: string } } | null>
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void
}

interface UpdaterLogger {
  info(message?: unknown): void
  warn(message?: unknown): void
  error(message?: unknown): void
  debug?(message: string): void
}

/** What a check found, for the "Check for updates" menu item to report. */
export type CheckOutcome =
  | { kind: 'development' }
  | { kind: 'up-to-date' }
  | { kind: 'downloading'; version: string }
  | { kind: 'ready'; version: string }
  | { kind: 'failed'; message: string }

export interface Updates {
  /** Checks now (the menu item), or joins the check already under way. Never throws. */
  check(): Promise<CheckOutcome>
  /** The version downloaded and waiting for a restart, if any. */
  ready(): string | null
  /** Quits, installs the downloaded update and starts Roster again. */
  restartToUpdate(): void
  stop(): void
}

export const CHECK_EVERY_MS = 24 * 60 * 60 * 1000
/**
 * How often the clock is looked at. A laptop sleeps most nights, and a timer does not count time
 * asleep: waking hourly and comparing the wall clock keeps "daily" daily.
 */
export const WAKE_EVERY_MS = 60 * 60 * 1000

export function startUpdates(opts: {
  updater: UpdaterLike
  /** app.isPackaged: false under `npm run dev`, where there is no feed and nothing to replace. */
  isPackaged: boolean
  log: (message: string) => void
  /** An update has downloaded: show the notice (once per version). */
  onReady: (version: string) => void
  now?: () => number
  checkEveryMs?: number
  wakeEveryMs?: number
}): Updates {
  const { updater, log } = opts
  if (!opts.isPackaged) {
    log('updates: not checked in development')
    return {
      check: async () => ({ kind: 'development' }),
      ready: () => null,
      restartToUpdate: () => {},
      stop: () => {}
    }
  }

  const now = opts.now ?? Date.now
  const every = opts.checkEveryMs ?? CHECK_EVERY_MS
  let readyVersion: string | null = null
  let lastCheck = -Infinity
  let inFlight: Promise<CheckOutcome> | null = null
  // electron-updater both emits 'error' and rejects the check: each failure is logged once.
  let lastLogged: unknown = null

  updater.autoDownload = true
  updater.autoInstallOnAppQuit = true
  updater.logger = {
    info: (message) => log(`updates: ${String(message)}`),
    warn: (message) => log(`updates: ${String(message)}`),
    error: (message) => log(`updates: ${String(message)}`)
  }
  // Without an 'error' listener an EventEmitter throws: a failed download would take the app down.
  updater.on('error', (error) => {
    lastLogged = error
    log(`updates: failed: ${describeError(error)}`)
  })
  updater.on('update-downloaded', ({ version }) => {
    if (version === readyVersion) return
    readyVersion = version
    log(`updates: ${version} downloaded; it installs when Roster restarts`)
    opts.onReady(version)
  })

  const check = (): Promise<CheckOutcome> => {
    if (inFlight) return inFlight
    lastCheck = now()
    inFlight = (async (): Promise<CheckOutcome> => {
      try {
        const result = await updater.checkForUpdates()
        if (readyVersion !== null && (!result || result.updateInfo.version === readyVersion)) {
          return { kind: 'ready', version: readyVersion }
        }
        if (result?.isUpdateAvailable) return { kind: 'downloading', version: result.updateInfo.version }
        return readyVersion !== null ? { kind: 'ready', version: readyVersion } : { kind: 'up-to-date' }
      } catch (error) {
        if (error !== lastLogged) log(`updates: failed: ${describeError(error)}`)
        return { kind: 'failed', message: describeError(error) }
      } finally {
        inFlight = null
      }
    })()
    return inFlight
  }

  void check()
  const timer = setInterval(() => {
    if (now() - lastCheck >= every) void check()
  }, opts.wakeEveryMs ?? WAKE_EVERY_MS)
  timer.unref?.()

  return {
    check,
    ready: () => readyVersion,
    restartToUpdate() {
      if (readyVersion === null) return
      log(`updates: restarting to install ${readyVersion}`)
      // Not silent: an install for every user of the computer may need the administrator's approval.
      updater.quitAndInstall(false, true)
    },
    stop: () => clearInterval(timer)
  }
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  // electron-updater quotes whole HTTP responses; the first line says what went wrong.
  return message.split('\n')[0]!.slice(0, 300)
}

/** A message box, as Electron's dialog.showMessageBox takes it; resolves to the button clicked. */
export type ShowBox = (box: {
  type: 'info' | 'warning'
  message: string
  detail?: string
  buttons: string[]
  defaultId: number
  cancelId: number
}) => Promise<number>

/** "Check for updates" in the menu: checks, says what it found, and offers the restart when one is ready. */
export async function checkFromMenu(updates: Updates, show: ShowBox, currentVersion: string): Promise<void> {
  const outcome = await updates.check()
  const ok = { buttons: ['OK'], defaultId: 0, cancelId: 0 }
  switch (outcome.kind) {
    case 'development':
      await show({
        type: 'info',
        message: 'Updates are checked only in an installed copy of Roster.',
        ...ok
      })
      return
    case 'up-to-date':
      await show({ type: 'info', message: `Roster ${currentVersion} is the latest version.`, ...ok })
      return
    case 'downloading':
      await show({
        type: 'info',
        message: `Roster ${outcome.version} is downloading.`,
        detail: 'You can keep working: Roster says when it is ready to install.',
        ...ok
      })
      return
    case 'failed':
      await show({
        type: 'warning',
        message: 'Roster could not check for updates.',
        detail: `${outcome.message}\n\nRoster tries again tomorrow. Your work is not affected.`,
        ...ok
      })
      return
    case 'ready': {
      const choice = await show({
        type: 'info',
        message: `Roster ${outcome.version} is ready to install.`,
        detail: 'Restart Roster to update. Otherwise it installs the next time you quit Roster.',
        buttons: ['Restart now', 'Later'],
        defaultId: 0,
        cancelId: 1
      })
      if (choice === 0) updates.restartToUpdate()
    }
  }
}
