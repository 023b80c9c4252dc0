import type { ApiHandlers } from '../../../shared/api'
import { ApiError } from '../../../shared/api'
import { createHqClient } from '../../hq/client'
import {
  createProject,
  findProject,
  listProjects,
  normaliseServer,
  projectView,
  removeProject,
  saveChannelProbe,
  updateProject
} from '../../db/projects'
import { listBatches } from '../../invite'
import { reindexWorkersInChunks } from '../../db/workers'
import type { CoreContext, CoreContextInternals } from '../context'
import { checkServerAllowed } from '../serverPolicy'

type ProjectHandlers = Pick<
  ApiHandlers,
  'projects.list' | 'projects.save' | 'projects.update' | 'projects.remove' | 'projects.test'
>

export function projectHandlers(
  ctx: CoreContext & Pick<CoreContextInternals, 'forgetClient'>
): ProjectHandlers {
  const view = async (id: string) => {
    const record = ctx.project(id)
    return projectView(ctx.db, record, (await ctx.secrets.get(id)) !== null)
  }

  return {
    async 'projects.list'() {
      return Promise.all(listProjects(ctx.db).map((record) => view(record.id)))
    },

    async 'projects.save'(input) {
      const identity = {
        server: normaliseServer(input.server),
        domain: input.domain,
        username: input.username
      }
      let id = input.id
      if (id) {
        const current = ctx.project(id)
        if (
          current.server !== identity.server ||
          current.domain !== identity.domain ||
          current.username !== identity.username
        ) {
          throw new ApiError(
            'invalid-input',
            'Server, project space and username cannot change for a saved project: save it as a new project.'
          )
        }
        updateProject(ctx.db, id, { label: input.label, defaultCountry: input.defaultCountry })
      } else {
        const existing = findProject(ctx.db, identity)
        if (!existing) {
          checkServerAllowed(input.server, ctx.allowHttpLoopback)
          // A project is saved for its key: one without could not sync, and would only serve to
          // make a host look like the coordinator's HQ server.
          if (!input.apiKey?.trim()) {
            throw new ApiError('invalid-input', 'Type the API key to save a new project.')
          }
        }
        id = existing
          ? updateProject(ctx.db, existing.id, { label: input.label, defaultCountry: input.defaultCountry })
              .id
          : createProject(ctx.db, { ...identity, label: input.label, defaultCountry: input.defaultCountry })
              .id
      }
      if (input.apiKey) {
        await ctx.secrets.set(id, input.apiKey)
        // The next sync or send uses the new key; one running now finishes with the old.
        ctx.forgetClient(id)
      }
      return view(id)
    },

    async 'projects.update'({ projectId, ...patch }) {
      const before = ctx.project(projectId)
      const after = updateProject(ctx.db, projectId, patch, 'later')
      // Numbers written the national way read differently now: re-derive them in short
      // transactions, so other writers (a sync, the CLI) and the app's thread are never held long.
      if (after.defaultCountry !== before.defaultCountry) {
        await reindexWorkersInChunks(ctx.db, projectId, after.defaultCountry)
      }
      return view(projectId)
    },

    async 'projects.remove'({ projectId }) {
      const unsettled = listBatches(ctx.db, projectId).filter(
        (b) => b.counts.queued + b.counts.sending + b.counts.unknown > 0
      )
      if (unsettled.length > 0) {
        throw new ApiError(
          'busy',
          `Batch ${unsettled.map((b) => b.id).join(', ')} of this project still has numbers waiting to be sent or with an unknown outcome. Settle them in History before removing the project.`
        )
      }
      ctx.running.get(`sync:${projectId}`)?.abort()
      ctx.forgetClient(projectId)
      removeProject(ctx.db, projectId)
      await ctx.secrets.delete(projectId)
      return { ok: true as const }
    },

    async 'projects.test'(input) {
      const signal = AbortSignal.timeout(30_000)
      if ('projectId' in input) {
        const result = await ctx.useClient(input.projectId, (client) => client.checkAccess(signal))
        ctx.noteConnectivity(input.projectId)
        // What the server offers decides the project's channel (auto): keep it, unless the test
        // could not even reach the project (then it says nothing about channels).
        if (result.workers.ok) {
          saveChannelProbe(ctx.db, input.projectId, {
            offers: result.offers,
            message: result.message,
            probedAt: new Date().toISOString()
          })
        }
        return { ok: result.workers.ok, ...result }
      }
      if (!input.apiKey) throw new ApiError('invalid-input', 'Type the API key to test the connection.')
      checkServerAllowed(input.server, ctx.allowHttpLoopback)
      const client = createHqClient({
        server: input.server,
        domain: input.domain,
        username: input.username,
        apiKey: input.apiKey,
        appVersion: ctx.version,
        ...(ctx.proxyFor ? { proxy: ctx.proxyFor } : {}),
        retry: { maxAttempts: 2 }
      })
      try {
        const result = await client.checkAccess(signal)
        const saved = findProject(ctx.db, input)
        if (saved && result.workers.ok) {
          saveChannelProbe(ctx.db, saved.id, {
            offers: result.offers,
            message: result.message,
            probedAt: new Date().toISOString()
          })
        }
        return { ok: result.workers.ok, ...result }
      } finally {
        await client.close()
      }
    }
  }
}
