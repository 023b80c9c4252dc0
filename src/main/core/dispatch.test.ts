import { describe, expect, it } from 'vitest'
import { ApiError, type ApiHandlers } from '../../shared/api'
import { dispatch } from './dispatch'

/** Only the calls these tests make; the rest must never be reached. */
function handlersWith(partial: Partial<ApiHandlers>): ApiHandlers {
  return new Proxy(partial as ApiHandlers, {
    get(target, name: string) {
      const handler = target[name as keyof ApiHandlers]
      if (!handler) throw new Error(`unexpected call ${name}`)
      return handler
    }
  })
}

describe('dispatch', () => {
  const seen: unknown[] = []
  const handlers = handlersWith({
    'workers.query': async (input) => {
      seen.push(input)
      return { total: 0, offset: input.offset, rows: [] }
    },
    'projects.remove': async () => {
      throw new ApiError('unknown-project', 'That project is no longer saved in Roster.')
    },
    'app.info': async () => {
      throw new Error('disk on fire')
    }
  })

  it('passes a valid payload to the handler with defaults filled in', async () => {
    const result = await dispatch(handlers, 'workers.query', { projectId: 'p1', text: 'amina' })
    expect(result).toEqual({ ok: true, result: { total: 0, offset: 0, rows: [] } })
    expect(seen.at(-1)).toMatchObject({
      projectId: 'p1',
      text: 'amina',
      status: 'active',
      sort: 'name',
      limit: 100
    })
  })

  it('rejects an unknown call by name', async () => {
    const result = await dispatch(handlers, 'fs.readFile', { path: '/etc/passwd' })
    expect(result).toEqual({
      ok: false,
      error: { code: 'unknown-method', message: 'There is no call named "fs.readFile".' }
    })
  })

  it('rejects a payload of the wrong type naming the field', async () => {
    const result = await dispatch(handlers, 'workers.query', { projectId: 'p1', limit: 'all' })
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error.code).toBe('invalid-input')
      expect(result.error.message).toMatch(/^workers\.query: limit: /)
    }
  })

  it('rejects fields the call does not take', async () => {
    const result = await dispatch(handlers, 'workers.query', { projectId: 'p1', sql: 'DROP TABLE workers' })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.message).toContain('sql')
  })

  it('rejects a page window larger than the contract allows', async () => {
    const result = await dispatch(handlers, 'workers.query', { projectId: 'p1', limit: 1_000_000 })
    expect(result.ok).toBe(false)
  })

  it('rejects an invitation row whose number is not E.164', async () => {
    const result = await dispatch(handlers, 'invite.create', {
      projectId: 'p1',
      options: { appId: 'app' },
      rows: [{ row: 2, e164: '0712345678' }]
    })
    expect(result).toEqual({
      ok: false,
      error: { code: 'invalid-input', message: 'invite.create: rows[0].e164: Not an E.164 phone number' }
    })
  })

  it("passes a handler's coordinator-facing error through unchanged", async () => {
    const result = await dispatch(handlers, 'projects.remove', { projectId: 'gone' })
    expect(result).toEqual({
      ok: false,
      error: { code: 'unknown-project', message: 'That project is no longer saved in Roster.' }
    })
  })

  it('reports an unexpected failure without its stack and logs the details', async () => {
    const logged: string[] = []
    const result = await dispatch(handlers, 'app.info', {}, (m) => logged.push(m))
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'disk on fire' } })
    expect(logged[0]).toContain('app.info failed')
  })
})
