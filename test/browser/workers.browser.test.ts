import { readFile } from 'node:fs/promises'
import Papa from 'papaparse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parsePhoneNumberFromString } from 'libphonenumber-js'
import type { HqWorker } from '../hq-sim/types'
import { POLL, startApp, waitForText, type App } from './harness'

const USERS = 5000

const fmt = (n: number) => n.toLocaleString('en-US')

describe('the Workers screen on a 5,000-worker project', () => {
  let app: App
  let active: HqWorker[]
  const count = () =>
    app.page
      .getByRole('status')
      .filter({ hasText: /worker/ })
      .first()
  const grid = () => app.page.getByRole('grid', { name: 'Workers' })
  const search = () => app.page.getByRole('searchbox', { name: 'Search workers' })
  /**
   * Waits for the count of the list on screen. While a new search, filter or sort loads, the
   * previous rows stay and the count says "· searching…" after it: patterns end with $, so only
   * the count of the rows actually shown matches.
   */
  const counted = (pattern: string, timeout?: number) =>
    waitForText(count(), new RegExp(`^${pattern}$`), timeout)
  const all = () => `${fmt(active.length)} active workers`
  const someOf = () => `[\\d,]+ of ${fmt(active.length)} active workers`

  beforeAll(async () => {
    app = await startApp({ users: USERS, latencyMs: 20 })
    await app.connect()
    await app.page.reload()
    active = app.sim.activeWorkers()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('syncs the whole roster with visible progress', async () => {
    const { page } = app
    await page.getByRole('heading', { name: 'Sync to download the roster' }).waitFor()
    // How long the progress bar stays depends on the machine's speed: the page notes it the moment
    // it appears, rather than the test hoping to look while it is there.
    await page.evaluate(() => {
      const seen = window as unknown as { sawProgress?: boolean }
      seen.sawProgress = false
      const observer = new MutationObserver(() => {
        if (document.querySelector('[role="progressbar"]')) {
          seen.sawProgress = true
          observer.disconnect()
        }
      })
      observer.observe(document.body, { childList: true, subtree: true })
    })
    await page.getByRole('button', { name: 'Sync now' }).click()
    await counted(all(), 90_000)
    expect(await page.evaluate(() => (window as unknown as { sawProgress?: boolean }).sawProgress)).toBe(true)
    await waitForText(page.locator('.last-synced'), /^Last synced today \d\d:\d\d \(took .+\)$/)
    expect(await grid().getAttribute('aria-rowcount')).toBe(String(active.length + 1))
    // Only the rows in view are in the page.
    expect(await grid().getByRole('row').count()).toBeLessThan(60)
    await app.screenshot('workers')
  })

  it('finds a worker by name as you type', async () => {
    const worker = active.find((w) => w.first_name && w.last_name)!
    const name = `${worker.first_name} ${worker.last_name}`
    await search().fill(name)
    await counted(someOf())
    // The count and the rows come from separate answers: wait for the row, not just the count.
    await grid().getByRole('row').filter({ hasText: name }).first().waitFor({ timeout: 30_000 })
  })

  it('finds a worker by a phone number typed the local way', async () => {
    const worker = active.find((w) => w.phone_numbers.some((p) => p.replace('+', '').startsWith('2547')))!
    const digits = worker.phone_numbers.find((p) => p.replace('+', '').startsWith('2547'))!.replace('+', '')
    const local = parsePhoneNumberFromString(`+${digits}`)!.formatNational() // "0712 345678"
    expect(local.startsWith('0')).toBe(true)
    await search().fill(local)
    await counted(`[1-9] of ${fmt(active.length)} active workers`)
    const username = worker.username.split('@')[0]!
    await grid().getByRole('row').filter({ hasText: username }).first().waitFor()
    await search().fill('')
    await counted(all())
  })

  it('filters by group, and by a location including the ones under it', async () => {
    const { page } = app
    const group = app.sim.data.groups.find((g) => active.some((w) => w.groups.includes(g.id)))!
    const inGroup = active.filter((w) => w.groups.includes(group.id)).length
    await page.getByLabel('Group').selectOption(group.id)
    await counted(`${fmt(inGroup)} of ${fmt(active.length)} active workers`)
    await page.getByLabel('Group').selectOption('')
    await counted(all())

    const locations = app.sim.data.locations
    const parent = locations.find((l) => locations.some((c) => c.parent_location_id === l.location_id))!
    const subtree = new Set([parent.location_id])
    for (let grew = true; grew;) {
      grew = false
      for (const l of locations) {
        if (subtree.has(l.parent_location_id) && !subtree.has(l.location_id)) {
          subtree.add(l.location_id)
          grew = true
        }
      }
    }
    const under = active.filter((w) => w.locations.some((id) => subtree.has(id))).length
    await page.getByLabel('Location').selectOption(parent.location_id)
    await counted(`${fmt(under)} of ${fmt(active.length)} active workers`)
  })

  it('shows a worker in the detail pane and opens HQ pages through the core', async () => {
    const { page } = app
    await page.getByLabel('Location').selectOption('')
    await search().fill('')
    await counted(all())
    // A worker with a bit of everything; Latin-script names only, as this machine's Chromium has
    // no Ethiopic font and the screenshot would show empty boxes.
    const latin = (text: string) => /^[\p{Script=Latin}\p{N}\s\-–'’.,()]*$/u.test(text)
    const locationName = new Map(app.sim.data.locations.map((l) => [l.location_id, l.name]))
    const groupName = new Map(app.sim.data.groups.map((g) => [g.id, g.name]))
    const rich = (w: HqWorker) =>
      w.phone_numbers.length >= 2 &&
      w.groups.length > 0 &&
      w.locations.length > 0 &&
      Boolean(w.first_name) &&
      [
        w.first_name ?? '',
        w.last_name ?? '',
        ...w.locations.map((id) => locationName.get(id) ?? ''),
        ...w.groups.map((id) => groupName.get(id) ?? '')
      ].every(latin)
    const withPhone =
      active.find(rich) ?? active.find((w) => w.phone_numbers.length && w.groups.length && w.first_name)!
    const shortName = withPhone.username.split('@')[0]!
    await search().fill(shortName)
    // Click in the rows of this search, not in the previous ones still shown while it loads.
    await counted(someOf())
    // The search matches prefixes ("amina.3" finds "amina.31" too): pick the exact username.
    const row = grid()
      .getByRole('row')
      .filter({ has: page.getByRole('gridcell', { name: shortName, exact: true }) })
    await row.click()
    const pane = page.getByRole('complementary', { name: /^Details of / })
    await pane.getByRole('heading', { level: 2 }).waitFor()
    expect(await pane.getByRole('button', { name: /^Copy \+/ }).count()).toBe(withPhone.phone_numbers.length)
    expect(await pane.textContent()).toContain(groupName.get(withPhone.groups[0]!))
    await app.screenshot('worker-detail')

    await pane.getByRole('button', { name: 'Open in HQ' }).click()
    await expect.poll(() => app.openedUrls, POLL).toEqual([expect.stringContaining(`/a/${app.sim.domain}/`)])
    expect(app.openedUrls[0]).toContain(withPhone.id)

    await page.keyboard.press('Escape')
    await pane.waitFor({ state: 'detached' })
    await search().fill('')
  })

  it('sorts by a custom-field column added from the picker, both ways, with aria-sort', async () => {
    const { page } = app
    await page.getByLabel('Group').selectOption('')
    await page.getByLabel('Location').selectOption('')
    await search().fill('')
    await counted(all())
    await page.getByRole('button', { name: /^Columns/ }).click()
    await page.getByRole('checkbox', { name: 'village', exact: true }).check()
    await page.keyboard.press('Escape')
    const header = grid().getByRole('columnheader', { name: 'village', exact: true })
    expect(await header.getAttribute('aria-sort')).toBe('none')

    // Accents and case do not change the order ("Médina" sorts as "medina").
    const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
    const villages = active.map((w) => w.user_data.village).filter((v): v is string => Boolean(v))
    const ordered = [...new Set(villages)].sort((a, b) =>
      fold(a) < fold(b) ? -1 : fold(a) > fold(b) ? 1 : 0
    )
    const villageAt = (rowIndex: number) =>
      grid().locator(`[role="row"][aria-rowindex="${rowIndex}"] [role="gridcell"]`).last()

    await header.getByRole('button').click()
    await expect.poll(() => header.getAttribute('aria-sort'), POLL).toBe('ascending')
    // The header turns at once; the rows in the new order come with the next answer.
    await counted(all())
    await waitForText(villageAt(2), new RegExp(`^${ordered[0]}$`))
    const top = await Promise.all([2, 3, 4, 5, 6].map((i) => villageAt(i).textContent()))
    expect(top.map((v) => fold(v ?? ''))).toEqual([...top.map((v) => fold(v ?? ''))].sort())
    await app.screenshot('workers-sorted-by-field')

    // Descending: the rows the core gives (where blanks go is the core's rule), the last village first.
    await header.getByRole('button').click()
    await expect.poll(() => header.getAttribute('aria-sort'), POLL).toBe('descending')
    await counted(all())
    const projectId = (await app.api('projects.list', {}))[0]!.id
    const desc = await app.api('workers.query', { projectId, sort: 'data:village', dir: 'desc', limit: 1000 })
    expect(desc.rows.find((r) => r.userData.village)?.userData.village).toBe(ordered.at(-1))
    const usernameAt = (rowIndex: number) =>
      grid().locator(`[role="row"][aria-rowindex="${rowIndex}"] [role="gridcell"]`).nth(1)
    for (const [i, row] of desc.rows.slice(0, 5).entries()) {
      await waitForText(usernameAt(i + 2), new RegExp(`^${row.username.split('@')[0]!.replace('.', '\\.')}$`))
      expect(await villageAt(i + 2).textContent()).toBe(row.userData.village ?? '')
    }

    // Workers without a village come after every village.
    const without = active.filter((w) => !w.user_data.village).length
    expect(without).toBeGreaterThan(0)
    await header.getByRole('button').click()
    await expect.poll(() => header.getAttribute('aria-sort'), POLL).toBe('ascending')
    await counted(all())
    await grid().focus()
    await page.keyboard.press('End')
    // A row still loading shows empty cells too: wait for the last row itself to arrive.
    const lastRow = grid().locator(`[role="row"][aria-rowindex="${active.length + 1}"]:not(.is-loading)`)
    await lastRow.waitFor()
    expect(await lastRow.locator('[role="gridcell"]').last().textContent()).toBe('')

    // The Groups column sorts too.
    const groups = grid().getByRole('columnheader', { name: 'Groups', exact: true })
    await groups.getByRole('button').click()
    await expect.poll(() => groups.getAttribute('aria-sort'), POLL).toBe('ascending')
    expect(await header.getAttribute('aria-sort')).toBe('none')
    await page.keyboard.press('Escape')
  })

  it('exports the filtered list as CSV', async () => {
    const { page } = app
    const group = app.sim.data.groups.find((g) => active.some((w) => w.groups.includes(g.id)))!
    const inGroup = active.filter((w) => w.groups.includes(group.id))
    await page.getByLabel('Group').selectOption(group.id)
    await counted(`${fmt(inGroup.length)} of ${fmt(active.length)} active workers`)
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click()
    ])
    expect(download.suggestedFilename()).toMatch(/\.csv$/)
    const text = await readFile((await download.path())!, 'utf8')
    const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
      header: true,
      skipEmptyLines: true
    })
    expect(parsed.data).toHaveLength(inGroup.length)
    expect(new Set(parsed.data.map((r) => r['HQ id']))).toEqual(new Set(inGroup.map((w) => w.id)))
    await page.getByText(`Exported ${fmt(inGroup.length)} workers`).waitFor()
  })
})
