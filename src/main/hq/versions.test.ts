import { describe, expect, it } from 'vitest'
import { HqError } from './errors'
import { createApiVersions, resourcePath } from './versions'

const notFound = () => new HqError('unknown-project', 'no such page', { status: 404 })

describe('resourcePath', () => {
  it('writes the versioned and the v0.5 form of each resource', () => {
    expect(resourcePath('demo', 'user', 'versioned')).toBe('/a/demo/api/user/v1/')
    expect(resourcePath('demo', 'user', 'legacy', 'abc')).toBe('/a/demo/api/v0.5/user/abc/')
    expect(resourcePath('demo', 'location', 'versioned')).toBe('/a/demo/api/location/v2/')
    expect(resourcePath('demo', 'location', 'legacy')).toBe('/a/demo/api/v0.5/location/')
    expect(resourcePath('demo', 'application', 'versioned')).toBe('/a/demo/api/application/v1/')
  })
})

describe('createApiVersions', () => {
  it('tries v0.5 after a 404 and keeps using it for that resource only', async () => {
    const versions = createApiVersions('demo')
    const asked: string[] = []
    const oldServer = async (path: string) => {
      asked.push(path)
      if (!path.includes('/v0.5/')) throw notFound()
      return path
    }
    expect(await versions.call('group', (p) => oldServer(p()))).toBe('/a/demo/api/v0.5/group/')
    expect(await versions.call('group', (p) => oldServer(p()))).toBe('/a/demo/api/v0.5/group/')
    expect(versions.known('group')).toBe('legacy')
    expect(versions.known('user')).toBeUndefined()
    expect(asked).toEqual(['/a/demo/api/group/v1/', '/a/demo/api/v0.5/group/', '/a/demo/api/v0.5/group/'])
  })

  it('passes on a 404 from both forms and remembers neither', async () => {
    const versions = createApiVersions('demo')
    let calls = 0
    const error = await versions
      .call('user', async () => {
        calls += 1
        throw notFound()
      })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 404 })
    expect(calls).toBe(2)
    expect(versions.known('user')).toBeUndefined()
  })

  it('trusts the versioned form once it answered, so a later 404 is a real one', async () => {
    const versions = createApiVersions('demo')
    await versions.call('user', async () => 'ok')
    let calls = 0
    await versions
      .call('user', async () => {
        calls += 1
        throw notFound()
      })
      .catch(() => undefined)
    expect(calls).toBe(1)
  })

  it('counts a refusal other than 404 as the form being there', async () => {
    const versions = createApiVersions('demo')
    await versions
      .call('location', async () => {
        throw new HqError('permission', 'no', { status: 403 })
      })
      .catch(() => undefined)
    expect(versions.known('location')).toBe('versioned')
  })
})
