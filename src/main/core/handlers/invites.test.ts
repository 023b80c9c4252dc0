import { afterEach, describe, expect, it } from 'vitest'
import { InviteLookupSchema } from '../../../shared/invite'
import { writeWorkers } from '../../db/workers'
import { createBatch, markRegistered } from '../../invite'
import { kenyanNumbers, rowsOf, tempDb, type TempDb } from '../../invite/testing'
import { createContext } from '../context'
import { EventHub } from '../events'
import { MemorySecretStore } from '../secrets'
import { inviteHandlers } from './invites'

let t: TempDb
afterEach(() => t?.cleanup())

function handlers() {
  const ctx = createContext({
    db: t.db,
    secrets: new MemorySecretStore(),
    events: new EventHub(),
    version: 'test',
    log: () => {},
    openExternal: async () => {}
  })
  return inviteHandlers(ctx)
}

describe('looking up invitations', () => {
  it('says of each number’s latest invitation whether a sync has found it registered since', async () => {
    t = tempDb()
    const [a, b, c] = kenyanNumbers(3) as [string, string, string]
    const first = createBatch(t.db, {
      projectId: t.project.id,
      options: { appId: 'app-1' },
      rows: rowsOf([a, b, c])
    })
    // HQ accepted a and b; a's person registered, and a sync brought the worker in.
    t.db
      .prepare(`UPDATE invite_numbers SET status = 'success' WHERE batch_id = ? AND e164 != ?`)
      .run(first, c)
    writeWorkers(t.db, { projectId: t.project.id, generation: 1, archived: false, country: 'KE' }, [
      { id: 'w9', username: 'amina@demo-project.commcarehq.org', phone_numbers: [a.slice(1)] }
    ])
    expect(markRegistered(t.db, t.project.id)).toBe(1)
    // b was invited again later: its latest invitation is the new one, not registered.
    const second = createBatch(t.db, {
      projectId: t.project.id,
      options: { appId: 'app-1' },
      rows: rowsOf([b]),
      reinvite: true
    })

    const lookup = await handlers()['invite.lookup']({
      projectId: t.project.id,
      digits: [a, b, c, '254799999999'].map((n) => n.slice(1))
    })
    expect(InviteLookupSchema.parse(lookup)).toEqual(lookup)
    expect(lookup.invited.map((i) => [i.digits, i.batchId, i.status, i.registered]).sort()).toEqual(
      [
        [a.slice(1), first, 'success', true],
        [b.slice(1), second, 'queued', false],
        [c.slice(1), first, 'queued', false]
      ].sort()
    )
    expect(lookup.registered.map((r) => [r.digits, r.workerId])).toEqual([[a.slice(1), 'w9']])
  })

  it('answers an empty list for numbers never invited', async () => {
    t = tempDb()
    const lookup = await handlers()['invite.lookup']({ projectId: t.project.id, digits: ['254700000001'] })
    expect(lookup).toEqual({ registered: [], invited: [], takenUsernames: [] })
  })
})
