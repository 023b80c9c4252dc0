import { safeStorage } from 'electron'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import type { SecretStore } from '../core/secrets'

interface StoredKey {
  /** Base64 of safeStorage.encryptStringAsync. */
  cipher: string
  /** Which OS backend encrypted it, so a keyring change can be explained rather than guessed. */
  backend: string
}

/**
 * API keys encrypted with the OS keychain through safeStorage, in a JSON file beside the database.
 * A key that no longer decrypts (keyring changed, profile copied) or a damaged file reads as
 * missing, so the app asks for the key again instead of failing.
 */
export class SafeStorageSecretStore implements SecretStore {
  /** Ciphers that did not decrypt: reported once, and missing to has() until saved again. */
  private readonly unreadable = new Set<string>()
  /** The damaged file was reported (has() reads it every minute); a write replaces it. */
  private damageReported = false

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
      const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(
        Buffer.from(entry.cipher, 'base64')
      )
      if (shouldReEncrypt) await this.set(projectId, result)
      return result
    } catch {
      if (!this.unreadable.has(entry.cipher)) {
        this.unreadable.add(entry.cipher)
        this.warn(
          `The saved API key for a project could not be decrypted (it was encrypted with ${entry.backend}); asking for it again.`
        )
      }
      return null
    }
  }

  async has(projectId: string): Promise<boolean> {
    const entry = this.read()[projectId]
    return entry !== undefined && !this.unreadable.has(entry.cipher)
  }

  async set(projectId: string, secret: string): Promise<void> {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) {
      throw new Error('This computer offers no way to store the API key safely.')
    }
    const cipher = (await safeStorage.encryptStringAsync(secret)).toString('base64')
    const all = this.read()
    all[projectId] = { cipher, backend: backend() }
    this.write(all)
  }

  async delete(projectId: string): Promise<void> {
    const all = this.read()
    delete all[projectId]
    this.write(all)
  }

  private read(): Record<string, StoredKey> {
    if (!existsSync(this.file)) return {}
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, StoredKey>
    } catch {
      if (!this.damageReported) {
        this.damageReported = true
        this.warn('The file of saved API keys is damaged; asking for the keys again.')
      }
      return {}
    }
  }

  private write(all: Record<string, StoredKey>): void {
    const temp = `${this.file}.tmp`
    writeFileSync(temp, JSON.stringify(all), { mode: 0o600 })
    renameSync(temp, this.file)
    this.damageReported = false
  }
}

function backend(): string {
  if (process.platform !== 'linux') return process.platform === 'darwin' ? 'keychain' : 'dpapi'
  return safeStorage.getSelectedStorageBackend()
}
