import { describe, expect, it } from 'vitest'
import { describeAccess, type AccessFindings } from './accessWords'
import type { Probe } from './probe'

const offered: Probe = { state: 'offered' }
const readable = { ok: true, message: 'Can read the mobile worker list (12 active workers).' }

function found(over: Partial<AccessFindings>): AccessFindings {
  return {
    domain: 'demo',
    workers: readable,
    registration: { state: 'absent', reason: 'retired' },
    upload: offered,
    email: offered,
    ...over
  }
}

describe('describeAccess', () => {
  it("says today's HQ retired SMS self-registration and that Roster creates accounts HQ confirms by SMS", () => {
    const report = describeAccess(found({}))
    expect(report.channel).toBe('sms-confirmation')
    expect(report.offers).toEqual({
      'sms-registration': false,
      'sms-confirmation': true,
      'email-confirmation': true
    })
    expect(report.message).toBe(
      'This HQ no longer has SMS self-registration (retired in 2020). Roster will create the accounts and HQ will text each worker a link to confirm. Workers with an e-mail address can be confirmed by e-mail instead.'
    )
    expect(report.channels['sms-registration']).toMatchObject({ ok: false, message: /retired in 2020/ })
  })

  it('says an old HQ still has SMS self-registration', () => {
    const report = describeAccess(
      found({
        registration: offered,
        upload: { state: 'absent', reason: 'old-server' },
        email: { state: 'absent', reason: 'old-server' }
      })
    )
    expect(report.channel).toBe('sms-registration')
    expect(report.message).toBe(
      'This HQ still has SMS self-registration: HQ will text each number a link to install the app and register.'
    )
    expect(report.offers['email-confirmation']).toBe(false)
    expect(report.channels['sms-confirmation'].message).toMatch(/older than 2024/)
  })

  it('names the plan when the e-mail privilege is missing, and null when the probe could not tell', () => {
    const noPrivilege = describeAccess(found({ email: { state: 'absent', reason: 'no-privilege' } }))
    expect(noPrivilege.offers['email-confirmation']).toBe(false)
    expect(noPrivilege.channels['email-confirmation']).toMatchObject({
      ok: false,
      kind: 'plan',
      message: /plan/
    })
    expect(noPrivilege.message).not.toMatch(/e-mail/)

    const unreachable = describeAccess(
      found({ email: { state: 'unknown', kind: 'network', message: 'Cannot reach HQ — are you offline?' } })
    )
    expect(unreachable.offers['email-confirmation']).toBeNull()
    expect(unreachable.channels['email-confirmation'].message).toMatch(/^Could not tell .*are you offline\?/)
  })

  it('falls back to the e-mail channel and says rows need an address', () => {
    const report = describeAccess(
      found({
        upload: {
          state: 'refused',
          kind: 'permission',
          message: 'x may not upload new mobile workers (403).'
        }
      })
    )
    expect(report.channel).toBe('email-confirmation')
    expect(report.message).toMatch(/x may not upload new mobile workers \(403\)\./)
    expect(report.message).toMatch(
      /HQ will e-mail the worker a link to confirm; rows need an e-mail address\.$/
    )
  })

  it('says what is missing for each channel when none can be used', () => {
    const report = describeAccess(
      found({
        upload: {
          state: 'refused',
          kind: 'permission',
          message: 'Ask for the "Edit Mobile Workers" permission.'
        },
        email: { state: 'absent', reason: 'no-privilege' }
      })
    )
    expect(report.channel).toBeNull()
    expect(report.message).toMatch(/^Roster cannot invite workers on this HQ yet\./)
    expect(report.message).toMatch(/SMS self-registration: this HQ no longer has SMS self-registration/)
    expect(report.message).toMatch(
      /Account \+ confirmation SMS: ask for the "Edit Mobile Workers" permission/
    )
    expect(report.message).toMatch(/Account \+ confirmation e-mail: project 'demo' cannot create accounts/)
  })

  it('says why self-registration is not used when the plan or a setting stops it', () => {
    const report = describeAccess(
      found({
        registration: {
          state: 'refused',
          kind: 'registration-disabled',
          message: 'SMS mobile worker registration is turned off.'
        }
      })
    )
    expect(report.channel).toBe('sms-confirmation')
    expect(report.message).toMatch(
      /^SMS self-registration cannot be used here: SMS mobile worker registration is turned off\. Roster will create/
    )
    expect(report.channels['sms-registration']).toMatchObject({ ok: false, kind: 'registration-disabled' })
  })

  it('does not read the probes of an unknown project or a refused key as channel answers', () => {
    const workers = {
      ok: false,
      message: "No project 'demo' on https://x, or your key cannot see it (404).",
      kind: 'unknown-project' as const
    }
    const report = describeAccess(found({ workers, upload: { state: 'absent', reason: 'old-server' } }))
    expect(report.channel).toBeNull()
    expect(report.message).toBe(workers.message)
    expect(report.channels['sms-confirmation'].message).toMatch(/^Not checked: No project 'demo'/)
    expect(report.offers).toEqual({
      'sms-registration': false,
      'sms-confirmation': false,
      'email-confirmation': null
    })
  })
})
