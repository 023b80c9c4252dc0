import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POLL, startApp, waitForText, type App } from './harness'

/**
 * Today's HQ (era 2026) end to end: three rows go out as accounts with a confirmation SMS
 * (channel 2); History shows the accounts HQ created; one worker opens
 * HQ's link; after a sync History counts 1 registered and Workers shows the other two as
 * invited and not confirmed yet.
 */
describe('accounts with a confirmation SMS on today’s HQ', () => {
  let app: App
  let projectId: string
  const nav = (name: string) =>
    app.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name })

  beforeAll(async () => {
    app = await startApp({ users: 40, era: '2026', uploadDelayMs: 300 })
    projectId = await app.connect()
    await app.api('projects.update', { projectId, channel: 'sms-confirmation' })
    await app.syncNow(projectId)
    await app.page.reload()
    await app.page.getByRole('grid', { name: 'Workers' }).waitFor()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('sends three rows as accounts HQ texts a link to confirm, through one upload', async () => {
    // Through the core, as the Invite screen's Send does (that screen has its own browser tests).
    const { batchId } = await app.api('invite.create', {
      projectId,
      options: { channel: 'sms-confirmation' },
      rows: [
        { row: 2, e164: '+254711000701', username: 'amina.otieno', firstName: 'Amina', lastName: 'Otieno' },
        { row: 3, e164: '+254711000702', username: 'baraka.mwangi', firstName: 'Baraka', lastName: 'Mwangi' },
        {
          row: 4,
          e164: '+254711000703',
          username: 'chiara.achieng',
          firstName: 'Chiara',
          lastName: 'Achieng'
        }
      ]
    })
    expect(batchId).toBe(1)
    await app.api('invite.send', { batchId })
    // HQ processes the upload a moment later; the core looks for the accounts until they appear.
    await expect.poll(() => app.sim.createdAccounts.length, POLL).toBe(3)
    expect(app.sim.uploads).toHaveLength(1)
    expect(app.sim.confirmationSms.map((s) => s.to).sort()).toEqual([
      '254711000701',
      '254711000702',
      '254711000703'
    ])
  })

  it('shows the accounts in History, with their usernames', async () => {
    const { page } = app
    await nav('History').click()
    const batch = page.getByRole('option', { name: /Batch 1/ })
    await waitForText(batch, /Account \+ confirmation SMS/)
    await waitForText(batch, /3 accounts created→0 registered/)
    const detail = page.getByTestId('batch-detail')
    await waitForText(detail, /Username.*E-mail/)
    for (const created of app.sim.createdAccounts) {
      await waitForText(detail, new RegExp(created.username.split('@')[0]!.replace(/\./g, '\\.')))
    }
    expect(await detail.textContent()).toMatch(/Account created.*not confirmed yet/)
    await app.screenshot('history-accounts')
  })

  it('counts a worker who confirmed as registered after a sync, and shows the others as invited', async () => {
    const { page } = app
    const [first, ...others] = app.sim.createdAccounts
    app.sim.confirmAccount(first!.username)
    await app.syncNow(projectId)
    await page.reload()
    await nav('History').click()
    await waitForText(page.getByRole('option', { name: /Batch 1/ }), /3 accounts created→1 registered/)

    await nav('Workers').click()
    const grid = page.getByRole('grid', { name: 'Workers' })
    await grid.waitFor()
    await page.locator('.segment', { hasText: /^All$/ }).click()
    for (const account of others) {
      const local = account.username.split('@')[0]!
      await page.getByRole('searchbox', { name: 'Search workers' }).fill(local)
      const found = grid.locator('[role="row"]', { hasText: local })
      await waitForText(found.first(), /Invited — not confirmed yet/)
    }
    const confirmed = first!.username.split('@')[0]!
    await page.getByRole('searchbox', { name: 'Search workers' }).fill(confirmed)
    await waitForText(grid.locator('[role="row"]', { hasText: confirmed }).first(), /Active/)
    await page.getByRole('searchbox', { name: 'Search workers' }).fill(others[0]!.username.split('@')[0]!)
    await waitForText(
      grid.locator('[role="row"]', { hasText: others[0]!.username.split('@')[0]! }).first(),
      /Invited/
    )
    await app.screenshot('workers-invited')
  })
})
