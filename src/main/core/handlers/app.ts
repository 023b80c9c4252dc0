import type { ApiHandlers } from '../../../shared/api'
import { ApiError } from '../../../shared/api'
import { listProjects } from '../../db/projects'
import { lastGoodRun } from '../../db/syncRuns'
import { externalLinkAllowed } from '../externalLinks'
import type { CoreContext } from '../context'
import type { StatusBoard } from '../status'

type AppHandlers = Pick<ApiHandlers, 'app.openExternal' | 'app.info' | 'app.status' | 'app.restartToUpdate'>

/**
 * Only HQ pages of a saved project that has a key and has synced open in the system browser
 * (./externalLinks): a link in worker data, or a project saved on any host, cannot send the
 * coordinator anywhere else.
 */
export function appHandlers(
  ctx: CoreContext,
  status: StatusBoard,
  transport: 'ipc' | 'loopback',
  restartToUpdate?: () => void
): AppHandlers {
  return {
    async 'app.openExternal'({ url }) {
      const projects = await Promise.all(
        listProjects(ctx.db).map(async (p) => ({
          server: p.server,
          domain: p.domain,
          hasKey: await ctx.secrets.has(p.id),
          synced: lastGoodRun(ctx.db, p.id) !== undefined
        }))
      )
      if (!externalLinkAllowed(url, projects, ctx.allowHttpLoopback)) {
        const host = URL.canParse(url) ? new URL(url).host : 'that address'
        throw new ApiError(
          'forbidden',
          `Roster only opens HQ pages of a project you have synced, not ${host || 'that address'}.`
        )
      }
      await ctx.openExternal(new URL(url).toString())
      return { ok: true as const }
    },
    async 'app.info'() {
      const keyStorage = ctx.secrets.storage?.()
      return { version: ctx.version, transport, ...(keyStorage?.weak ? { keyStorage } : {}) }
    },
    async 'app.restartToUpdate'() {
      if (!restartToUpdate) throw new ApiError('unavailable', 'This copy of Roster does not update itself.')
      restartToUpdate()
      return { ok: true as const }
    },
    async 'app.status'() {
      return status.snapshot()
    }
  }
}
