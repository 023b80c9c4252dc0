/**
 * Property test for IPC payload validation: whatever a (compromised) renderer sends to any call,
 * the dispatcher answers with a result or a refusal whose message names the call; a handler only
 * ever receives a payload that fits the contract; and nothing throws out of dispatch.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { apiContract, type ApiHandlers, type ApiMethod } from '../../shared/api'
import { dispatch } from './dispatch'

const METHODS = Object.keys(apiContract) as ApiMethod[]

/** Handlers that record what reached them. */
function recordingHandlers(reached: { method: string; input: unknown }[]): ApiHandlers {
  return new Proxy({} as ApiHandlers, {
    get: (_target, method: string) => async (input: unknown) => {
      reached.push({ method, input })
      return {}
    }
  })
}

/** Payloads a hostile or buggy renderer could send: any JSON, near-misses of real shapes, oddities. */
const payload = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(
    fc.constantFrom(
      'projectId',
      'batchId',
      'text',
      'limit',
      'offset',
      'numberIds',
      'action',
      'server',
      'domain',
      'username',
      'apiKey',
      'rows',
      'options',
      '__proto__',
      'constructor'
    ),
    fc.oneof(fc.jsonValue(), fc.string({ maxLength: 10_000 }), fc.array(fc.integer(), { maxLength: 50 }))
  ),
  fc.constantFrom(undefined, null, 0, '', [], 'x'.repeat(100_000), { then: 'not a promise' }),
  fc.anything({ maxDepth: 4 })
)

describe('dispatch, for any payload to any call', () => {
  it('answers with a result or a refusal naming the call, and lets only valid payloads through', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHODS), payload, async (method, input) => {
        const reached: { method: string; input: unknown }[] = []
        const result = await dispatch(recordingHandlers(reached), method, input)
        if (result.ok) {
          expect(reached).toHaveLength(1)
          expect(apiContract[method].input.safeParse(reached[0]!.input).success).toBe(true)
        } else {
          expect(reached).toEqual([])
          expect(result.error.code).toBe('invalid-input')
          expect(result.error.message.startsWith(`${method}: `)).toBe(true)
          expect(result.error.message.length).toBeGreaterThan(method.length + 2)
        }
      }),
      { numRuns: 3000 }
    )
  })

  it('refuses any name that is not a call, prototype names included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty')),
        payload,
        async (name, input) => {
          fc.pre(!(METHODS as string[]).includes(name))
          const reached: { method: string; input: unknown }[] = []
          const result = await dispatch(recordingHandlers(reached), name, input)
          expect(result).toMatchObject({ ok: false, error: { code: 'unknown-method' } })
          expect(reached).toEqual([])
        }
      ),
      { numRuns: 1000 }
    )
  })
})
