import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../db/open'
import { listProjects } from '../db/projects'
import { queryWorkers } from '../db/workerQueries'
import { kenyanNumbers } from '../invite/testing'
import { runHistory, type HistoryJsonRow } from './history'
import { runInvite } from './invite'
import { runSync } from './sync'
import { captureIo, firstSyncSummary, hqArgs, SYNC_JSON_KEYS, useCliSandbox } from './testing'

// era 2019: one test invites through the SMS registration API.
const sandbox = useCliSandbox({ sim: { users: 800, seed: 21, era: '2019' } })

// The default database sits in a folder that does not exist yet.
const io = (env: NodeJS.ProcessEnv = {}, isTTY = false) =>
  captureIo({ env, isTTY, defaultDbPath: join(sandbox.dir, 'default', 'roster.db') })

const args = (...extra: string[]) => hqArgs(sandbox.sim, ...extra)

/** What sync says when it makes the database file. */
const created = (path: string): string => `roster sync: created a new roster database at ${path}\n`

/** stderr after the line saying the database was created, which must come first. */
function afterCreated(stderr: string, path: string): string {
  expect(stderr.startsWith(created(path)), stderr).toBe(true)
  return stderr.slice(created(path).length)
}

describe('roster sync', () => {
  it('syncs into a new database, creates the project and prints the JSON summary', async () => {
    const db = join(sandbox.dir, 'roster.db')
    const t = io({ ROSTER_API_KEY: sandbox.sim.credentials.apiKey })
    expect(await runSync(args('--db', db, '--json'), t.cli)).toBe(0)
    const summary = JSON.parse(t.out())
    expect(Object.keys(summary).sort()).toEqual([...SYNC_JSON_KEYS].sort())
    expect(summary).toMatchObject(firstSyncSummary(sandbox.sim, 800))
    expect(summary.duration_ms).toBeGreaterThan(0)
    expect(t.err()).toBe(created(db))

    const store = openDatabase(db)
    const [project] = listProjects(store)
    expect(project).toMatchObject({
      server: sandbox.sim.url,
      domain: sandbox.sim.domain,
      username: sandbox.sim.credentials.username
    })
    expect(queryWorkers(store, { projectId: project!.id, status: 'all' }).total).toBe(800)
    store.close()
  })

  it('takes the key from --api-key, uses the default database, and says what changed', async () => {
    const first = io()
    expect(await runSync(args('--api-key', sandbox.sim.credentials.apiKey), first.cli)).toBe(0)
    expect(first.out()).toMatch(
      /^Synced demo-project: \d+ active and \d+ archived workers, \d+ groups, \d+ locations; 800 added, 0 updated, 0 removed \(\d+\.\d s\)\.\n$/
    )
    sandbox.sim.addWorkers(2)
    const again = io()
    expect(await runSync(args('--api-key', sandbox.sim.credentials.apiKey, '--json'), again.cli)).toBe(0)
    expect(JSON.parse(again.out())).toMatchObject({ added: 2, removed: 0 })
  })

  it('draws progress on a terminal’s stderr and clears it', async () => {
    const t = io({ ROSTER_API_KEY: sandbox.sim.credentials.apiKey }, true)
    expect(await runSync(args('--db', join(sandbox.dir, 'r.db')), t.cli)).toBe(0)
    expect(t.err()).toContain('\r\x1b[K')
    expect(t.err()).toContain('active workers')
    expect(t.err().endsWith('\r\x1b[K')).toBe(true)
  })

  it('is a usage error without a key, a required option, or with an unknown option', async () => {
    const noKey = io()
    expect(await runSync(args('--db', join(sandbox.dir, 'r.db')), noKey.cli)).toBe(2)
    expect(noKey.err()).toMatch(/ROSTER_API_KEY/)
    expect(noKey.err()).toMatch(/usage: roster sync/)

    const noServer = io({ ROSTER_API_KEY: 'k' })
    expect(await runSync(['--domain', 'd', '--username', 'u'], noServer.cli)).toBe(2)
    expect(noServer.err()).toMatch(/missing --server/)

    const unknown = io({ ROSTER_API_KEY: 'k' })
    expect(await runSync(args('--frobnicate'), unknown.cli)).toBe(2)

    const badDomain = io({ ROSTER_API_KEY: 'k' })
    expect(
      await runSync(['--server', sandbox.sim.url, '--domain', 'no spaces', '--username', 'u'], badDomain.cli)
    ).toBe(2)
  })

  it('fails with one line naming the problem when HQ refuses the key, and never shows the key', async () => {
    const t = io({ ROSTER_API_KEY: 'not-the-key' })
    const db = join(sandbox.dir, 'r.db')
    expect(await runSync(args('--db', db), t.cli)).toBe(1)
    const why = afterCreated(t.err(), db)
    expect(why).toMatch(/^roster sync: HQ did not accept the API key.*\n$/)
    expect(why.split('\n').filter(Boolean)).toHaveLength(1)
    expect(t.err()).not.toContain('not-the-key')
    expect(t.out()).toBe('')
  })

  it('marks invitations as registered once the invited people appear in the roster', async () => {
    const db = join(sandbox.dir, 'roster.db')
    const env = { ROSTER_API_KEY: sandbox.sim.credentials.apiKey }
    expect(await runSync(args('--db', db), io(env).cli)).toBe(0)
    const list = sandbox.write('invite.csv', ['phone', ...kenyanNumbers(5, 64_000_000)].join('\n') + '\n')
    const invited = io(env)
    const inviteArgs = [list, ...args('--db', db, '--app-id', sandbox.sim.data.applications[0]!.id, '--yes')]
    expect(await runInvite(inviteArgs, invited.cli), invited.err()).toBe(0)
    expect(sandbox.sim.registerInvited(3)).toHaveLength(3)

    expect(await runSync(args('--db', db), io(env).cli)).toBe(0)
    const history = io()
    expect(await runHistory(['--db', db, '--json'], history.cli)).toBe(0)
    const [batch] = JSON.parse(history.out()) as HistoryJsonRow[]
    expect(batch).toMatchObject({ total: 5, success: 5, registered: 3 })
  })

  it('warns on stderr but succeeds when HQ refuses one of the name lists', async () => {
    sandbox.sim.setFaults('403:path=locations')
    const t = io({ ROSTER_API_KEY: sandbox.sim.credentials.apiKey })
    const db = join(sandbox.dir, 'r.db')
    expect(await runSync(args('--db', db, '--json'), t.cli)).toBe(0)
    expect(JSON.parse(t.out())).toMatchObject({ workers: sandbox.sim.activeWorkers().length, locations: 0 })
    const warning = afterCreated(t.err(), db)
    expect(warning).toMatch(/^roster sync: Warning: .*may not read the locations .*\(403\)/)
    expect(warning.split('\n').filter(Boolean)).toHaveLength(1)
  })

  it('prints help', async () => {
    const t = io()
    expect(await runSync(['--help'], t.cli)).toBe(0)
    expect(t.out()).toMatch(/usage: roster sync/)
  })
})
