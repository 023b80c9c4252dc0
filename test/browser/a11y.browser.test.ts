import { afterAll, afterEach, beforeAll, describe, it } from 'vitest'
import { expectNoAxeViolations } from './axe'
import { startApp, waitForAttr, waitForText, type App } from './harness'

/**
 * axe-core (WCAG 2.0/2.1 A and AA) on every screen and state a coordinator meets, in the light and
 * the dark colour scheme (the app follows the OS). Each state is also saved in dark mode as
 * test-results/dark-<state>.png.
 */
describe('every screen passes axe in light and dark', () => {
  let app: App
  let projectId: string
  const nav = (name: string) =>
    app.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true })
  const row = (n: number) => app.page.locator(`[role="row"][data-row="${n}"]`)

  /**
   * Lets colour transitions started by a scheme change finish before axe reads colours: only
   * transitions (a spinner's animation never finishes), and a second at most.
   */
  const settle = () =>
    app.page.evaluate(() =>
      Promise.race([
        Promise.all(
          document
            .getAnimations()
            .filter((a) => a instanceof CSSTransition)
            .map((a) => a.finished.catch(() => {}))
        ),
        new Promise((resolve) => setTimeout(resolve, 1000))
      ])
    )

  /**
   * What axe found in this test so far. A state with violations does not stop the walk: the next
   * states are audited too, and the test fails at its end with every list.
   */
  let failures: string[] = []

  /** Runs axe in both schemes and saves the dark screenshot. */
  async function audit(state: string): Promise<void> {
    const { page } = app
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme })
      await settle()
      if (colorScheme === 'dark') await app.screenshot(`dark-${state}`)
      await expectNoAxeViolations(page, `${state} (${colorScheme})`).catch((error: Error) =>
        failures.push(error.message)
      )
    }
    await page.emulateMedia({ colorScheme: 'light' })
  }

  beforeAll(async () => {
    // SMS self-registration: one invitation a row, answered at once, so every state is reached quickly.
    app = await startApp({ users: 60, era: '2019', viewport: { width: 1360, height: 900 } })
  })
  afterEach(() => {
    const found = failures
    failures = []
    if (found.length) throw new Error(found.join('\n\n'))
  })
  afterAll(async () => {
    await app?.close()
  })

  it('Projects, first run with nothing saved', async () => {
    await app.page.getByRole('heading', { name: 'Connect to CommCare HQ' }).waitFor()
    await audit('projects-empty')
  })

  it('Projects with a saved project and a Test connection answer', async () => {
    const { page, sim } = app
    projectId = await app.connect()
    await app.api('projects.update', { projectId, channel: 'sms-registration' })
    await page.reload()
    await nav('Projects').click()
    await page.getByRole('listitem', { name: sim.domain }).waitFor()
    await page.getByLabel('Server', { exact: true }).selectOption('custom')
    await page.getByLabel('Server address').fill(sim.url)
    await page.getByLabel('Project space').fill(sim.domain)
    await page.getByLabel('Username').fill(sim.credentials.username)
    await page.getByLabel('API key').fill(sim.credentials.apiKey)
    await page.getByRole('button', { name: 'Test connection' }).click()
    await waitForText(page.locator('.test-result .test-headline'), /SMS self-registration/)
    await audit('projects-tested')
  })

  it('Workers, synced, then with a worker’s details open', async () => {
    const { page } = app
    await nav('Workers').click()
    await page.getByRole('button', { name: 'Sync now' }).click()
    const grid = page.getByRole('grid', { name: 'Workers' })
    await waitForText(
      page
        .getByRole('status')
        .filter({ hasText: /active workers/ })
        .first(),
      /^\d+ active workers$/,
      60_000
    )
    await grid.getByRole('row').nth(1).waitFor()
    await audit('workers')

    await grid.getByRole('row').nth(1).click()
    await page
      .getByRole('complementary', { name: /^Details of / })
      .getByRole('heading', { level: 2 })
      .waitFor()
    await audit('worker-detail')
    await page.keyboard.press('Escape')
  })

  it('Invite, empty', async () => {
    const { page } = app
    await nav('Invite').click()
    await page.getByTestId('file-input').waitFor({ state: 'attached' })
    await audit('invite-empty')
  })

  it('Invite with a grid that has errors, the send dialog, and the results', async () => {
    const { page } = app
    await page.getByTestId('file-input').setInputFiles({
      name: 'workers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Phone,Name\n0711 000 301,Amina\n0722,Baraka\n0711 000 303,Chiara\n', 'utf8')
    })
    await waitForAttr(row(2), 'data-status', 'ready')
    await waitForAttr(row(3), 'data-status', 'error')
    await page.locator('.ibusy').waitFor({ state: 'detached' })
    await page.getByLabel('App').selectOption(app.sim.data.applications[0]!.id)
    await audit('invite-grid-errors')

    await page.getByRole('button', { name: /^Send 2 invitations/ }).click()
    const dialog = page.getByRole('dialog')
    await waitForText(dialog, /2 numbers/)
    await audit('invite-send-dialog')

    await dialog.getByRole('button', { name: 'Send 2 invitations' }).click()
    await page.getByTestId('send-results').waitFor({ timeout: 30_000 })
    await waitForAttr(row(2), 'data-status', 'success')
    await audit('invite-results')
  })

  it('History with the batch and its numbers', async () => {
    const { page } = app
    await nav('History').click()
    await waitForText(page.getByRole('option', { name: /Batch 1/ }), /2 invited/)
    await waitForText(page.getByTestId('batch-detail'), /2 numbers shown/)
    await audit('history')
  })
})
