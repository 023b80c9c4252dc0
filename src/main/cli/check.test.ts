import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startSim } from '../../../test/hq-sim'
import { openDatabase } from '../db/open'
import { createProject, listProjects } from '../db/projects'
import { runCheck, type CheckJson } from './check'
import { hqArgs, useCliSandbox } from './testing'

const sandbox = useCliSandbox({ sim: { users: 10, seed: 3 } })

/** `roster check --json` against `sim`, with its key. */
async function check(sim = sandbox.sim, ...extra: string[]) {
  const run = await sandbox.run(runCheck, [...hqArgs(sim, '--json', ...extra)], {
    env: { ROSTER_API_KEY: sim.credentials.apiKey }
  })
  return { ...run, json: run.stdout ? (JSON.parse(run.stdout) as CheckJson) : undefined }
}

describe('roster check', () => {
  it('names channel 2 on today’s HQ, which has no SMS self-registration, in exactly the JSON shape', async () => {
    const { code, stdout, stderr, json } = await check()
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(Object.keys(json!)).toEqual(['workers', 'channels', 'channel', 'message'])
    expect(Object.keys(json!.workers)).toEqual(['ok', 'message'])
    expect(json).toMatchObject({
      workers: { ok: true },
      channels: { 'sms-registration': false, 'sms-confirmation': true, 'email-confirmation': true },
      channel: 'sms-confirmation'
    })
    expect(json!.message).toMatch(/no longer has SMS self-registration/)
    expect(stdout).not.toContain(sandbox.sim.credentials.apiKey)
    // Nothing saved, nothing created.
    expect(existsSync(sandbox.dbPath)).toBe(false)
  })

  it('names channel 1 on a server from before 2020', async () => {
    const old = await startSim({ users: 5, era: '2019' })
    try {
      const { code, json } = await check(old)
      expect(code).toBe(0)
      expect(json).toMatchObject({
        channels: { 'sms-registration': true, 'sms-confirmation': false },
        channel: 'sms-registration'
      })
    } finally {
      await old.close()
    }
  })

  it('says the e-mail channel is missing when the plan lacks two-stage account creation', async () => {
    sandbox.sim.setPlan({ emailConfirmation: false })
    const { json } = await check()
    expect(json!.channels['email-confirmation']).toBe(false)
    expect(json!.channel).toBe('sms-confirmation')
  })

  it('stores what the server offers on the saved project', async () => {
    const db = openDatabase(sandbox.dbPath)
    createProject(db, {
      server: sandbox.sim.url,
      domain: sandbox.sim.domain,
      username: sandbox.sim.credentials.username
    })
    db.close()
    const { code } = await check()
    expect(code).toBe(0)
    const after = openDatabase(sandbox.dbPath)
    const [project] = listProjects(after)
    after.close()
    expect(project!.channelProbe).toMatchObject({
      offers: { 'sms-registration': false, 'sms-confirmation': true, 'email-confirmation': true }
    })
    expect(project!.channelProbe!.message).toMatch(/no longer has SMS self-registration/)
  })

  it('exits 1 when the key cannot read the worker list, and stores nothing', async () => {
    const db = openDatabase(sandbox.dbPath)
    createProject(db, {
      server: sandbox.sim.url,
      domain: sandbox.sim.domain,
      username: sandbox.sim.credentials.username
    })
    db.close()
    const run = await sandbox.run(runCheck, [...hqArgs(sandbox.sim, '--json', '--api-key', 'wrong')])
    expect(run.code).toBe(1)
    const json = JSON.parse(run.stdout) as CheckJson
    expect(json.workers.ok).toBe(false)
    expect(json.channel).toBeNull()
    const after = openDatabase(sandbox.dbPath)
    expect(listProjects(after)[0]!.channelProbe).toBeNull()
    after.close()
  })

  it('prints each check and what invite would use, as text', async () => {
    const run = await sandbox.run(runCheck, hqArgs(sandbox.sim), {
      env: { ROSTER_API_KEY: sandbox.sim.credentials.apiKey }
    })
    expect(run.code).toBe(0)
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^Worker list: yes {2}Can read the mobile worker list/)
    expect(lines[1]).toMatch(/^SMS self-registration: no {3}This HQ no longer has SMS self-registration/)
    expect(lines[2]).toMatch(/^Account \+ confirmation SMS: yes {2}/)
    expect(lines.at(-1)).toBe(
      'roster invite --channel auto will use: Account + confirmation SMS (sms-confirmation).'
    )
  })

  it('is a usage error without the connection options or with a --db that does not exist', async () => {
    const missing = await sandbox.run(runCheck, ['--domain', 'd'], { env: { ROSTER_API_KEY: 'k' } })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^roster check: missing --server, --username\nusage: roster check/)
    const typo = join(sandbox.dir, 'typo.db')
    const run = await check(sandbox.sim, '--db', typo)
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^roster check: --db .*typo\.db: no such database; nothing was created/)
    expect(existsSync(typo)).toBe(false)
  })
})
