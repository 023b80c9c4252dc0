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
  /**
   * Quits and opens the app again: closes the core as quitting does, then starts a new one on
   * the same folder, database and key store. Use the returned one from then on.
   */
  restart(): Promise<TestCore>
  /** Closes the core and deletes its folder. */
  close(): Promise<void>
}

type CoreOptions = Parameters<typeof createCore>[0]

/** The whole core on a database in a new temporary folder; `options` adds to or overrides the defaults. Test support only. */
export function startTestCore(options: Partial<CoreOptions> = {}): TestCore {
  const dir = mkdtempSync(join(tmpdir(), 'roster-core-'))
  return open(dir, {
    dbPath: join(dir, 'roster.db'),
    secrets: new MemorySecretStore(),
    openExternal: async () => {},
    transport: 'loopback',
    version: 'test',
    log: () => {},
    // The HQ simulator is plain HTTP on 127.0.0.1.
    allowHttpLoopback: true,
    ...options
  })
}

function open(dir: string, options: CoreOptions): TestCore {
  const core = createCore(options)
  return {
    core,
    dir,
    dbPath: options.dbPath,
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
    async restart() {
      await core.close()
      return open(dir, options)
    },
    async close() {
      await core.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
