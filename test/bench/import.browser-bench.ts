/**
 * Issue 5's promise, measured in the real renderer: a 100,000-row file is read and validated
 * without freezing the UI. Starts the app as the browser tests do (simulator, core, loopback
 * transport, Chromium), drops a generated 100,000-row CSV on the Invite screen, and watches the
 * page's main thread with a PerformanceObserver for 'longtask' entries.
 *
 *   npx electron-vite build && npx tsx test/bench/import.browser-bench.ts
 *
 * Prints `import  <what>  <figure>` lines; benchImport() returns them for BENCHMARKS.md.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startApp } from '../browser/harness'

export interface BenchFigure {
  what: string
  figure: string
}

const ROWS = 100_000
/** A task this long is a visible freeze: clicks and typing wait for it. */
const FREEZE_MS = 200

/**
 * A list as coordinators send them: a header, a name and a village per row, numbers written the
 * local way, with spaces, with the country code, a few broken ones and a few repeated ones.
 */
export function makeCsv(rows = ROWS): string {
  const villages = ['Kisumu', 'Nakuru', 'Eldoret', 'Kondele', 'Nyalenda', 'Médina', 'Gonaïves']
  const lines = ['Phone,Name,Village']
  for (let i = 0; i < rows; i++) {
    const national = `7${String(20_000_000 + ((i * 7919) % 79_999_999)).padStart(8, '0')}`
    const phone =
      i % 97 === 0
        ? `07${String(i % 1000).padStart(3, '0')}` // too short
        : i % 211 === 0
          ? '0722 000 001' // the same number again
          : i % 3 === 0
            ? `+254 ${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6)}`
            : i % 3 === 1
              ? `0${national}`
              : `254${national}`
    lines.push(`${phone},Person ${i},${villages[i % villages.length]}`)
  }
  return lines.join('\r\n') + '\r\n'
}

/**
 * Runs in the page (as a string: this file is type-checked for Node, without the DOM). Starts
 * the long-task observer, then `__bench.drop(csv, name)` drops the file on the window and
 * records when the grid has every row and when every row has its verdict.
 */
const PAGE_PROBE = `(() => {
  const ROWS = ${ROWS};
  const b = { longtasks: [], start: 0, shownAt: null, checkedAt: null, error: null };
  window.__bench = b;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) b.longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask' });
  const count = (id) => {
    const text = document.querySelector('[data-testid="' + id + '"]')?.textContent ?? '';
    return Number((text.match(/[\\d,]+/) ?? ['0'])[0].replace(/,/g, ''));
  };
  const poll = () => {
    const now = performance.now();
    const grid = document.querySelector('[role="grid"][aria-label="Numbers to invite"]');
    if (b.shownAt === null && grid && grid.getAttribute('aria-rowcount') === String(ROWS + 1)) b.shownAt = now;
    const checked = count('count-ready') + count('count-fixed') + count('count-warning') + count('count-error');
    if (b.shownAt !== null && !document.querySelector('.ibusy') && checked === ROWS) b.checkedAt = now;
    const alert = document.querySelector('[role="alert"]');
    if (alert) b.error = alert.textContent;
    if (b.checkedAt === null && b.error === null) setTimeout(poll, 10);
  };
  b.drop = (csv, name) => {
    const data = new DataTransfer();
    data.items.add(new File([csv], name, { type: 'text/csv' }));
    b.start = performance.now();
    for (const type of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
    }
    setTimeout(poll, 0);
  };
})()`

interface PageResult {
  longtasks: { start: number; duration: number }[]
  start: number
  shownAt: number | null
  checkedAt: number | null
  error: string | null
}

const ms = (n: number): string => `${Math.round(n)} ms`

export async function benchImport(): Promise<BenchFigure[]> {
  const app = await startApp({ users: 50 })
  try {
    await app.connect()
    const { page } = app
    await page.reload()
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Invite' }).click()
    await page.getByText('Drop a list of phone numbers here').waitFor()

    const csv = makeCsv()
    await page.evaluate(PAGE_PROBE)
    await page.evaluate(`window.__bench.drop(${JSON.stringify(csv)}, 'hundred-thousand.csv')`)
    const deadline = Date.now() + 180_000
    let result: PageResult
    for (;;) {
      result = (await page.evaluate(
        '({ ...window.__bench, drop: undefined, longtasks: [...window.__bench.longtasks] })'
      )) as PageResult
      if (result.checkedAt !== null || result.error !== null) break
      if (Date.now() > deadline) throw new Error('The 100,000-row list was not checked within 3 minutes.')
      await new Promise((r) => setTimeout(r, 250))
    }
    if (result.error !== null) throw new Error(`The import failed: ${result.error}`)
    await app.screenshot('import-100k')

    const end = result.checkedAt!
    const tasks = result.longtasks.filter((t) => t.start >= result.start - 1 && t.start <= end)
    const longest = tasks.reduce((max, t) => Math.max(max, t.duration), 0)
    const frozen = tasks.filter((t) => t.duration > FREEZE_MS).length
    const blocked = tasks.reduce((sum, t) => sum + t.duration, 0)
    const bytes = Buffer.byteLength(csv)
    return [
      {
        what: `drop a ${ROWS.toLocaleString('en')}-row CSV (${(bytes / 2 ** 20).toFixed(1)} MiB) until the grid shows every row`,
        figure: ms(result.shownAt! - result.start)
      },
      {
        what: '… until every row is checked (registered / invited looked up)',
        figure: ms(end - result.start)
      },
      { what: 'longest main-thread task meanwhile', figure: ms(longest) },
      { what: `main-thread tasks over ${FREEZE_MS} ms`, figure: String(frozen) },
      { what: 'main-thread time in tasks over 50 ms', figure: ms(blocked) }
    ]
  } finally {
    await app.close()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const figures = await benchImport()
  for (const { what, figure } of figures) console.log(`import  ${what}  ${figure}`)
}
