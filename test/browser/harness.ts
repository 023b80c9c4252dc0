/**
 * Starts the whole app as a coordinator would see it, minus Electron: the HQ simulator, the real
 * core on a temporary database, the loopback transport serving the built renderer, and Debian's
 * Chromium driven by playwright-core.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect } from 'vitest'
import { chromium, type Browser, type Locator, type Page } from 'playwright-core'
import type { ApiInput, ApiMethod, ApiOutput } from '../../src/shared/api'
import { createCore, type Core } from '../../src/main/core/core'
import { dispatch } from '../../src/main/core/dispatch'
import { MemorySecretStore } from '../../src/main/core/secrets'
import { startLoopback, type LoopbackServer } from '../../src/main/transport/loopback'
import { startSim, type Sim } from '../hq-sim'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync'
]
const ROOT = resolve(import.meta.dirname, '../..')
const RENDERER_DIR = join(ROOT, 'out/renderer')
export const RESULTS_DIR = join(ROOT, 'test-results')

export interface App {
  page: Page
  sim: Sim
  core: Core
  server: LoopbackServer
  dataDir: string
  /** Calls the core directly, as the renderer would, to set up state a test is not about. */
  api<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>>
  /** Saves the simulator's project with the right key and returns its id. */
  connect(): Promise<string>
  /** Runs a sync through the core, as the Sync button does, and waits until it finished well. */
  syncNow(projectId: string, timeoutMs?: number): Promise<void>
  /** Saves a full-page PNG under test-results/ and returns its path. */
  screenshot(name: string): Promise<string>
  /** External links the app asked to open (the loopback core records them instead of opening). */
  openedUrls: string[]
  close(): Promise<void>
}

export async function startApp(
  opts: {
    users?: number
    seed?: number
    faults?: string
    latencyMs?: number
    viewport?: { width: number; height: number }
    /** Which HQ the simulator is: today's (2026, the default) or one that still has SMS self-registration. */
    era?: '2026' | '2019'
    /** Era 2026: how long HQ takes to process an upload (the simulator's default when absent). */
    uploadDelayMs?: number
  } = {}
): Promise<App> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error('The renderer is not built: run `npm run build` before the browser tests.')
  }
  const sim = await startSim({
    users: opts.users ?? 200,
    seed: opts.seed,
    faults: opts.faults,
    latencyMs: opts.latencyMs,
    era: opts.era,
    uploadDelayMs: opts.uploadDelayMs
  })
  const dataDir = mkdtempSync(join(tmpdir(), 'roster-browser-'))
  const openedUrls: string[] = []
  const core = createCore({
    dbPath: join(dataDir, 'roster.db'),
    secrets: new MemorySecretStore(),
    openExternal: async (url) => {
      openedUrls.push(url)
    },
    transport: 'loopback',
    version: 'test',
    log: () => {},
    // The HQ simulator is plain HTTP on 127.0.0.1.
    allowHttpLoopback: true
  })
  const server = await startLoopback({
    handlers: core.handlers,
    events: core.events,
    rendererDir: RENDERER_DIR
  })
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true
  })
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1360, height: 860 },
    acceptDownloads: true,
    permissions: ['clipboard-read', 'clipboard-write']
  })
  const page = await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (error) => pageErrors.push(error.message))
  await page.goto(server.appUrl)

  const api = async <M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> => {
    const result = await dispatch(core.handlers, method, input)
    if (!result.ok) throw new Error(`${method}: ${result.error.message}`)
    return result.result as ApiOutput<M>
  }

  return {
    page,
    sim,
    core,
    server,
    dataDir,
    api,
    openedUrls,
    async connect() {
      const project = await api('projects.save', {
        server: sim.url,
        domain: sim.domain,
        username: sim.credentials.username,
        apiKey: sim.credentials.apiKey,
        defaultCountry: 'KE'
      })
      return project.id
    },
    async syncNow(projectId, timeoutMs = 60_000) {
      const { runId } = await api('sync.start', { projectId })
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const run = (await api('sync.runs', { projectId })).find((r) => r.id === runId)
        if (run?.outcome === 'ok') return
        if (run && run.outcome !== 'running') throw new Error(`the sync ended ${run.outcome}: ${run.error}`)
        if (Date.now() > deadline) throw new Error('the sync did not finish in time')
        await new Promise((r) => setTimeout(r, 200))
      }
    },
    async screenshot(name) {
      mkdirSync(RESULTS_DIR, { recursive: true })
      const path = join(RESULTS_DIR, `${name}.png`)
      await page.screenshot({ path, fullPage: false })
      return path
    },
    async close() {
      if (pageErrors.length) console.warn(`page errors: ${pageErrors.join(' | ')}`)
      await browser.close().catch(() => {})
      await server.close()
      await core.close()
      await sim.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/**
 * How long anything that depends on the machine's speed may take, for `expect.poll(fn, POLL)`
 * (whose own default, one second, is far too short on a loaded two-core machine).
 */
export const POLL = { timeout: 30_000, interval: 100 } as const

/**
 * Waits until a locator's text matches and returns it (Playwright's own expect is not used here).
 * Playwright's textContent(), getAttribute(), count() and isVisible() read once: anything that
 * updates separately from what was last waited for is read through this, waitForAttr or POLL.
 */
export async function waitForText(locator: Locator, pattern: RegExp, timeout = 30_000): Promise<string> {
  const deadline = Date.now() + timeout
  let last = ''
  for (;;) {
    // Each read waits for the element at most until the deadline, not Playwright's own 30 s.
    const left = Math.max(1, deadline - Date.now())
    last = (await locator.textContent({ timeout: left }).catch(() => '')) ?? ''
    if (pattern.test(last)) return last
    if (Date.now() > deadline) throw new Error(`waited ${timeout} ms for ${pattern}; the text was "${last}"`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Waits until an attribute of the locator's element has this value. */
export async function waitForAttr(
  locator: Locator,
  name: string,
  value: string,
  timeout = 30_000
): Promise<void> {
  await expect
    .poll(async () => locator.getAttribute(name, { timeout: 1000 }).catch(() => null), { ...POLL, timeout })
    .toBe(value)
}
