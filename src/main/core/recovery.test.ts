import { afterEach, expect, it } from 'vitest'
import type { InviteProgress } from '../../shared/invite'
import { startSim, type Sim } from '../../../test/hq-sim'
import { openDatabase, type Db } from '../db/open'
import { createProject } from '../db/projects'
import { createBatch } from '../invite'
import { kenyanNumbers, rowsOf, spawnSender, type SenderProcess } from '../invite/testing'
import { startTestCore, type TestCore } from './testing'

let sim: Sim | undefined
let app: TestCore | undefined
let cli: Db | undefined
let sender: SenderProcess | undefined
afterEach(async () => {
  if (sender && sender.proc.exitCode === null && sender.proc.signalCode === null) {
    sender.proc.kill('SIGKILL')
    await sender.exited
  }
  cli?.close()
  await app?.close()
  await sim?.close()
  sender = cli = app = sim = undefined
})

it('notices, while the app is open, a command-line send that was killed mid-request, and refreshes the batch', async () => {
  sim = await startSim({ era: '2019', users: 5, latencyMs: 3000 })
  app = startTestCore({ recoverEveryMs: 100 })
  const { core, dbPath } = app
  const progress: (InviteProgress & { at: number })[] = []
  core.events.subscribe((event, payload) => {
    if (event === 'invite.progress') progress.push({ ...(payload as InviteProgress), at: Date.now() })
  })

  // `roster invite`, in its own process, on the app's database, after the app started.
  cli = openDatabase(dbPath)
  const project = createProject(cli, {
    server: sim.url,
    domain: sim.domain,
    username: sim.credentials.username,
    defaultCountry: 'KE'
  })
  const batchId = createBatch(cli, {
    projectId: project.id,
    options: { appId: sim.data.applications[0]!.id },
    rows: rowsOf(kenyanNumbers(50))
  })
  sender = spawnSender({ dbPath, sim, batchId, chunkSize: 25 })
  expect(await sender.progress((c) => c.sending === 25), sender.stderr()).not.toBeNull()
  // The app checks every 100 ms here: a live sender's request is left alone.
  await new Promise((resolve) => setTimeout(resolve, 500))
  expect(progress).toEqual([])

  const killedAt = Date.now()
  sender.proc.kill('SIGKILL')
  await sender.exited
  const deadline = Date.now() + 20_000
  while (!progress.some((p) => p.batchId === batchId) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  expect(progress.map(({ at: _, ...p }) => p)).toEqual([
    {
      batchId,
      state: 'needs-attention',
      counts: expect.objectContaining({ unknown: 25, queued: 25, sending: 0, success: 0 }),
      total: 50
    }
  ])
  expect(progress[0]!.at).toBeGreaterThanOrEqual(killedAt)

  expect(await app.call('invite.batch', { batchId })).toMatchObject({
    batch: { state: 'needs-attention', counts: { unknown: 25, queued: 25, sending: 0 } }
  })
}, 60_000)
