import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POLL, startApp, waitForAttr, waitForText, type App } from './harness'

describe('the window around the screens', () => {
  let app: App
  let projectId: string
  const nav = (name: string) =>
    app.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name })

  beforeAll(async () => {
    // Its batch goes out by SMS self-registration: an HQ that still has it.
    app = await startApp({ users: 80, era: '2019' })
    projectId = await app.connect()
    await app.syncNow(projectId)
    await app.page.reload()
    await app.page.getByRole('grid', { name: 'Workers' }).waitFor()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('opens the Invite screen with a file dropped on the Workers screen', async () => {
    const { page } = app
    const csv = 'Phone,Name\n0711 000 401,Amina\n0711 000 402,Baraka\n'
    await page.evaluate(
      ({ csv, name }) => {
        const data = new DataTransfer()
        data.items.add(new File([csv], name, { type: 'text/csv' }))
        for (const type of ['dragenter', 'dragover']) {
          document.body.dispatchEvent(
            new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data })
          )
        }
      },
      { csv, name: 'dropped-on-workers.csv' }
    )
    await page.getByText('Drop the file to read its numbers on the Invite screen').waitFor()
    await app.screenshot('drop-anywhere')
    await page.evaluate(
      ({ csv, name }) => {
        const data = new DataTransfer()
        data.items.add(new File([csv], name, { type: 'text/csv' }))
        document.body.dispatchEvent(
          new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data })
        )
      },
      { csv, name: 'dropped-on-workers.csv' }
    )
    // The drop is handled in the page after evaluate() returns: wait for its outcome.
    await waitForAttr(nav('Invite'), 'aria-current', 'page')
    await waitForText(page.getByTestId('source-bar'), /dropped-on-workers\.csv/)
    await waitForAttr(page.locator('[role="row"][data-row="3"]'), 'data-status', 'ready')
    await waitForText(page.locator('[role="row"][data-row="2"] [data-col="e164"]'), /^\+254711000401$/)
  })

  it('says a batch waits to be sent when Roster opens, refuses to remove its project, and sends it only when confirmed', async () => {
    const { page } = app
    const appId = app.sim.data.applications[0]!.id
    // A batch saved in the outbox that never went out (Roster closed, or HQ was unreachable).
    const { batchId } = await app.api('invite.create', {
      projectId,
      options: { appId },
      rows: [
        { row: 2, e164: '+254711000501' },
        { row: 3, e164: '+254711000502' }
      ]
    })
    await page.reload()
    const banner = page.getByRole('region', { name: 'Invitations waiting' })
    await waitForText(banner, /1 batch is waiting to be sent \(2 numbers\)/)
    await app.screenshot('waiting-banner')
    // Nothing was sent on opening: checked again below, after the visit to Projects and History.
    expect(app.sim.invitations.has('254711000501')).toBe(false)

    // The core will not remove a project whose batch is still in the outbox, and says why.
    await nav('Projects').click()
    const item = page.getByRole('listitem', { name: 'demo-project' })
    await item.getByRole('button', { name: 'Remove demo-project' }).click()
    const confirm = page.getByRole('group', { name: 'Remove demo-project?' })
    await waitForText(confirm, /offline roster and its invitation history/)
    await confirm.getByRole('button', { name: 'Remove' }).click()
    const refusal = item.getByRole('alert')
    await waitForText(
      refusal,
      /demo-project was not removed\. Batch \d+ of this project still has numbers waiting/
    )
    await app.screenshot('remove-refused')
    expect(await app.api('projects.list', {})).toHaveLength(1)

    await refusal.getByRole('button', { name: 'Open its History' }).click()
    await waitForText(page.getByTestId('batch-detail'), new RegExp(`Batch ${batchId}`))
    await waitForText(page.getByTestId('batch-detail'), /Queued — will send when you confirm/)
    expect(app.sim.invitations.has('254711000501')).toBe(false)
    await page.getByTestId('batch-detail').getByRole('button', { name: 'Send now' }).click()
    await expect
      .poll(() => app.sim.invitations.has('254711000501') && app.sim.invitations.has('254711000502'), POLL)
      .toBe(true)
    await banner.waitFor({ state: 'detached', timeout: 30_000 })
    expect(app.sim.invitations.get('254711000501')?.appId).toBe(appId)
  })
})
