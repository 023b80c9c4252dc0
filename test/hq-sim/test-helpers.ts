import type { Sim, SimAccount } from './types'

// Small HTTP helpers for the simulator's own tests (real requests over loopback).

export interface Answer {
  status: number
  headers: Headers
  text: string
}

export function apiKeyHeader(account: SimAccount): string {
  return `ApiKey ${account.username}:${account.apiKey}`
}

export async function call(
  sim: Sim,
  path: string,
  opts: {
    account?: SimAccount | null
    headers?: Record<string, string>
    method?: string
    body?: unknown
  } = {}
): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers }
  const account = opts.account === undefined ? sim.accounts.coordinator : opts.account
  if (account && !('Authorization' in headers)) headers.Authorization = apiKeyHeader(account)
  let body: string | undefined
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body)
    headers['Content-Type'] ??= 'application/json'
  }
  const res = await fetch(sim.url + path, {
    method: opts.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
    redirect: 'manual'
  })
  return { status: res.status, headers: res.headers, text: await res.text() }
}

export async function getJson<T = Record<string, unknown>>(
  sim: Sim,
  path: string,
  account?: SimAccount
): Promise<T> {
  const answer = await call(sim, path, { account })
  if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.text}`)
  return JSON.parse(answer.text) as T
}

export interface ListPage<T> {
  meta: {
    limit: number | null
    next: string | null
    offset: number
    previous: string | null
    total_count: number
  }
  objects: T[]
}

// Follows meta.next to the end, the way a client pages.
export async function walk<T>(sim: Sim, firstPath: string): Promise<{ pages: ListPage<T>[]; objects: T[] }> {
  const pages: ListPage<T>[] = []
  let next: string | null = firstPath
  while (next) {
    const page: ListPage<T> = await getJson<ListPage<T>>(sim, next)
    pages.push(page)
    next = page.meta.next
  }
  return { pages, objects: pages.flatMap((p) => p.objects) }
}

export const registrationPath = (sim: Sim) => `/a/${sim.domain}/api/v0.5/sms_user_registration/`

export const uploadPath = (sim: Sim) =>
  `/a/${sim.domain}/settings/users/commcare/upload/bulk_user_upload_api/`

// An .xlsx with one sheet; strings become text cells, numbers and booleans keep their type.
export async function workbook(rows: unknown[][], sheet = 'users'): Promise<Uint8Array> {
  const XLSX = await import('@e965/xlsx')
  const wb = XLSX.utils.book_new()
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), sheet)
  return new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer)
}

// POSTs files as multipart/form-data, each in the field bulk_upload_file unless named.
export async function upload(
  sim: Sim,
  files: { data: Uint8Array | string; field?: string; name?: string }[],
  account: SimAccount | null = sim.accounts.coordinator
): Promise<Answer> {
  const form = new FormData()
  for (const f of files)
    form.append(f.field ?? 'bulk_upload_file', new Blob([f.data]), f.name ?? 'users.xlsx')
  const headers: Record<string, string> = account ? { Authorization: apiKeyHeader(account) } : {}
  const res = await fetch(sim.url + uploadPath(sim), { method: 'POST', body: form, headers })
  return { status: res.status, headers: res.headers, text: await res.text() }
}
