/**
 * Where API keys live. The desktop app encrypts them with Electron's safeStorage
 * (src/main/electron/safe-storage.ts); tests and the web demo keep them in memory.
 * Keys never leave the main process: no API call returns one.
 */
export interface SecretStore {
  get(projectId: string): Promise<string | null>
  /**
   * Whether a key is saved, without decrypting it (the scheduler asks every minute). A key
   * already found unreadable counts as missing.
   */
  has(projectId: string): Promise<boolean>
  set(projectId: string, secret: string): Promise<void>
  delete(projectId: string): Promise<void>
  /** Where keys are kept, when that is worth telling the coordinator (app.info's keyStorage). */
  storage?(): { weak: boolean; sessionOnly: boolean; message: string }
}

export class MemorySecretStore implements SecretStore {
  private readonly secrets = new Map<string, string>()
  async get(projectId: string): Promise<string | null> {
    return this.secrets.get(projectId) ?? null
  }
  async has(projectId: string): Promise<boolean> {
    return this.secrets.has(projectId)
  }
  async set(projectId: string, secret: string): Promise<void> {
    this.secrets.set(projectId, secret)
  }
  async delete(projectId: string): Promise<void> {
    this.secrets.delete(projectId)
  }
}
