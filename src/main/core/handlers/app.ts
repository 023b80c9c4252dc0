import type { ApiHandlers } from '../../../shared/api'
import { ApiError } from '../../../shared/api'
import { listProjects } from '../../db/projects'
import type { CoreContext } from '../context'
import type { StatusBoard } from '../status'

type AppHandlers = Pick<ApiHandlers, 'app.openExternal' | 'app.info' | 'app.status'>

/**
 * Only pages of a saved project's own HQ server open in the system browser: a link in worker data
 * cannot send the coordinator anywhere else.
 */
export function appHandlers(
  ctx: CoreContext,
  status: StatusBoard,
  transport: 'ipc' | 'loopback'
): AppHandlers {
  return {
    async 'app.openExternal'({ url }) {
      const target = new URL(url)
      const allowed = listProjects(ctx.db).some((p) => {
        const server = new URL(p.server)
        return server.origin === target.origin
      })
      if (!allowed || !/^https?:$/.test(target.protocol)) {
        throw new ApiError('forbidden', `Roster only opens pages of your HQ server, not ${target.host}.`)
      }
      await ctx.openExternal(target.toString())
      return { ok: true as const }
    },
    async 'app.info'() {
      return { version: ctx.version, transport }
    },
    async 'app.status'() {
      return status.snapshot()
    }
  }
}
