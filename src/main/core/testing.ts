import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ApiEvent, ApiEventName, ApiInput, ApiMethod, ApiOutput } from '../../shared/api'
import { createCore, type Core } from './core'
import { dispatch } from './dispatch'
import { MemorySecretStore } from './secrets'

export interface TestCore {
  core: Core
  dir: string
  dbPath: string
  /** A call as the renderer makes it (validated both ways); a refusal throws with its code. */
  call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>>
  /** The next event of that name (and matching), from now on. */
  next<E extends ApiEventName>(event: E, match?: (payload: ApiEvent<E>) => boolean): Promise<ApiEvent<E>>
  /** Closes the core and deletes its folder. */
  close(): Promise<void>
}

/** The whole core on a database in a new temporary folder; `options` adds to or overrides the defaults. Test support only. */
export function startTestCore(options: Partial<Parameters<typeof createCore>[0]> = {}): TestCore {
  const dir = mkdtempSync(join(tmpdir(), 'roster-core-'))
  const dbPath = join(dir, 'roster.db')
  const core = createCore({
    dbPath,
    secrets: new MemorySecretStore(),
    openExternal: async () => {},
    transport: 'loopback',
    version: 'test',
    log: () => {},
    ...options
  })
  return {
    core,
    dir,
    dbPath,
    async call(method, input) {
      const result = await dispatch(core.handlers, method, input)
      if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code })
      return result.result as ApiOutput<typeof method>
    },
    next(event, match = () => true) {
      return new Promise((resolve) => {
        const stop = core.events.subscribe((name, payload) => {
          if (name === event && match(payload as ApiEvent<typeof event>)) {
            stop()
            resolve(payload as ApiEvent<typeof event>)
          }
        })
      })
    },
    async close() {
      await core.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
