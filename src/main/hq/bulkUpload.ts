import { Blob } from 'node:buffer'
import { FormData, Response } from 'undici'
import { z } from 'zod'
import { HqError } from './errors'
import { parseOnceAnswer, sendExactlyOnce } from './once'
import type { Requester } from './requester'

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const FILE_NAME = 'roster-upload.xlsx'
const UNKNOWN =
  "HQ may or may not have taken the upload; Roster will not upload it again by itself. The next sync shows which accounts HQ created (HQ's page: Users > Mobile Workers > Bulk Upload)."

/** HQ takes the file and processes it later: the answer says only that it was accepted. */
const AcceptedSchema = z.looseObject({ success: z.literal(true) })

/** The view's path: it lives under settings/, not /api/ (hq-api.md "Creating accounts" A). */
export function bulkUploadPath(domain: string): string {
  return `/a/${encodeURIComponent(domain)}/settings/users/commcare/upload/bulk_user_upload_api/`
}

/**
 * The multipart body HQ's view expects: one file in `bulk_upload_file`. Built by the platform
 * (FormData serialised by Response), so the boundary and the part headers are right.
 */
export async function uploadBody(workbook: Uint8Array): Promise<{ body: Uint8Array; contentType: string }> {
  const form = new FormData()
  form.append('bulk_upload_file', new Blob([workbook], { type: XLSX_TYPE }), FILE_NAME)
  const response = new Response(form)
  const contentType = response.headers.get('content-type')
  if (!contentType) throw new Error('FormData gave no content type')
  return { body: new Uint8Array(await response.arrayBuffer()), contentType }
}

/**
 * Uploads a workbook of new mobile workers, exactly once (once.ts: a repeat could try to create
 * the accounts again). Resolves when HQ accepted the file; the accounts appear later, inactive,
 * under `user/v1/?archived=true`. A 400 carries HQ's message ("The following are required column
 * headers: username.") as a 'bad-request' that certainly created nothing.
 */
export async function uploadUsers(r: Requester, workbook: Uint8Array, signal?: AbortSignal): Promise<void> {
  if (workbook.byteLength === 0) {
    throw new HqError('bad-request', 'The workbook to upload is empty, so nothing was sent.', {
      maybeDelivered: false
    })
  }
  const { body, contentType } = await uploadBody(workbook)
  const answer = await sendExactlyOnce(r, {
    endpoint: 'bulk-upload',
    method: 'POST',
    path: bulkUploadPath(r.identity.domain),
    body,
    contentType,
    ...(signal ? { signal } : {}),
    unknown: UNKNOWN
  })
  parseOnceAnswer(r, answer, AcceptedSchema, r.context('bulk-upload'), UNKNOWN)
}
