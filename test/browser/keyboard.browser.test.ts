import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POLL, startApp, waitForAttr, waitForText, type App } from './harness'

/** What has the focus, as a screen reader would name it. */
interface Focused {
  tag: string
  role: string
  name: string
  /** The element shows that it has the focus (an outline or a ring), or the box it sits in does. */
  visible: boolean
}

/**
 * The whole journey with the keyboard alone: connect, sync, search, open a worker, import a file,
 * fix a row, send, and find the batch in History. Only page.keyboard moves and acts (Tab,
 * Shift+Tab, Enter, Space, arrows, typing); the file comes through the file chooser the focused
 * button opens, as an OS dialog cannot be driven. Every stop Tab makes must show its focus.
 */
describe('a coordinator with only a keyboard', () => {
  let app: App
  /** Tab stops whose focus could not be seen. */
  const unseen = new Set<string>()

  const focused = (): Promise<Focused> =>
    app.page.evaluate(async () => {
      const el = document.activeElement as HTMLElement | null
      if (!el || el === document.body) return { tag: 'body', role: '', name: '', visible: false }
      // The ring fades in (a CSS transition): read it once it is there. Only transitions (a
      // spinner's animation never finishes), and a second at most.
      const fading = document.getAnimations().filter((a) => a instanceof CSSTransition)
      await Promise.race([
        Promise.all(fading.map((a) => a.finished.catch(() => undefined))),
        new Promise((resolve) => setTimeout(resolve, 1000))
      ])
      const label = (el as HTMLInputElement).labels?.[0]?.textContent
      const labelledBy = el.getAttribute('aria-labelledby')
      const name =
        el.getAttribute('aria-label') ??
        (labelledBy ? document.getElementById(labelledBy)?.textContent : null) ??
        label ??
        el.textContent ??
        ''
      const shows = (node: Element) => {
        const style = getComputedStyle(node)
        const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
        // A focus ring is a shadow with a spread and no blur ("… 0px 0px 0px 3px"), unlike a drop shadow.
        return outline || /0px 0px 0px [1-9]/.test(style.boxShadow)
      }
      // Some controls draw their ring on the box around them (a segmented choice, the table's frame).
      let visible = shows(el)
      for (let up = el.parentElement, i = 0; !visible && up && i < 3; up = up.parentElement, i++) {
        visible = up.matches(':has(:focus-visible)') && shows(up)
      }
      return {
        tag: el.tagName.toLowerCase(),
        role: el.getAttribute('role') ?? '',
        name: name.trim().replace(/\s+/g, ' '),
        visible
      }
    })

  /** Presses Tab (or Shift+Tab) until the focused element's name matches; fails with the path taken. */
  async function tabTo(name: RegExp, opts: { back?: boolean; max?: number } = {}): Promise<Focused> {
    const path: string[] = []
    for (let i = 0; i < (opts.max ?? 80); i++) {
      await app.page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab')
      const now = await focused()
      path.push(`${now.tag}${now.role ? `[${now.role}]` : ''} "${now.name.slice(0, 40)}"`)
      if (now.tag !== 'body' && !now.visible) unseen.add(path.at(-1)!)
      if (name.test(now.name)) return now
    }
    throw new Error(`Tab never reached ${name}. It went: ${path.join(' → ')}`)
  }

  const activeCell = () =>
    app.page.evaluate(() => {
      const grid = document.querySelector('[role="grid"][aria-label="Numbers to invite"]')
      const id = grid?.getAttribute('aria-activedescendant')
      const cell = id ? document.getElementById(id) : null
      return {
        row: Number(cell?.closest('[role="row"]')?.getAttribute('data-row') ?? -1),
        col: cell?.getAttribute('data-col') ?? ''
      }
    })

  beforeAll(async () => {
    app = await startApp({ users: 40, era: '2019' })
  })
  afterAll(async () => {
    await app?.close()
  })

  it('connects: fills the Projects form, tests the connection and saves', async () => {
    const { page, sim } = app
    const { keyboard } = page
    await page.getByRole('heading', { name: 'Connect to CommCare HQ' }).waitFor()

    // The first stop skips the sidebar: Enter puts the focus on the screen, the form next.
    expect((await tabTo(/./, { max: 1 })).name).toBe('Skip to the screen’s content')
    await keyboard.press('Enter')
    expect((await focused()).tag).toBe('main')
    await tabTo(/^Server$/, { max: 1 })
    // A closed <select> changes with the arrows; the last choice is "Another server…".
    await keyboard.press('End')
    await page.getByLabel('Server address').waitFor()
    await tabTo(/^Server address$/)
    await keyboard.type(sim.url)
    await tabTo(/^Project space$/)
    await keyboard.type(sim.domain)
    await tabTo(/^Username$/)
    await keyboard.type(sim.credentials.username)
    await tabTo(/^API key$/)
    await keyboard.type(sim.credentials.apiKey)
    await tabTo(/^Default country/)
    await keyboard.type('Kenya')
    expect(await page.getByLabel('Default country').inputValue()).toBe('KE')

    await tabTo(/^Test connection$/)
    await keyboard.press('Enter')
    await waitForText(page.locator('.test-result .test-headline'), /SMS self-registration/)
    await tabTo(/^Save project$/)
    await keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Sync to download the roster' }).waitFor()
    const [project] = await app.api('projects.list', {})
    expect(project).toMatchObject({ domain: sim.domain, defaultCountry: 'KE' })
  })

  it('syncs, searches and opens a worker', async () => {
    const { page, sim } = app
    const { keyboard } = page
    await tabTo(/^Sync now$/)
    await keyboard.press('Enter')
    const count = page
      .getByRole('status')
      .filter({ hasText: /active workers/ })
      .first()
    await waitForText(count, new RegExp(`^${sim.activeWorkers().length} active workers$`), 60_000)

    const worker = sim.activeWorkers().find((w) => w.first_name && w.last_name)!
    const username = worker.username.split('@')[0]!
    await tabTo(/^Search workers$/)
    await keyboard.type(username)
    await waitForText(count, /^\d+ of \d+ active workers$/)
    // Down from the search box goes into the table; Enter opens the selected worker.
    await keyboard.press('ArrowDown')
    expect((await focused()).role).toBe('grid')
    const pane = page.getByRole('complementary', { name: /^Details of / })
    // The search matches prefixes: walk down to the exact username.
    for (let i = 0; i < 10; i++) {
      await keyboard.press('Enter')
      await pane.getByRole('heading', { level: 2 }).waitFor()
      if ((await pane.textContent())?.includes(worker.username)) break
      await keyboard.press('ArrowDown')
    }
    expect(await pane.textContent()).toContain(worker.username)
    await keyboard.press('Escape')
    await pane.waitFor({ state: 'detached' })
  })

  it('imports a file, fixes the wrong number in the grid and sends the list', async () => {
    const { page } = app
    const { keyboard } = page
    await tabTo(/^Invite$/, { back: true })
    await keyboard.press('Enter')
    // Listening first turns on Playwright's interception of the chooser before the key is pressed.
    const chooser = page.waitForEvent('filechooser')
    await tabTo(/^Choose a file…$/)
    await keyboard.press('Enter')
    await (
      await chooser
    ).setFiles({
      name: 'team.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Phone,Name\n0711 000 401,Amina\n0722,Baraka\n0711 000 403,Chiara\n', 'utf8')
    })
    const row = (n: number) => page.locator(`[role="row"][data-row="${n}"]`)
    await waitForAttr(row(3), 'data-status', 'error')
    await page.locator('.ibusy').waitFor({ state: 'detached' })

    await tabTo(/^Numbers to invite$/)
    await keyboard.press('Control+Home')
    for (let i = 0; i < 5 && (await activeCell()).row !== 3; i++) await keyboard.press('ArrowDown')
    for (let i = 0; i < 10 && (await activeCell()).col !== 'phone'; i++) await keyboard.press('ArrowRight')
    expect(await activeCell()).toEqual({ row: 3, col: 'phone' })
    await keyboard.press('Enter')
    await keyboard.press('Control+A')
    await keyboard.type('0711 000 402')
    await keyboard.press('Enter')
    await waitForAttr(row(3), 'data-status', 'ready')
    // The edit ended and the keys are the grid's again.
    expect((await focused()).role).toBe('grid')

    await tabTo(/^Send 3 invitations/)
    await keyboard.press('Enter')
    const dialog = page.getByRole('dialog')
    await waitForText(dialog, /3 numbers/)
    // Focus starts on Cancel; Tab reaches the deliberate yes.
    expect((await focused()).name).toBe('Cancel')
    await keyboard.press('Tab')
    expect((await focused()).name).toBe('Send 3 invitations')
    await keyboard.press('Enter')
    await page.getByTestId('send-results').waitFor({ timeout: 30_000 })
    for (const n of [2, 3, 4]) await waitForAttr(row(n), 'data-status', 'success')
    // The Send button is gone: focus went to the results, not to the page's body.
    await expect.poll(async () => (await focused()).name, POLL).toMatch(/^Batch 1/)
    for (const digits of ['254711000401', '254711000402', '254711000403']) {
      expect(app.sim.invitations.has(digits)).toBe(true)
    }
  })

  it('sees the result in History', async () => {
    const { page } = app
    await tabTo(/^History$/, { back: true })
    await page.keyboard.press('Enter')
    await tabTo(/^Batch 1/)
    const batch = page.getByRole('option', { name: /Batch 1/ })
    await waitForText(batch, /3 invited/)
    await waitForText(page.getByTestId('batch-detail'), /3 numbers shown/)
    expect(unseen, 'every Tab stop shows its focus').toEqual(new Set())
  })
})
