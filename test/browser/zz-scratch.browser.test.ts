import { it } from 'vitest'
import { startApp } from './harness'

it('scratch: 100k scroll', async () => {
  const app = await startApp({ users: 100_000 })
  await app.connect()
  await app.page.reload()
  const t0 = Date.now()
  await app.page.getByRole('button', { name: 'Sync now' }).click()
  await app.page.locator('.result-count').waitFor({ timeout: 300_000 })
  console.log('sync+first page ms', Date.now() - t0)
  const stats = await app.page.evaluate(`(async () => {
    const grid = document.querySelector('.grid-scroll')
    const frames = []
    let last = performance.now()
    for (let i = 0; i < 300; i++) {
      grid.scrollTop += 400
      await new Promise((r) => requestAnimationFrame(r))
      const now = performance.now(); frames.push(now - last); last = now
    }
    const domRows = grid.querySelectorAll('[role=row]').length
    frames.sort((a, b) => a - b)
    return { p50: frames[150], p95: frames[285], max: frames[299], domRows }
  })()`)
  console.log('scroll frames', JSON.stringify(stats))
  const jump = Date.now()
  await app.page.evaluate(`document.querySelector('.grid-scroll').scrollTop = 40 * 80000`)
  await app.page.waitForFunction(`!document.querySelector('.grid-scroll .is-loading')`)
  console.log('deep jump rows ready ms', Date.now() - jump)
  await app.screenshot('scratch-deep')
  const s = Date.now()
  await app.page.getByRole('searchbox').fill('amina')
  await app.page.locator('.result-count', { hasText: ' of ' }).waitFor()
  console.log('search ms', Date.now() - s, await app.page.locator('.result-count').textContent())
  const srt = Date.now()
  await app.page.getByRole('columnheader', { name: /Phone/ }).getByRole('button').click()
  await app.page.waitForFunction(`document.querySelector('[aria-sort=ascending]')?.textContent.includes('Phone')`)
  await app.page.waitForFunction(`!document.querySelector('.grid-scroll .is-loading')`)
  console.log('sort ms', Date.now() - srt)
  await app.close()
})
