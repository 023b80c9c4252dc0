/**
 * Property tests for reading HQ's answers: whatever body a server (or a proxy in between) sends,
 * parsing ends in data that fits the schema or in an HqError whose message names the problem;
 * an error status with any body becomes an HqError with a message; nothing throws anything else.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ENDPOINTS, errorForStatus, hqMessage, type ErrorContext } from './errorMapping'
import { isHqError } from './errors'
import { parseAnswer } from './requester'
import { RegistrationResponseSchema, WorkerPageSchema, HqLocationSchema, listSchema } from './schemas'

const ctx = (endpoint: keyof typeof ENDPOINTS): ErrorContext => ({
  server: 'https://www.commcarehq.org',
  domain: 'demo-project',
  username: 'coordinator@example.org',
  endpoint
})

/** A worker-like object with each field sometimes the wrong type, missing or extra. */
const workerish = fc.record(
  {
    id: fc.oneof(fc.uuid(), fc.integer(), fc.constant(null)),
    username: fc.oneof(fc.string(), fc.constant(null)),
    first_name: fc.oneof(fc.string(), fc.constant(null)),
    last_name: fc.oneof(fc.string(), fc.constant(null)),
    default_phone_number: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
    phone_numbers: fc.oneof(fc.array(fc.string()), fc.string(), fc.constant(null)),
    groups: fc.oneof(fc.array(fc.string()), fc.constant(null)),
    user_data: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.constant(null), fc.string()),
    extra: fc.jsonValue()
  },
  { requiredKeys: [] }
)

const pageish = fc.record(
  {
    meta: fc.oneof(
      fc.record(
        {
          limit: fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.constant(null), fc.string()),
          offset: fc.oneof(fc.nat(), fc.constant(null)),
          next: fc.oneof(fc.string(), fc.constant(null)),
          total_count: fc.oneof(fc.nat(), fc.constant(null), fc.double())
        },
        { requiredKeys: [] }
      ),
      fc.jsonValue()
    ),
    objects: fc.oneof(fc.array(workerish, { maxLength: 5 }), fc.jsonValue())
  },
  { requiredKeys: [] }
)

/** Bodies as they arrive: JSON of any shape, cut short, an HTML page, or nothing. */
const body = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  pageish.map((p) => JSON.stringify(p)),
  pageish.chain((p) => fc.nat().map((n) => JSON.stringify(p).slice(0, n))),
  fc.string(),
  fc.constantFrom('', '<html><body>Server Error (500)</body></html>', '{"objects": [', 'null')
)

/** Parses, and says what came out: the data, or the error's message. */
function parse(text: string, schema: Parameters<typeof parseAnswer>[1], endpoint: keyof typeof ENDPOINTS) {
  try {
    return { data: parseAnswer({ status: 200, headers: {}, text }, schema, ctx(endpoint)) }
  } catch (error) {
    expect(isHqError(error), String(error)).toBe(true)
    expect((error as Error).message.trim()).not.toBe('')
    return { error: error as Error }
  }
}

describe('reading HQ’s answers, for any body', () => {
  it('a worker page is the page or an HqError with a message', () => {
    fc.assert(
      fc.property(body, (text) => {
        const out = parse(text, WorkerPageSchema, 'workers')
        if (out.data) expect(WorkerPageSchema.safeParse(out.data).success).toBe(true)
      }),
      { numRuns: 1500 }
    )
  })

  it('a registration answer and a location list alike', () => {
    fc.assert(
      fc.property(body, (text) => {
        parse(text, RegistrationResponseSchema, 'registration')
        parse(text, listSchema(HqLocationSchema), 'locations')
      }),
      { numRuns: 1000 }
    )
  })

  it('an error status with any body is an HqError with a message, quoting HQ only as text', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 300, max: 599 }),
        body,
        fc.constantFrom(...(Object.keys(ENDPOINTS) as (keyof typeof ENDPOINTS)[])),
        (status, text, endpoint) => {
          const error = errorForStatus(status, text, ctx(endpoint))
          expect(isHqError(error)).toBe(true)
          expect(error.message.trim()).not.toBe('')
          const said = hqMessage(text)
          if (said.message !== undefined) expect(typeof said.message).toBe('string')
        }
      ),
      { numRuns: 1500 }
    )
  })
})
