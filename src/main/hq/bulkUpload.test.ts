import * as XLSX from '@e965/xlsx'
import { describe, expect, it } from 'vitest'
import { bulkUploadPath, uploadBody, XLSX_TYPE } from './bulkUpload'
import { probeUsername, probeWorkbook } from './probe'

describe('uploadBody', () => {
  it('is one multipart file field bulk_upload_file holding the workbook as .xlsx', async () => {
    const workbook = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])
    const { body, contentType } = await uploadBody(workbook)
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(contentType)?.[1]
    expect(boundary).toBeTruthy()
    const text = Buffer.from(body).toString('latin1')
    expect(text).toContain(
      'Content-Disposition: form-data; name="bulk_upload_file"; filename="roster-upload.xlsx"'
    )
    expect(text).toContain(`Content-Type: ${XLSX_TYPE}`)
    expect(Buffer.from(body).includes(Buffer.from(workbook))).toBe(true)
    expect(text.match(new RegExp(`--${boundary}\\r\\n`, 'g'))).toHaveLength(1)
  })

  it('goes to the settings view, not under /api/', () => {
    expect(bulkUploadPath('demo-project')).toBe(
      '/a/demo-project/settings/users/commcare/upload/bulk_user_upload_api/'
    )
  })
})

describe('the probes create nothing', () => {
  it('uploads a users sheet whose only header is name, so HQ must refuse it', () => {
    const book = XLSX.read(probeWorkbook(), { type: 'array' })
    expect(book.SheetNames).toEqual(['users'])
    expect(XLSX.utils.sheet_to_json(book.Sheets.users!, { header: 1 })).toEqual([['name']])
  })

  it('asks for a throw-away username no worker has', () => {
    expect(probeUsername(() => 'a1b2c3')).toBe('roster-probe-a1b2c3')
    expect(probeUsername()).toMatch(/^roster-probe-[0-9a-f]{12}$/)
  })
})
