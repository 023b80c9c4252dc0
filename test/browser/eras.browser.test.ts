import { afterEach, describe, expect, it } from 'vitest'
import { startApp, waitForText, type App } from './harness'

/**
 * Test connection against today's HQ (2026: SMS self-registration retired, accounts created by
 * upload or by user/v1) and an old one (2019: SMS self-registration only). Each answer is saved as
 * a screenshot, test-results/connect-era-<era>.png.
 */
const ERAS = [
  {
    era: '2026',
    message:
      /^This HQ no longer has SMS self-registration \(retired in 2020\)\. Roster will create the accounts and HQ will text each worker a link to confirm\./,
    channel: 'Account + confirmation SMS',
    checks: [
      [false, /^SMS self-registration: This HQ no longer has SMS self-registration/],
      [true, /^Account \+ confirmation SMS: Can create mobile workers/],
      [true, /^Account \+ confirmation e-mail: Can create mobile workers .* confirms by e-mail/]
    ]
  },
  {
    era: '2019',
    message: /^This HQ still has SMS self-registration/,
    channel: 'SMS self-registration',
    checks: [
      [true, /^SMS self-registration: Can send SMS self-registration invitations/],
      [false, /^Account \+ confirmation SMS: This HQ is older than 2024/],
      [false, /^Account \+ confirmation e-mail: This HQ is older than 2024/]
    ]
  }
] as const

describe('Test connection says which HQ this is and what it allows', () => {
  let app: App | undefined
  afterEach(async () => {
    await app?.close()
    app = undefined
  })

  for (const { era, message, channel, checks } of ERAS) {
    it(`era ${era}: the message first, then each check, shown in a screenshot`, async () => {
      // Tall enough for the whole answer in the screenshot.
      app = await startApp({ users: 30, era, viewport: { width: 1360, height: 1240 } })
      const { page, sim } = app
      await page.getByRole('heading', { name: 'Connect to CommCare HQ' }).waitFor()
      await page.getByLabel('Server', { exact: true }).selectOption('custom')
      await page.getByLabel('Server address').fill(sim.url)
      await page.getByLabel('Project space').fill(sim.domain)
      await page.getByLabel('Username').fill(sim.credentials.username)
      await page.getByLabel('API key').fill(sim.credentials.apiKey)
      await page.getByRole('button', { name: 'Test connection' }).click()

      const answer = page.locator('.test-result')
      const headline = await waitForText(answer.locator('.test-headline'), message)
      expect(headline).toMatch(message)
      expect(await answer.locator('.test-channel').textContent()).toBe(
        `Automatic invitations go out by ${channel}.`
      )
      const items = answer.locator('li.check')
      expect(await items.count()).toBe(4)
      expect(await items.nth(0).textContent()).toMatch(/^Worker list: Can read the mobile worker list/)
      for (const [i, [ok, text]] of checks.entries()) {
        const item = items.nth(i + 1)
        expect(await item.textContent()).toMatch(text)
        expect(await item.getAttribute('class')).toContain(ok ? 'check-ok' : 'check-bad')
      }
      // The channel choice offers automatic with what it means on this server.
      expect(await page.getByLabel('Invitations go out by').locator('option').first().textContent()).toBe(
        `Automatic (now ${channel})`
      )
      await app.screenshot(`connect-era-${era}`)

      // Saved, the project keeps what its server offers and shows it on Projects.
      await page.getByRole('button', { name: 'Save project' }).click()
      await page.getByRole('heading', { name: 'Sync to download the roster' }).waitFor()
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Projects' }).click()
      const item = page.getByRole('listitem', { name: sim.domain })
      await waitForText(
        item.locator('.project-channel'),
        new RegExp(`^Invitations: ${channel.replace(/\+/g, '\\+')} \\(automatic\\)$`)
      )
      expect(await item.locator('.project-probe').textContent()).toMatch(message)
      await app.screenshot(`projects-era-${era}`)
    })
  }
})
