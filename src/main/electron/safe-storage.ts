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
 *
 * On Linux without a keyring safeStorage falls back to `basic_text`, a fixed password anyone with
 * the file can undo. Then a key is kept for this session only (in memory), unless the coordinator
 * agreed to store it weakly (`agreeToWeakStorage`, or ROSTER_STORE_KEYS_WEAKLY=1); and a key
 * stored under a stronger backend (the keyring of an earlier session) is never overwritten by a
 * weak one.
 */
export class SafeStorageSecretStore implements SecretStore {
  /** Ciphers that did not decrypt: reported once, and missing to has() until saved again. */
  private readonly unreadable = new Set<string>()
  /** The damaged file was reported (has() reads it every minute); a write replaces it. */
  private damageReported = false
  /** Keys kept for this session only (weak backend, no consent, or a stronger key on disk). */
  private readonly session = new Map<string, string>()
  private weakConsent: boolean

  constructor(
    private readonly file: string,
    private readonly warn: (message: string) => void,
    opts: { storeWeakly?: boolean } = {}
  ) {
    this.weakConsent = opts.storeWeakly ?? process.env.ROSTER_STORE_KEYS_WEAKLY === '1'
    if (this.weak()) {
      warn(
        this.weakConsent
          ? 'No OS keyring found: API keys are stored with weak protection (safeStorage basic_text), as agreed.'
          : 'No OS keyring found: API keys are kept for this session only (safeStorage would only offer basic_text).'
      )
    }
  }

  /** What the app tells the coordinator about where keys are kept. */
  storage(): KeyStorage {
    if (!this.weak()) return { weak: false, sessionOnly: false, message: '' }
    return this.weakConsent
      ? {
          weak: true,
          sessionOnly: false,
          message:
            'This computer has no keyring, so API keys are saved with weak protection: anyone who can read your files can read them.'
        }
      : {
          weak: true,
          sessionOnly: true,
          message:
            'This computer has no keyring (such as GNOME Keyring or KWallet), so Roster keeps API keys only until it closes. You will be asked for them again next time.'
        }
  }

  /** The coordinator agreed to store keys weakly: session keys are written now, later ones too. */
  async agreeToWeakStorage(): Promise<void> {
    this.weakConsent = true
    for (const [projectId, secret] of [...this.session]) {
      if (await this.persist(projectId, secret)) this.session.delete(projectId)
    }
  }

  async get(projectId: string): Promise<string | null> {
    const kept = this.session.get(projectId)
    if (kept !== undefined) return kept
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
    if (this.session.has(projectId)) return true
    const entry = this.read()[projectId]
    return entry !== undefined && !this.unreadable.has(entry.cipher)
  }

  async set(projectId: string, secret: string): Promise<void> {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) {
      throw new Error('This computer offers no way to store the API key safely.')
    }
    if (await this.persist(projectId, secret)) this.session.delete(projectId)
    else this.session.set(projectId, secret)
  }

  /** Writes the key encrypted, unless the backend is weak (without consent) or weaker than the saved key's. */
  private async persist(projectId: string, secret: string): Promise<boolean> {
    const current = backend()
    if (this.weak()) {
      if (!this.weakConsent) return false
      const saved = this.read()[projectId]
      if (saved && saved.backend !== WEAK_BACKEND) return false
    }
    const cipher = (await safeStorage.encryptStringAsync(secret)).toString('base64')
    const all = this.read()
    all[projectId] = { cipher, backend: current }
    this.write(all)
    this.unreadable.delete(cipher)
    return true
  }

  async delete(projectId: string): Promise<void> {
    this.session.delete(projectId)
    const all = this.read()
    delete all[projectId]
    this.write(all)
  }

  private weak(): boolean {
    return process.platform === 'linux' && backend() === WEAK_BACKEND
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

const WEAK_BACKEND = 'basic_text'

export interface KeyStorage {
  /** No keyring: safeStorage offers only basic_text. */
  weak: boolean
  /** Keys are kept until Roster closes. */
  sessionOnly: boolean
  /** For the coordinator; empty when there is nothing to say. */
  message: string
}

function backend(): string {
  if (process.platform !== 'linux') return process.platform === 'darwin' ? 'keychain' : 'dpapi'
  return safeStorage.getSelectedStorageBackend()
}
