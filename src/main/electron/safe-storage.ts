import { safeStorage } from 'electron'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import type { SecretStore } from '../core/secrets'

interface StoredKey {
  /** Base64 of safeStorage.encryptString. */
  cipher: string
  /** Which OS backend encrypted it, so a keyring change can be explained rather than guessed. */
  backend: string
}

/**
 * API keys encrypted with the OS keychain through safeStorage, in a JSON file beside the database.
 * A key that no longer decrypts (keyring changed, profile copied) reads as missing, so the app asks
 * for it again instead of failing.
 */
export class SafeStorageSecretStore implements SecretStore {
  constructor(
    private readonly file: string,
    private readonly warn: (message: string) => void
  ) {
    if (process.platform === 'linux' && backend() === 'basic_text') {
      warn('No OS keyring found: API keys are stored with weak protection (safeStorage basic_text).')
    }
  }

  async get(projectId: string): Promise<string | null> {
    const entry = this.read()[projectId]
    if (!entry) return null
    try {
      return safeStorage.decryptString(Buffer.from(entry.cipher, 'base64'))
    } catch {
      this.warn(
        `The saved API key for a project could not be decrypted (it was encrypted with ${entry.backend}); asking for it again.`
      )
      return null
    }
  }

  async set(projectId: string, secret: string): Promise<void> {
    if (!safeStorage.isEncryptionAvailable()) {
      throw new Error('This computer offers no way to store the API key safely.')
    }
    const all = this.read()
    all[projectId] = { cipher: safeStorage.encryptString(secret).toString('base64'), backend: backend() }
    this.write(all)
  }

  async delete(projectId: string): Promise<void> {
    const all = this.read()
    delete all[projectId]
    this.write(all)
  }

  private read(): Record<string, StoredKey> {
    if (!existsSync(this.file)) return {}
    return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, StoredKey>
  }

  private write(all: Record<string, StoredKey>): void {
    const temp = `${this.file}.tmp`
    writeFileSync(temp, JSON.stringify(all), { mode: 0o600 })
    renameSync(temp, this.file)
  }
}

function backend(): string {
  if (process.platform !== 'linux') return process.platform === 'darwin' ? 'keychain' : 'dpapi'
  return safeStorage.getSelectedStorageBackend()
}
