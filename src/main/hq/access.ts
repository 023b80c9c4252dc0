import { describeAccess, type AccessReport } from './accessWords'
import { isHqError, redact } from './errors'
import { probeBulkUpload, probeEmailConfirmation, probeRegistration, type Probe } from './probe'
import type { Requester } from './requester'
import { WorkerPageSchema, type AccessCheck } from './schemas'

export type { AccessReport } from './accessWords'

/**
 * Test connection, without side effects: the worker list (limit=1) and the three channel probes
 * (probe.ts), all at once, then put into words (accessWords.ts). Messages never carry a secret.
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
  const clean = (probe: Probe): Probe =>
    'message' in probe ? { ...probe, message: redact(probe.message, secrets) } : probe
  const [workers, registration, upload, email] = await Promise.all([
    checkWorkers(r, signal).catch(failed),
    probeRegistration(r, signal).then(clean),
    probeBulkUpload(r, signal).then(clean),
    probeEmailConfirmation(r, signal).then(clean)
  ])
  return describeAccess({ domain: r.identity.domain, workers, registration, upload, email })
}

async function checkWorkers(r: Requester, signal?: AbortSignal): Promise<AccessCheck> {
  const page = await r.versions.call('user', (path) =>
    r.getJson({
      endpoint: 'workers',
      path: path(),
      query: { format: 'json', limit: 1 },
      schema: WorkerPageSchema,
      ...(signal ? { signal } : {})
    })
  )
  const n = page.meta.total_count
  return { ok: true, message: `Can read the mobile worker list (${n} active worker${n === 1 ? '' : 's'}).` }
}
