/**
 * Plain http:// is for the HQ simulator on this machine: every command that talks to HQ refuses
 * it unless ROSTER_ALLOW_HTTP_LOOPBACK=1 is set (the tests' own io sets it; these unset it).
 */
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../db/open'
import { createProject } from '../db/projects'
import { createBatch, getBatch } from '../invite'
import { kenyanNumbers, rowsOf } from '../invite/testing'
import { dispatchCli } from './dispatch'
import { EXIT } from './io'
import { hqArgs, useCliSandbox } from './testing'

const sandbox = useCliSandbox({ sim: { users: 5, seed: 3, era: '2019' } })

const REFUSAL =
  'Roster connects to HQ over HTTPS only. A plain http:// server is for testing with the HQ simulator: ' +
  'set ROSTER_ALLOW_HTTP_LOOPBACK=1 to allow it.'

/** The environment of a coordinator's shell: a key, and no setting for plain http://. */
const withoutSetting = () => ({
  env: { ROSTER_API_KEY: sandbox.sim.credentials.apiKey, ROSTER_ALLOW_HTTP_LOOPBACK: undefined }
})

/** A saved project on the simulator's http:// address, with a batch of two numbers still queued. */
function savedBatch(): number {
  const db = openDatabase(sandbox.dbPath)
  const project = createProject(db, {
    server: sandbox.sim.url,
    domain: sandbox.sim.domain,
    username: sandbox.sim.credentials.username
  })
  const batchId = createBatch(db, {
    projectId: project.id,
    options: { appId: sandbox.sim.data.applications[0]!.id },
    rows: rowsOf(kenyanNumbers(2, 40_000_000))
  })
  db.close()
  return batchId
}

describe('a plain http:// server without ROSTER_ALLOW_HTTP_LOOPBACK=1', () => {
  it('is a usage error naming the setting for sync, check, invite and send; nothing is created or sent', async () => {
    expect(sandbox.sim.url).toMatch(/^http:\/\//)
    const phones = sandbox.write('phones.csv', 'phone\n+254712000001\n')
    const appId = sandbox.sim.data.applications[0]!.id
    const before: Record<string, string[]> = {
      sync: ['sync', ...hqArgs(sandbox.sim)],
      check: ['check', ...hqArgs(sandbox.sim)],
      invite: ['invite', phones, ...hqArgs(sandbox.sim, '--app-id', appId, '--yes')]
    }
    for (const [name, args] of Object.entries(before)) {
      const { code, stdout, stderr } = await sandbox.run(dispatchCli, args, withoutSetting())
      expect(code, name).toBe(EXIT.usage)
      expect(stdout, name).toBe('')
      expect(stderr.split('\n')[0], name).toBe(`roster ${name}: ${REFUSAL}`)
      // Refused before the database is opened: no roster, no project saved with that server.
      expect(existsSync(sandbox.dbPath), name).toBe(false)
    }

    // A project saved earlier (by a development build, say) is refused when the command reaches it.
    const batchId = savedBatch()
    const later: Record<string, string[]> = {
      invite: ['invite', phones, '--app-id', appId, '--yes'],
      send: ['send', '--batch', String(batchId)]
    }
    for (const [name, args] of Object.entries(later)) {
      const { code, stderr } = await sandbox.run(dispatchCli, args, withoutSetting())
      expect(code, name).toBe(EXIT.usage)
      expect(stderr.split('\n')[0], name).toBe(`roster ${name}: ${REFUSAL}`)
    }
    expect(sandbox.sim.invitationHistory).toHaveLength(0)
    const db = openDatabase(sandbox.dbPath)
    expect(getBatch(db, batchId).batch.counts.queued).toBe(2)
    // invite refused before it made a batch of its own.
    expect(db.prepare('SELECT COUNT(*) FROM invite_batches').pluck().get()).toBe(1)
    db.close()
  })

  it('is accepted with the setting, as the other CLI tests run', async () => {
    const { code } = await sandbox.run(dispatchCli, ['check', ...hqArgs(sandbox.sim)], {
      env: { ROSTER_API_KEY: sandbox.sim.credentials.apiKey, ROSTER_ALLOW_HTTP_LOOPBACK: '1' }
    })
    expect(code).toBe(EXIT.ok)
  })
})
