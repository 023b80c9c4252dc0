import type { ApiHandlers } from '../../../shared/api'
import { listApplications } from '../../db/applications'
import { workersCsv } from '../../db/exportCsv'
import { getWorker, queryWorkers, workerFacets } from '../../db/workerQueries'
import type { CoreContext } from '../context'

type WorkerHandlers = Pick<
  ApiHandlers,
  'workers.query' | 'workers.get' | 'workers.facets' | 'workers.exportCsv' | 'apps.list'
>

/** Reads of the local roster: no network, ever. */
export function workerHandlers(ctx: CoreContext): WorkerHandlers {
  return {
    async 'workers.query'(input) {
      return queryWorkers(ctx.db, input)
    },
    async 'workers.get'({ projectId, id }) {
      return getWorker(ctx.db, projectId, id)
    },
    async 'workers.facets'({ projectId }) {
      ctx.project(projectId)
      return workerFacets(ctx.db, projectId)
    },
    async 'workers.exportCsv'({ columns, ...filter }) {
      return workersCsv(ctx.db, filter, columns)
    },
    async 'apps.list'({ projectId }) {
      ctx.project(projectId)
      return listApplications(ctx.db, projectId)
    }
  }
}
