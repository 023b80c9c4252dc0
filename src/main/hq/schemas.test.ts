import { describe, expect, it } from 'vitest'
import {
  HqApplicationSchema,
  HqLocationSchema,
  HqWorkerSchema,
  lastUriSegment,
  RegistrationRequestSchema,
  RegistrationResponseSchema,
  WorkerPageSchema
} from './schemas'

const worker = {
  type: 'user',
  id: '3c5a623af057e23a32ae4000cf291339',
  username: 'jdoe@demo.commcarehq.org',
  first_name: 'John',
  last_name: '',
  default_phone_number: '+50253311399',
  email: '',
  phone_numbers: ['+50253311399', '50253314588'],
  groups: ['9a0accdba29e01a61ea099394737c4fb'],
  locations: ['26fc44e2792b4f2fa8ef86178f0a958e'],
  primary_location: '26fc44e2792b4f2fa8ef86178f0a958e',
  user_data: { chw_id: '13/43/DFA', commcare_project: 'demo' },
  resource_uri: '/a/demo/api/v0.5/user/3c5a623af057e23a32ae4000cf291339/',
  eulas: null
}

describe('HqWorkerSchema', () => {
  it('keeps every field HQ sends, including ones Roster does not know yet', () => {
    const parsed = HqWorkerSchema.parse({ ...worker, extras: { submitted_last_30: 4 } })
    expect(parsed).toMatchObject(worker)
    expect(parsed.extras).toEqual({ submitted_last_30: 4 })
  })

  it('reads missing optional fields of older HQ versions as empty', () => {
    const parsed = HqWorkerSchema.parse({ id: 'a', username: 'a@demo.commcarehq.org' })
    expect(parsed).toMatchObject({
      first_name: null,
      last_name: null,
      default_phone_number: null,
      email: null,
      phone_numbers: [],
      groups: [],
      user_data: {}
    })
    expect(parsed.locations).toBeUndefined()
  })

  it('accepts a phone number sent as a bare number', () => {
    expect(HqWorkerSchema.parse({ ...worker, phone_numbers: [50253311399] }).phone_numbers).toEqual([
      '50253311399'
    ])
  })

  it('refuses a worker without an id', () => {
    expect(HqWorkerSchema.safeParse({ ...worker, id: undefined }).success).toBe(false)
    expect(HqWorkerSchema.safeParse({ ...worker, id: '' }).success).toBe(false)
  })
})

describe('WorkerPageSchema', () => {
  it('needs the page size and total_count to page by', () => {
    const page = {
      meta: { limit: 1000, offset: 0, next: null, previous: null, total_count: 1 },
      objects: [worker]
    }
    expect(WorkerPageSchema.parse(page).meta.total_count).toBe(1)
    expect(
      WorkerPageSchema.safeParse({ ...page, meta: { ...page.meta, total_count: undefined } }).success
    ).toBe(false)
    expect(WorkerPageSchema.safeParse({ ...page, meta: { ...page.meta, limit: 0 } }).success).toBe(false)
  })
})

describe('HqLocationSchema', () => {
  it('normalises a location/v2 object', () => {
    expect(
      HqLocationSchema.parse({
        id: 12,
        location_id: 'loc-uuid',
        name: 'Patna',
        site_code: 'patna',
        location_type_code: 'district',
        location_type_name: 'District',
        parent_location_id: ''
      })
    ).toEqual({ id: 'loc-uuid', name: 'Patna', siteCode: 'patna', type: 'district', parentId: null })
  })

  it('normalises a v0.5 object whose type and parent are resource URIs', () => {
    expect(
      HqLocationSchema.parse({
        id: 13,
        location_id: 'child-uuid',
        name: 'Ward 4',
        site_code: 'ward_4',
        location_type: 'https://www.commcarehq.org/a/demo/api/v0.5/location_type/7/',
        parent: 'https://www.commcarehq.org/a/demo/api/v0.5/location/loc-uuid/'
      })
    ).toEqual({ id: 'child-uuid', name: 'Ward 4', siteCode: 'ward_4', type: '7', parentId: 'loc-uuid' })
  })

  it('accepts the older names id and parent as plain values', () => {
    expect(
      HqLocationSchema.parse({ id: 'abc', name: 'X', location_type: 'village', parent: 'root' })
    ).toEqual({
      id: 'abc',
      name: 'X',
      siteCode: null,
      type: 'village',
      parentId: 'root'
    })
  })

  it('refuses a location with no id at all, naming location_id', () => {
    const result = HqLocationSchema.safeParse({ name: 'X' })
    expect(result.success).toBe(false)
    expect(result.error!.issues[0]!.path).toEqual(['location_id'])
  })

  it('takes the last segment of a resource URI', () => {
    expect(lastUriSegment('/a/d/api/v0.5/location/abc/')).toBe('abc')
    expect(lastUriSegment('abc')).toBe('abc')
  })
})

describe('HqApplicationSchema', () => {
  it('keeps only the id and name of an application', () => {
    expect(
      HqApplicationSchema.parse({ id: 'app1', name: 'CHW app', modules: [{ forms: [] }], version: 3 })
    ).toEqual({
      id: 'app1',
      name: 'CHW app'
    })
  })
})

describe('registration schemas', () => {
  it('accepts a well-formed request and refuses numbers that are not text', () => {
    expect(
      RegistrationRequestSchema.safeParse({
        app_id: 'a',
        users: [{ phone_number: '+15551234567' }],
        android_only: true
      }).success
    ).toBe(true)
    expect(
      RegistrationRequestSchema.safeParse({ app_id: 'a', users: [{ phone_number: 15551234567 }] }).success
    ).toBe(false)
    expect(RegistrationRequestSchema.safeParse({ app_id: '', users: [{ phone_number: '1' }] }).success).toBe(
      false
    )
    expect(RegistrationRequestSchema.safeParse({ app_id: 'a', users: [] }).success).toBe(false)
  })

  it('reads the three result lists of a response', () => {
    const response = { success_numbers: ['15551234567'], invalid_format_numbers: ['abc'], numbers_in_use: [] }
    expect(RegistrationResponseSchema.parse(response)).toEqual(response)
    expect(RegistrationResponseSchema.safeParse({ success_numbers: [] }).success).toBe(false)
  })
})
