import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => import('./fake-electron'))
const fake = await import('./fake-electron')
const { SafeStorageSecretStore } = await import('./safe-storage')

let dir: string
let file: string
const warnings: string[] = []
const onLinux = (fn: () => Promise<void>) => async () => {
  const platform = Object.getOwnPropertyDescriptor(process, 'platform')!
  Object.defineProperty(process, 'platform', { value: 'linux' })
  try {
    await fn()
  } finally {
    Object.defineProperty(process, 'platform', platform)
  }
}
const store = (opts?: { storeWeakly?: boolean }) =>
  new SafeStorageSecretStore(file, (m) => warnings.push(m), opts)
const onDisk = () =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, { cipher: string; backend: string }>

beforeEach(() => {
  fake.reset()
  warnings.length = 0
  dir = mkdtempSync(join(tmpdir(), 'roster-keys-'))
  file = join(dir, 'keys.json')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('API keys in safeStorage', () => {
  it(
    'saves a key encrypted with the keyring, private to the user, and reads it back in a new session',
    onLinux(async () => {
      await store().set('p1', 'key-1')
      expect(onDisk().p1?.backend).toBe('gnome_libsecret')
      expect(readFileSync(file, 'utf8')).not.toContain('"key-1"')
      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect(await store().get('p1')).toBe('key-1')
      expect(store().storage()).toEqual({ weak: false, sessionOnly: false, message: '' })
    })
  )

  it(
    'keeps a key for the session only on Linux without a keyring, and says so',
    onLinux(async () => {
      fake.safeStorage.backend = 'basic_text'
      const s = store()
      expect(warnings[0]).toContain('for this session only')
      await s.set('p1', 'key-1')
      expect(await s.get('p1')).toBe('key-1')
      expect(await s.has('p1')).toBe(true)
      expect(() => readFileSync(file)).toThrow()
      expect(s.storage()).toMatchObject({ weak: true, sessionOnly: true })
      expect(s.storage().message).toContain('keeps API keys only until it closes')
      expect(await store().get('p1')).toBeNull()
    })
  )

  it(
    'stores weakly once the coordinator agrees, the session’s keys included',
    onLinux(async () => {
      fake.safeStorage.backend = 'basic_text'
      const s = store()
      await s.set('p1', 'key-1')
      await s.agreeToWeakStorage()
      expect(onDisk().p1?.backend).toBe('basic_text')
      expect(s.storage()).toMatchObject({ weak: true, sessionOnly: false })
      expect(await store({ storeWeakly: true }).get('p1')).toBe('key-1')
    })
  )

  it(
    'never overwrites a key stored under a stronger backend with a weak one',
    onLinux(async () => {
      await store().set('p1', 'strong-key')
      const strong = onDisk().p1
      fake.safeStorage.backend = 'basic_text'
      const weak = store({ storeWeakly: true })
      await weak.set('p1', 'new-key')
      expect(onDisk().p1).toEqual(strong)
      expect(await weak.get('p1')).toBe('new-key')
      await weak.set('p2', 'other')
      expect(onDisk().p2?.backend).toBe('basic_text')
    })
  )

  it(
    'asks again for a key that no longer decrypts, once',
    onLinux(async () => {
      await store().set('p1', 'key-1')
      fake.safeStorage.backend = 'kwallet6'
      const s = store()
      expect(await s.get('p1')).toBeNull()
      expect(await s.get('p1')).toBeNull()
      expect(await s.has('p1')).toBe(false)
      expect(warnings.filter((w) => w.includes('could not be decrypted'))).toHaveLength(1)
    })
  )

  it('refuses to save when the computer offers no encryption at all', async () => {
    fake.safeStorage.available = false
    await expect(store().set('p1', 'k')).rejects.toThrow('no way to store the API key safely')
  })
})
