import { isHqError, redact } from './errors'
import { isSuccess, type Requester } from './requester'
import { withRetry } from './retry'
import { WorkerPageSchema, type AccessCheck } from './schemas'
import { apiPath } from './url'

export interface AccessReport {
  workers: AccessCheck
  registration: AccessCheck
}

/**
 * What this key may do, checked without side effects: the worker list with limit=1, and the
 * registration endpoint with an empty body. HQ checks plan, messaging settings and permission
 * before it validates the body, so its 400 "app_id is required" proves all three are in place,
 * and an invalid body invites nobody.
 */
export async function checkAccess(
  r: Requester,
  secrets: readonly string[],
  signal?: AbortSignal
): Promise<AccessReport> {
  const failed = (error: unknown): AccessCheck => {
    if (!isHqError(error) || error.kind === 'cancelled') throw error
    return { ok: false, message: redact(error.message, secrets), kind: error.kind }
  }
  const [workers, registration] = await Promise.all([
    checkWorkers(r, signal).catch(failed),
    checkRegistration(r, signal).catch(failed)
  ])
  return { workers, registration }
}

async function checkWorkers(r: Requester, signal?: AbortSignal): Promise<AccessCheck> {
  const page = await r.getJson({
    endpoint: 'workers',
    path: apiPath(r.identity.domain, 'v0.5', 'user'),
    query: { format: 'json', limit: 1 },
    schema: WorkerPageSchema,
    ...(signal ? { signal } : {})
  })
  const n = page.meta.total_count
  return { ok: true, message: `Can read the mobile worker list (${n} active worker${n === 1 ? '' : 's'}).` }
}

async function checkRegistration(r: Requester, signal?: AbortSignal): Promise<AccessCheck> {
  const ctx = r.context('registration')
  const answer = await withRetry(
    async () => {
      const a = await r.send('registration', {
        method: 'POST',
        path: apiPath(r.identity.domain, 'v0.5', 'sms_user_registration'),
        body: '{}',
        ...(signal ? { signal } : {})
      })
      // Safe to repeat (an empty body invites nobody): let 429 and 5xx take the retry rules.
      if (a.status === 429 || a.status >= 500) throw r.statusError(a, ctx)
      return a
    },
    r.retryDeps,
    signal
  )
  if (answer.status === 400 || isSuccess(answer)) {
    return {
      ok: true,
      message: `Can send SMS invitations in project '${r.identity.domain}' ("Edit Data" permission, plan and messaging settings are in place).`
    }
  }
  throw r.statusError(answer, ctx)
}
