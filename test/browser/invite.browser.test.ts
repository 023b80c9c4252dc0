import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POLL, startApp, waitForAttr, waitForText, type App } from './harness'

/** "254712345678" -> "0712 345 678", the way a Kenyan list writes it. */
function national(digits: string): string {
  const n = digits.slice(3)
  return `0${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`
}

/** Windows-1252 bytes for Latin-1 text (what Excel on Windows saves as "CSV"). */
function cp1252(text: string): Buffer {
  return Buffer.from(text, 'latin1')
}

describe('inviting workers from a file', () => {
  let app: App
  let projectId: string
  let registered: string
  let inUse: string
  const row = (n: number) => app.page.locator(`[role="row"][data-row="${n}"]`)
  const cell = (n: number, col: string) => row(n).locator(`[data-col="${col}"]`)
  /** No step of reading the list is running (reading, checking, looking numbers up). */
  const idle = () => app.page.locator('.ibusy').waitFor({ state: 'detached' })

  beforeAll(async () => {
    // These invitations go out by SMS self-registration: an HQ that still has it, chosen for the project.
    app = await startApp({ users: 120, era: '2019' })
    projectId = await app.connect()
    await app.api('projects.update', { projectId, channel: 'sms-registration' })
    // The apps and the roster (for "already registered") come from a sync.
    await app.syncNow(projectId)
    registered = app.sim
      .activeWorkers()
      .flatMap((w) => w.phone_numbers.map((p) => p.replace('+', '')))
      .find((p) => /^2547\d{8}$/.test(p))!
    // A worker created in HQ after the sync: Roster cannot know, HQ answers "in use".
    for (let i = 0; i < 50 && !inUse; i++) {
      const [worker] = app.sim.addWorkers(1)
      inUse = worker?.phone_numbers.map((p) => p.replace('+', '')).find((p) => /^2547\d{8}$/.test(p)) ?? ''
    }
    expect(inUse).toMatch(/^2547/)
    await app.page.reload()
    await app.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Invite' }).click()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('reads a CSV file chosen with the file picker', async () => {
    const { page } = app
    await page.getByTestId('file-input').setInputFiles({
      name: 'first.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Phone,Name\n0711 000 101,Amina\n0711 000 102,Baraka\n', 'utf8')
    })
    await waitForAttr(row(2), 'data-status', 'ready')
    await waitForAttr(row(3), 'data-status', 'ready')
    expect(await cell(2, 'e164').textContent()).toBe('+254711000101')
    expect(await page.getByTestId('source-bar').textContent()).toMatch(/first\.csv/)
  })

  it('reads a dropped Windows-1252 file with semicolons and shows what it detected', async () => {
    const { page } = app
    const csv = [
      'Téléphone;Nom;Village',
      '0711 000 001;Aïcha Otieno;Kisumu',
      '0711 000 002;Baraka Mwangi;Nakuru',
      '0722;Chiara Achieng;Eldoret',
      '254711000004;Daudi Kamau;Kisumu',
      `${national(registered)};Esther Njeri;Kisumu`,
      `+${inUse};Faith Wanjiru;Nakuru`
    ].join('\r\n')
    const bytes = [...cp1252(csv)]
    await page.evaluate(
      ({ bytes, name }) => {
        const file = new File([new Uint8Array(bytes)], name, { type: 'text/csv' })
        const data = new DataTransfer()
        data.items.add(file)
        for (const type of ['dragenter', 'dragover', 'drop']) {
          document.body.dispatchEvent(
            new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data })
          )
        }
      },
      { bytes, name: 'workers-excel.csv' }
    )
    await waitForText(page.getByTestId('source-bar'), /workers-excel\.csv/)
    expect(await page.getByLabel('Encoding').inputValue()).toBe('windows-1252')
    expect(await page.getByLabel('Separator').inputValue()).toBe(';')
    // Row 2 of the previous list was ready too: wait for this list's rows before their statuses.
    // A column title that is a valid custom data key is kept as the key, case included.
    await waitForText(cell(2, 'field:Nom'), /^Aïcha Otieno$/)
    await waitForAttr(row(2), 'data-status', 'ready')
    await waitForAttr(row(4), 'data-status', 'error')
    expect(await cell(4, 'message').textContent()).toMatch(/too short/)
    // HQ's own form (digits that read as international, no "+"): ready as written, nothing repaired.
    await waitForAttr(row(5), 'data-status', 'ready')
    expect(await cell(5, 'e164').textContent()).toBe('+254711000004')
    expect(await cell(5, 'message').textContent()).toBe('')
    await waitForAttr(row(6), 'data-status', 'error')
    expect(await cell(6, 'message').textContent()).toMatch(/already registered/)
    await waitForText(page.getByTestId('count-error'), /2 errors/)

    // Reading it as UTF-8 instead mangles the accents; switching back restores them.
    await page.getByLabel('Encoding').selectOption('utf-8')
    await waitForText(cell(2, 'field:Nom'), /^A\uFFFDcha Otieno$/)
    await page.getByLabel('Encoding').selectOption('windows-1252')
    await waitForText(cell(2, 'field:Nom'), /^Aïcha Otieno$/)
    // The rows are back before they are checked and looked up again: let that finish too.
    await idle()
    await waitForAttr(row(6), 'data-status', 'error')
  })

  it('fixes the invalid row in the grid and sees it turn ready', async () => {
    const { page } = app
    await idle()
    await waitForAttr(row(4), 'data-status', 'error')
    await cell(4, 'phone').click()
    await page.keyboard.press('Enter')
    const input = cell(4, 'phone').getByRole('textbox')
    await input.fill('0711 000 003')
    await input.press('Enter')
    await waitForAttr(row(4), 'data-status', 'ready')
    expect(await cell(4, 'e164').textContent()).toBe('+254711000003')
    await waitForText(page.getByTestId('count-error'), /1 error\b/)
    await app.screenshot('import-grid')
  })

  it('chooses the app, sends after confirming, and shows every row’s answer', async () => {
    const { page } = app
    const appId = app.sim.data.applications[0]!.id
    await page.getByLabel('App').selectOption(appId)
    // Kept in the project, where `roster invite` finds it too.
    await expect
      .poll(async () => (await app.api('projects.list', {})).find((p) => p.id === projectId)?.appId, POLL)
      .toBe(appId)
    const message =
      'Karibu! Ça va? Reply 1 if you use an Android phone, 2 for any other phone. Merci, à bientôt.'
    await page.getByLabel('Message').fill(message)
    await waitForText(page.getByTestId('msg-encoding'), /UCS-2/)
    expect(await page.getByTestId('msg-ucs2').locator('mark').textContent()).toBe('ô')
    await waitForText(page.getByTestId('msg-segments'), /^2 SMS$/)
    await app.screenshot('invite-message')
    await waitForText(page.getByTestId('send-plan'), /5 numbers will be invited/)
    await waitForText(page.getByTestId('send-plan'), /1 row with errors skipped/)
    await page.getByRole('button', { name: /^Send 5 invitations/ }).click()
    const dialog = page.getByRole('dialog')
    await waitForText(dialog, /5 numbers/)
    await dialog.getByRole('button', { name: 'Send 5 invitations' }).click()

    await page.getByTestId('send-results').waitFor({ timeout: 30_000 })
    for (const n of [2, 3, 4, 5]) await waitForAttr(row(n), 'data-status', 'success')
    await waitForAttr(row(7), 'data-status', 'in_use')
    await waitForAttr(row(6), 'data-status', 'error')
    await waitForText(page.getByTestId('count-success'), /^4$/)
    for (const digits of ['254711000001', '254711000002', '254711000003', '254711000004']) {
      expect(app.sim.invitations.get(digits)?.appId).toBe(appId)
    }
    expect(app.sim.invitations.get(registered)).toBeUndefined()
    expect(app.sim.invitations.get('254711000002')?.message).toBe(message)
    expect(app.sim.invitations.get('254711000001')?.customUserData).toMatchObject({
      Nom: 'Aïcha Otieno',
      Village: 'Kisumu'
    })
    await app.screenshot('invite-results')
  })

  it('lists the batch in History, exports it, and invites a number again', async () => {
    const { page } = app
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'History' }).click()
    const batch = page.getByRole('option', { name: /Batch 1/ })
    await waitForText(batch, /4 invited/)
    const detail = page.getByTestId('batch-detail')
    await waitForText(detail, /5 numbers shown/)
    await app.screenshot('history')

    await page.getByLabel('Filter by status').selectOption('in_use')
    await waitForText(detail, /1 number shown/)
    await page.getByLabel('Filter by status').selectOption('all')
    await waitForText(detail, /5 numbers shown/)

    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Export CSV' }).click()
    const file = await download
    const text = await readFile((await file.path())!, 'utf8')
    expect(text).toContain('254711000001')

    await page.getByRole('checkbox', { name: 'Check +254711000002' }).check()
    await page.getByRole('button', { name: 'Re-invite selected' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Send 1 invitation' }).click()
    await waitForText(page.getByRole('option', { name: /Batch 2/ }), /1 invited/)
  })

  it('shows on the Workers screen how a registered worker was invited, and goes back to the batch', async () => {
    const { page } = app
    // The oldest invitation, +254711000001 from batch 1, completes registration in HQ.
    const [worker] = app.sim.registerInvited(1)
    expect(worker?.phone_numbers.map((p) => p.replace('+', ''))).toEqual(['254711000001'])
    await app.syncNow(projectId)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Workers' }).click()
    await page.getByRole('searchbox', { name: 'Search workers' }).fill('0711 000 001')
    const grid = page.getByRole('grid', { name: 'Workers' })
    const username = worker!.username.split('@')[0]!
    await grid
      .getByRole('row')
      .filter({ has: page.getByRole('gridcell', { name: username, exact: true }) })
      .click()
    const pane = page.getByRole('complementary', { name: /^Details of / })
    const invitation = pane.locator('.invitation-list li')
    await waitForText(invitation, /^Invited by SMS today \d\d:\d\d · batch 1 · registered/)
    await app.screenshot('worker-detail-invited')

    await invitation.getByRole('button', { name: 'Open in History' }).click()
    await waitForAttr(page.getByRole('option', { name: /Batch 1/ }), 'aria-selected', 'true')
    await waitForText(page.getByRole('option', { name: /Batch 1/ }), /1 registered/)
  })

  it('reads a 30,000-row file in the background with a progress bar, and scrolls it by keyboard', async () => {
    const { page } = app
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Invite' }).click()
    await page.getByRole('button', { name: 'Start a new list' }).click()
    const lines = ['Phone,Name']
    for (let i = 0; i < 30_000; i++) lines.push(`07${String(20_000_000 + i)},Person ${i}`)
    // Whether the progress bar is still there when looked for depends on the machine's speed:
    // the page notes it the moment it appears instead.
    await page.evaluate(() => {
      const seen = window as unknown as { sawProgress?: boolean }
      seen.sawProgress = false
      const observer = new MutationObserver(() => {
        if (document.querySelector('.ibusy .progress')) {
          seen.sawProgress = true
          observer.disconnect()
        }
      })
      observer.observe(document.body, { childList: true, subtree: true })
    })
    await page.getByTestId('file-input').setInputFiles({
      name: 'big.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(lines.join('\n'))
    })
    await waitForText(page.getByTestId('count-ready'), /^.*30,000 ready$/, 60_000)
    expect(await page.evaluate(() => (window as unknown as { sawProgress?: boolean }).sawProgress)).toBe(true)
    const grid = page.getByRole('grid', { name: 'Numbers to invite' })
    expect(await grid.getAttribute('aria-rowcount')).toBe('30001')
    // Only the rows in view are in the page.
    expect(await grid.getByRole('row').count()).toBeLessThan(80)
    await cell(2, 'phone').click()
    await page.keyboard.press('Control+End')
    await row(30_001).waitFor()
    expect(await cell(30_001, 'field:Name').textContent()).toBe('Person 29999')
  })

  it('shows an unknown outcome when HQ fails mid-request, and sends again only when asked', async () => {
    const { page } = app
    await page.getByRole('button', { name: 'Start over' }).click()
    await page.getByLabel(/Paste cells/).fill('Phone\n0711 000 201\n0711 000 202\n')
    await page.getByRole('button', { name: 'Read pasted cells' }).click()
    await waitForAttr(row(2), 'data-status', 'ready')
    await waitForAttr(row(3), 'data-status', 'ready')
    app.sim.setFaults('500:once;path=registration')
    await page.getByRole('button', { name: /^Send 2 invitations/ }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Send 2 invitations' }).click()
    const banner = page.getByTestId('unknown-banner')
    await waitForText(banner, /2 numbers have an unknown outcome/)
    await waitForAttr(row(2), 'data-status', 'unknown')
    const posts = () => app.sim.requests.filter((r) => r.method === 'POST').length
    const before = posts()
    await new Promise((r) => setTimeout(r, 500))
    expect(posts()).toBe(before) // never re-sent on its own
    await banner.getByRole('button', { name: 'Send again' }).click()
    await waitForAttr(row(2), 'data-status', 'success')
    await waitForAttr(row(3), 'data-status', 'success')
    expect(app.sim.invitations.has('254711000201')).toBe(true)
  })
})
