import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POLL, startApp, waitForAttr, waitForText, type App } from './harness'

/**
 * The Invite screen on today's HQ (era 2026): the project was never tested, so the screen asks the
 * server itself and finds accounts with a confirmation SMS; a pasted list with names gets usernames
 * made from them; a number already a worker's is refused; two accounts go out in one upload.
 */
describe('inviting workers as accounts from the Invite screen', () => {
  let app: App
  let registered: string
  const row = (n: number) => app.page.locator(`[role="row"][data-row="${n}"]`)
  const cell = (n: number, col: string) => row(n).locator(`[data-col="${col}"]`)

  beforeAll(async () => {
    app = await startApp({ users: 40, era: '2026', uploadDelayMs: 200 })
    const projectId = await app.connect()
    await app.syncNow(projectId)
    registered = app.sim
      .activeWorkers()
      .flatMap((w) => w.phone_numbers)
      .map((p) => p.replace('+', ''))
      .find((p) => /^2547\d{8}$/.test(p))!
    await app.page.reload()
    await app.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Invite' }).click()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('finds by itself how this HQ invites workers, and says so', async () => {
    const panel = app.page.getByTestId('channel').first()
    await waitForText(panel, /Account \+ confirmation SMS/)
    await waitForText(panel, /no longer has SMS self-registration/)
  })

  it('makes usernames from the names, refuses a number the roster already has, and shows HQ’s own SMS', async () => {
    const { page } = app
    await page
      .getByLabel(/Paste cells/)
      .fill(
        `First name\tLast name\tPhone\nAmina\tOtieno\t0711 000 801\nBaraka\tMwangi\t0711 000 802\nZawadi\tNjeri\t+${registered}\n`
      )
    await page.getByRole('button', { name: 'Read pasted cells' }).click()
    await waitForAttr(row(2), 'data-status', 'ready')
    await waitForAttr(row(3), 'data-status', 'ready')
    await waitForAttr(row(4), 'data-status', 'error')
    await waitForText(cell(2, 'username'), /^amina\.otieno$/)
    await waitForText(cell(3, 'username'), /^baraka\.mwangi$/)
    await waitForText(page.getByTestId('hq-sms-preview'), /To confirm your account/)
    expect(await page.getByLabel('Message').count()).toBe(0)
    await app.screenshot('invite-accounts-grid')
  })

  it('sends the two accounts through one upload and shows them created', async () => {
    const { page } = app
    await page.getByRole('button', { name: /^Send 2 invitations/ }).click()
    await app.screenshot('invite-accounts-confirm')
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /^Send 2 invitations/ })
      .click()
    await expect
      .poll(() => app.sim.createdAccounts.map((a) => a.username.split('@')[0]).sort(), POLL)
      .toEqual(['amina.otieno', 'baraka.mwangi'])
    expect(app.sim.uploads).toHaveLength(1)
    await waitForAttr(row(2), 'data-status', 'success', 30_000)
    await waitForAttr(row(3), 'data-status', 'success', 30_000)
    expect(app.sim.confirmationSms.map((s) => s.to).sort()).toEqual(['254711000801', '254711000802'])
    await app.screenshot('invite-accounts-sent')
  })
})
