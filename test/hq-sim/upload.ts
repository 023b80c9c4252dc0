import type { AccountBook, UploadRecord } from './accounts'
import type { Reply } from './respond'
import { pythonJson } from './serialize'
import type { SimState } from './state'
import { headerError, processRows, rowSpecs, type UploadContext } from './upload-rules'
import { readUsersSheet, WorkbookError, type Sheet } from './workbook'

// corehq/apps/users/views/mobile/users.py bulk_user_upload_api: checks the file and its headers at
// once, answers {"success": true}, and leaves the rows to a background task whose per-row
// results only HQ's upload status page shows (here: sim.uploads).

export interface UploadView {
  state: SimState
  book: AccountBook
  domain: string
  delayMs: number
  schedule: (fn: () => void, ms: number) => void
}

const json = (status: number, body: unknown): Reply => ({
  status,
  body: pythonJson(body, false),
  contentType: 'application/json'
})
const failure = (message: string) => json(400, { success: false, message })

async function uploadedFiles(contentType: string | undefined, body: Uint8Array): Promise<File[]> {
  if (!contentType?.toLowerCase().startsWith('multipart/form-data')) return []
  try {
    const form = await new Request('http://x/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Blob([body as Uint8Array<ArrayBuffer>])
    }).formData()
    return form.getAll('bulk_upload_file').filter((v): v is File => typeof v !== 'string')
  } catch {
    return [] // Django's parser gives an empty request.FILES for a body it cannot read
  }
}

function uploadContext(view: UploadView): UploadContext {
  const { data } = view.state
  return {
    domain: view.domain,
    takenUsernames: new Set(data.workers.map((w) => w.username.toLowerCase())),
    groupIdByName: new Map(data.groups.map((g) => [g.name, g.id])),
    locationIdBySiteCode: new Map(data.locations.map((l) => [l.site_code.toLowerCase(), l.location_id]))
  }
}

function processUpload(view: UploadView, record: UploadRecord, sheet: Sheet): void {
  const specs = rowSpecs(sheet)
  const outcomes = processRows(specs, uploadContext(view))
  outcomes.forEach((outcome, i) => {
    const cell = specs[i]?.cells.get('username')
    const username = cell ? String(cell.value) : null
    if (!outcome.ok) {
      record.rows.push({ row: i + 2, username, flag: outcome.error })
      return
    }
    const worker = view.book.create(outcome.account, 'upload')
    if (outcome.account.sendConfirmationSms) view.book.sendSms(worker)
    record.rows.push({ row: i + 2, username, flag: 'created' })
  })
  record.status = 'complete'
}

export async function bulkUpload(
  view: UploadView,
  contentType: string | undefined,
  body: Uint8Array
): Promise<Reply> {
  const files = await uploadedFiles(contentType, body)
  if (files.length === 0) return failure('no file uploaded')
  if (files.length > 1) return failure('only one file can be uploaded at a time')
  let sheet: Sheet
  try {
    sheet = readUsersSheet(new Uint8Array(await files[0]!.arrayBuffer()))
  } catch (e) {
    if (!(e instanceof WorkbookError)) throw e
    return failure(
      `Upload failed! Please make sure you are using a valid Excel 2007 or later (.xlsx) file. Error details: "${e.message}".`
    )
  }
  const bad = headerError(sheet.headers)
  if (bad) return failure(bad)
  const record: UploadRecord = {
    id: view.state.newToken(),
    at: new Date().toISOString(),
    status: 'queued',
    rows: []
  }
  view.book.uploads.push(record)
  view.schedule(() => processUpload(view, record, sheet), view.delayMs)
  return json(200, { success: true })
}
