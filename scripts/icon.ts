/**
 * Renders resources/icon.svg to resources/icon.png (1024×1024, transparent), the one image
 * electron-builder turns into the Windows .ico, the macOS .icns and the Linux icons.
 * Run after changing the SVG: `npm run icon` (needs Chromium, like the browser tests).
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const svgPath = fileURLToPath(new URL('../resources/icon.svg', import.meta.url))
const pngPath = fileURLToPath(new URL('../resources/icon.png', import.meta.url))

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run']
})
try {
  const page = await browser.newPage({ viewport: { width: 1024, height: 1024 } })
  const svg = await readFile(svgPath, 'utf8')
  await page.setContent(`<body style="margin:0;background:transparent">${svg}</body>`)
  await page.locator('svg').screenshot({ path: pngPath, omitBackground: true })
  console.log(`wrote ${pngPath}`)
} finally {
  await browser.close()
}
