/**
 * Issue 9's "Done when", from the command line against today's HQ (simulator era 2026): check
 * names channel 2, invite creates the accounts through one upload and reports the number a worker
 * already has as in use without uploading it, and a sync after one worker confirms shows them
 * registered in the history.
 */
import { describe, expect, it } from 'vitest'
import { kenyanNumbers } from '../invite/testing'
import { runCheck, type CheckJson } from './check'
import { runHistory, type HistoryJsonRow } from './history'
import { runInvite, type InviteJson } from './invite'
import { runSync } from './sync'
import { hqArgs, INVITE_JSON_KEYS, useCliSandbox } from './testing'

const sandbox = useCliSandbox({ sim: { users: 20, seed: 11, uploadDelayMs: 100 } })

describe('roster against today’s HQ (no SMS self-registration)', () => {
  it('checks, invites by account + confirmation SMS, and counts the worker who confirmed as registered', async () => {
    const { sim } = sandbox
    const env = { ROSTER_API_KEY: sim.credentials.apiKey }
    expect((await sandbox.run(runSync, hqArgs(sim), { env })).code).toBe(0)

    const check = await sandbox.run(runCheck, hqArgs(sim, '--json'), { env })
    expect(check.code).toBe(0)
    expect((JSON.parse(check.stdout) as CheckJson).channel).toBe('sms-confirmation')

    const worker = sim.activeWorkers().find((w) => w.phone_numbers.some((p) => p.startsWith('2547')))!
    const workersNumber = `+${worker.phone_numbers.find((p) => p.startsWith('2547'))!}`
    const [amina, baraka] = kenyanNumbers(2, 91_000_000)
    const file = sandbox.write(
      'team.csv',
      [
        'First name,Last name,Phone,District',
        `Amina,Odhiambo,${amina},Kisumu`,
        `Baraka,Mwangi,${baraka},Nakuru`,
        `Already,There,${workersNumber},Kisumu`
      ].join('\n') + '\n'
    )
    const invite = await sandbox.run(
      runInvite,
      [file, ...hqArgs(sim, '--skip-errors', '--yes', '--json', '--wait', '30')],
      { env }
    )
    expect(invite.stderr).toBe('')
    expect(invite.code).toBe(0)
    const out = JSON.parse(invite.stdout) as InviteJson
    expect(Object.keys(out)).toEqual(INVITE_JSON_KEYS)
    expect(out).toMatchObject({
      channel: 'sms-confirmation',
      numbers_in_use: [workersNumber],
      pending: [],
      failed: [],
      unknown: [],
      skipped: [],
      usernames: { [amina!]: 'amina.odhiambo', [baraka!]: 'baraka.mwangi' }
    })
    expect(out.success_numbers.sort()).toEqual([amina, baraka].sort())
    // One upload, two accounts; the worker's number never went to HQ.
    expect(sim.uploads).toHaveLength(1)
    expect(sim.createdAccounts.map((a) => a.username.replace(/@.*$/, '')).sort()).toEqual([
      'amina.odhiambo',
      'baraka.mwangi'
    ])
    expect(sim.confirmationSms.map((s) => s.to)).not.toContain(workersNumber.slice(1))

    sim.confirmAccount(sim.createdAccounts.find((a) => a.username.startsWith('amina.'))!.username)
    expect((await sandbox.run(runSync, hqArgs(sim), { env })).code).toBe(0)
    const history = await sandbox.run(runHistory, ['--json'])
    const [batch] = JSON.parse(history.stdout) as HistoryJsonRow[]
    expect(batch).toMatchObject({ total: 3, success: 2, in_use: 1, registered: 1 })
  }, 60_000)
})
