import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { startApp, type App } from './harness'

/** Fills the Connect form for the simulator's project with the given account. */
async function fillConnectForm(page: Page, app: App, account: { username: string; apiKey: string }) {
  await page.getByLabel('Server', { exact: true }).selectOption('custom')
  await page.getByLabel('Server address').fill(app.sim.url)
  await page.getByLabel('Project space').fill(app.sim.domain)
  await page.getByLabel('Username').fill(account.username)
  await page.getByLabel('API key').fill(account.apiKey)
}

describe('connecting to HQ', () => {
  let app: App

  beforeAll(async () => {
    // An HQ that still has SMS self-registration, which needs a permission of its own (Edit Data).
    app = await startApp({ users: 60, era: '2019' })
  })
  afterAll(async () => {
    await app?.close()
  })

  it('opens on the Connect screen the first time', async () => {
    await app.page.getByRole('heading', { name: 'Connect to CommCare HQ' }).waitFor()
    expect(await app.page.getByRole('button', { name: 'Workers' }).isDisabled()).toBe(true)
  })

  it('says plainly that HQ refused a wrong key, and does not save it', async () => {
    const { page } = app
    await fillConnectForm(page, app, { username: app.sim.credentials.username, apiKey: 'not-the-right-key' })
    await page.getByRole('button', { name: 'Test connection' }).click()
    const answer = page.getByRole('alert').filter({ hasText: 'HQ did not let Roster read this project.' })
    await answer.waitFor()
    const text = (await answer.textContent()) ?? ''
    expect(text).toMatch(/Worker list:.*key/i)
    expect(text).toContain('Invitations: not checked, for the same reason.')
    expect(text).not.toContain('not-the-right-key')

    await page.getByRole('button', { name: 'Save project' }).click()
    await page.getByText('Not saved yet.').waitFor()
    expect(await app.api('projects.list', {})).toEqual([])
  })

  it('says which part works when the key lacks a permission', async () => {
    const { page } = app
    await fillConnectForm(page, app, app.sim.accounts.workersOnly)
    await page.getByRole('button', { name: 'Test connection' }).click()
    const answer = page
      .getByRole('status')
      .filter({ hasText: 'Roster cannot invite workers on this HQ yet.' })
    await answer.waitFor()
    const text = (await answer.textContent()) ?? ''
    expect(text).toMatch(/Worker list: Can read the mobile worker list/)
    expect(text).toMatch(/SMS self-registration: .*Edit Data/i)
  })

  it('connects with the right key, saves the project and opens its roster', async () => {
    const { page } = app
    await fillConnectForm(page, app, app.sim.credentials)
    await page.getByLabel('Default country').selectOption('KE')
    await page.getByRole('button', { name: 'Test connection' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: 'This HQ still has SMS self-registration' })
      .filter({ hasText: 'Automatic invitations go out by SMS self-registration.' })
      .waitFor()
    await app.screenshot('connect')

    await page.getByRole('button', { name: 'Save project' }).click()
    await page.getByRole('heading', { name: 'Sync to download the roster' }).waitFor()
    const [saved] = await app.api('projects.list', {})
    expect(saved).toMatchObject({
      domain: app.sim.domain,
      username: app.sim.credentials.username,
      hasKey: true
    })

    // The renderer remembers which project was open, and nothing secret.
    const stored = String(await page.evaluate('JSON.stringify({ ...localStorage })'))
    expect(stored).toContain(saved!.id)
    expect(stored).not.toContain(app.sim.credentials.apiKey)

    await page.reload()
    await page.getByRole('heading', { name: 'Sync to download the roster' }).waitFor()
    expect(await page.getByLabel('Project', { exact: true }).inputValue()).toBe(saved!.id)
  })
})
