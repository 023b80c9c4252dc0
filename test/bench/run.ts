/**
 * `npm run bench`: the speed and memory targets of the product, measured on this machine and written
 * to BENCHMARKS.md. Nothing here asserts: the figures are for people to read and compare.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { openDatabase } from '../../src/main/db/open'
import { ensureProject } from '../../src/main/db/projects'
import { queryWorkers, workerFacets } from '../../src/main/db/workerQueries'
import { createHqClient } from '../../src/main/hq/client'
import { createBatch, sendBatch } from '../../src/main/invite'
import { syncProject } from '../../src/main/sync'
import { ValidationIndex, validateRows } from '../../src/shared/import'
import { startSim } from '../hq-sim'
import { benchImport } from './import.browser-bench'
import { describeMachine, timeMedian } from './machine'
import { benchSync } from './sync-bench'

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '100000' },
    rows: { type: 'string', default: '100000' },
    invitations: { type: 'string', default: '10000' },
    out: { type: 'string', default: resolve(import.meta.dirname, '../../BENCHMARKS.md') }
  }
})
const WORKERS = Number(values.workers)
const ROWS = Number(values.rows)
const INVITATIONS = Number(values.invitations)

const results: { area: string; what: string; figure: string }[] = []
const record = (area: string, what: string, figure: string): void => {
  results.push({ area, what, figure })
  console.log(`${area.padEnd(12)} ${what.padEnd(58)} ${figure}`)
}
const ms = (n: number): string =>
  n >= 100 ? `${Math.round(n)} ms` : n >= 1 ? `${n.toFixed(1)} ms` : `${Math.round(n * 1000)} µs`
const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MiB`

let peakRss = process.memoryUsage().rss
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50)

const dir = mkdtempSync(join(tmpdir(), 'roster-bench-'))
// An HQ that still has SMS self-registration: the invitation figures below send through it.
const sim = await startSim({ users: WORKERS, seed: 7, era: '2019' })
const db = openDatabase(join(dir, 'roster.db'))
const { project } = ensureProject(db, {
  server: sim.url,
  domain: sim.domain,
  username: sim.credentials.username,
  defaultCountry: 'KE'
})
const client = createHqClient({ server: sim.url, domain: sim.domain, ...sim.credentials })

// Sync: the whole project from the simulator into a new database.
{
  const before = process.memoryUsage().rss
  const start = performance.now()
  const run = await syncProject({ db, project, client })
  const took = performance.now() - start
  if (run.outcome !== 'ok') throw new Error(`sync failed: ${run.error}`)
  const total = run.workers + run.archived
  record('sync', `first sync of ${total.toLocaleString('en')} workers (local simulator)`, ms(took))
  record('sync', 'workers per second', `${Math.round(total / (took / 1000)).toLocaleString('en')}`)
  record('sync', 'process memory growth during the sync (RSS)', mib(peakRss - before))
  const again = performance.now()
  await syncProject({ db, project, client })
  record('sync', 're-sync with nothing changed', ms(performance.now() - again))
}

// Issue 10's sync targets, each against its yardstick measured in the same run.
for (const { what, figure } of await benchSync(WORKERS, Math.min(WORKERS, 20_000)))
  record('sync', what, figure)

// Browsing and searching the local copy: what the Workers screen asks for.
{
  const facets = workerFacets(db, project.id)
  const group = facets.groups[0]!
  const region = facets.locations.find(
    (l) => l.parentId !== null && facets.locations.some((c) => c.parentId === l.id)
  )!
  const worker = sim
    .activeWorkers()
    .find((w) => w.phone_numbers.some((p) => p.replace(/\D/g, '').startsWith('2547')))!
  const localPhone = `0${worker.phone_numbers
    .find((p) => p.replace(/\D/g, '').startsWith('2547'))!
    .replace(/\D/g, '')
    .slice(3, 9)}`
  const q = (extra: object) => () => queryWorkers(db, { projectId: project.id, limit: 200, ...extra })
  // Each query's match count is printed with its time, so a fast answer cannot hide an empty one.
  const timed = (what: string, extra: object): void => {
    const matches = q(extra)().total
    const noun = matches === 1 ? 'match' : 'matches'
    record('roster', `${what} (${matches.toLocaleString('en')} ${noun})`, ms(timeMedian(q(extra))))
  }
  timed('first window of 200, sorted by name, with total count', {})
  timed('window at offset 90,000 (scrolled to the end)', { offset: 90_000 })
  timed('sorted by location, descending', { sort: 'location', dir: 'desc' })
  timed('sorted by first group', { sort: 'groups' })
  const field = facets.customFieldKeys[0]!
  timed(`sorted by a custom field (${field})`, { sort: `data:${field}` })
  timed(`sorted by a custom field, window at offset 90,000`, { sort: `data:${field}`, offset: 90_000 })
  timed('search as you type: "a"', { text: 'a' })
  timed(`search a name: "${worker.first_name ?? 'amina'}"`, { text: worker.first_name ?? 'amina' })
  timed(`search a local-format phone: "${localPhone}"`, { text: localPhone })
  timed('filter by group', { groupId: group.id })
  timed('filter by location with its sub-locations', { locationId: region.id })
  timed('all + has phone + search "ma"', { status: 'all', hasPhone: true, text: 'ma' })
  record(
    'roster',
    'facets (group and location counts, custom fields)',
    ms(timeMedian(() => workerFacets(db, project.id), 5))
  )
}

// Validating an imported list: the work the import Web Worker does off the UI thread.
{
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    row: i + 2,
    phone:
      i % 50 === 0
        ? '2.54712345678E+11'
        : i % 97 === 0
          ? 'not a number'
          : `07${String(10_000_000 + ((i * 7919) % 89_999_999)).padStart(8, '0')}`
  }))
  const start = performance.now()
  const validated = validateRows(rows, { country: 'KE' })
  record(
    'import',
    `validate ${ROWS.toLocaleString('en')} rows (KE numbers, repairs, duplicates)`,
    ms(performance.now() - start)
  )
  const errors = validated.filter((r) => r.status === 'error').length
  record('import', 'rows found with errors in that list', errors.toLocaleString('en'))
  const index = new ValidationIndex({ country: 'KE' })
  index.load(rows)
  let n = 0
  record(
    'import',
    'edit one cell in a 100,000-row grid and revalidate',
    ms(
      timeMedian(
        () => index.update({ row: 2 + (n++ % ROWS), phone: `0722${String(n).padStart(6, '0')}` }),
        200
      )
    )
  )
}

// Sending invitations: outbox writes and the sender against the simulator (no latency).
{
  const rows = Array.from({ length: INVITATIONS }, (_, i) => ({
    row: i + 2,
    e164: `+2547${String(20_000_000 + i).padStart(8, '0')}`,
    customUserData: {}
  }))
  let start = performance.now()
  const batchId = createBatch(db, {
    projectId: project.id,
    options: { appId: sim.data.applications[0]!.id, androidOnly: false, requireEmail: false, message: null },
    rows,
    reinvite: false
  })
  record(
    'invite',
    `write a batch of ${INVITATIONS.toLocaleString('en')} numbers to the outbox`,
    ms(performance.now() - start)
  )
  start = performance.now()
  const result = await sendBatch({ db, batchId, client })
  record(
    'invite',
    `send it in requests of 100 (${result.counts.success.toLocaleString('en')} accepted)`,
    ms(performance.now() - start)
  )
}

// The same list in the real renderer: does the UI stay responsive while 100,000 rows load?
for (const { what, figure } of await benchImport()) record('import', what, figure)

clearInterval(sampler)
record('memory', 'peak process memory (RSS) over the whole run', mib(peakRss))
await client.close()
db.close()
await sim.close()
rmSync(dir, { recursive: true, force: true })

const table = results.map((r) => `| ${r.area} | ${r.what} | ${r.figure} |`).join('\n')
// Sections written by hand after the table (the targets, the profiles) are kept.
const previous = existsSync(values.out) ? readFileSync(values.out, 'utf8') : ''
const notesAt = previous.indexOf('\n## ')
const notes = notesAt >= 0 ? `\n${previous.slice(notesAt + 1)}` : ''
writeFileSync(
  values.out,
  `# Benchmarks

Figures from \`npm run bench\` (\`test/bench/run.ts\`, with \`import.browser-bench.ts\` in Chromium): ${WORKERS.toLocaleString('en')} simulated workers, ${ROWS.toLocaleString('en')} imported rows,
${INVITATIONS.toLocaleString('en')} invitations. Query figures are medians of repeated runs on the synced database.
The simulator runs in the same process, so sync figures include its work too.

Machine: ${describeMachine()}
Run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

| area | what | figure |
| --- | --- | --- |
${table}
${notes}`
)
console.log(`\nwritten to ${values.out}`)
