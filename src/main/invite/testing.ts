/**
 * Helpers for the outbox tests: a real database file in a fresh temp folder and a saved project.
 * Not imported by the product.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { InviteProgress } from '../../shared/invite'
import { openDatabase, type Db } from '../db/open'
import { createProject, type ProjectRecord } from '../db/projects'
import { createBatch } from './batches'

export interface TempDb {
  db: Db
  path: string
  dir: string
  project: ProjectRecord
  cleanup(): void
}

export function tempDb(project: { server?: string; domain?: string; username?: string } = {}): TempDb {
  const dir = mkdtempSync(join(tmpdir(), 'roster-invite-'))
  const path = join(dir, 'roster.db')
  const db = openDatabase(path)
  const record = createProject(db, {
    server: project.server ?? 'http://127.0.0.1:1',
    domain: project.domain ?? 'demo-project',
    username: project.username ?? 'coordinator@example.org',
    defaultCountry: 'KE'
  })
  return {
    db,
    path,
    dir,
    project: record,
    cleanup() {
      if (db.open) db.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** n distinct valid Kenyan mobile numbers in E.164, starting at +254700000000 + start. */
export function kenyanNumbers(n: number, start = 0): string[] {
  return Array.from({ length: n }, (_, i) => `+2547${String(start + i).padStart(8, '0')}`)
}

export function rowsOf(numbers: readonly string[], data?: (i: number) => Record<string, string>) {
  return numbers.map((e164, i) => ({ row: i + 2, e164, customUserData: data ? data(i) : {} }))
}

type BatchCounts = InviteProgress['counts']

const SEND_CHILD = fileURLToPath(new URL('./send-child.fixture.ts', import.meta.url))

/** A real process sending one batch (send-child.fixture.ts), to be killed or frozen mid-send. */
export interface SenderProcess {
  proc: ChildProcess
  pid: number
  exited: Promise<[code: number | null, signal: NodeJS.Signals | null]>
  /** The batch's state the child reported on finishing, or null before. */
  finished(): string | null
  stderr(): string
  /**
   * Waits for the next progress line (after those already matched) that passes `match`:
   * the batch's counts after it, or null when the child ended first.
   */
  progress(match: (counts: BatchCounts) => boolean): Promise<BatchCounts | null>
}

export function spawnSender(opts: {
  dbPath: string
  sim: { url: string; domain: string; credentials: { apiKey: string } }
  batchId: number
  chunkSize: number
  heartbeatMs?: number
}): SenderProcess {
  const args = [opts.dbPath, opts.sim.url, opts.sim.domain, String(opts.batchId), String(opts.chunkSize)]
  if (opts.heartbeatMs !== undefined) args.push(String(opts.heartbeatMs))
  const proc = spawn(process.execPath, ['--import', 'tsx', SEND_CHILD, ...args], {
    env: { ...process.env, ROSTER_API_KEY: opts.sim.credentials.apiKey },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = once(proc, 'exit') as SenderProcess['exited']
  const lines: BatchCounts[] = []
  let finished: string | null = null
  let ended = false
  const wake = new Set<() => void>()
  const notify = (): void => {
    for (const w of wake) w()
  }
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    const parsed = JSON.parse(line) as BatchCounts | { finished: string }
    if ('finished' in parsed) finished = parsed.finished
    else lines.push(parsed)
    notify()
  })
  void exited.then(() => {
    ended = true
    notify()
  })
  let cursor = 0
  return {
    proc,
    pid: proc.pid!,
    exited,
    finished: () => finished,
    stderr: () => stderr,
    async progress(match) {
      for (;;) {
        while (cursor < lines.length) {
          const counts = lines[cursor++]!
          if (match(counts)) return counts
        }
        if (ended) return null
        await new Promise<void>((resolve) => {
          const w = (): void => {
            wake.delete(w)
            resolve()
          }
          wake.add(w)
        })
      }
    }
  }
}

const LOCK_CHILD = fileURLToPath(new URL('./lock-child.fixture.ts', import.meta.url))

/** Another program holding the database for one long write (lock-child.fixture.ts). */
export interface Locker {
  /** Takes the write lock, held for `ms` by the child's own clock; resolves once it is held. */
  hold(ms: number): Promise<void>
  /** Resolves when the lock taken by the latest hold() is let go. */
  released(): Promise<void>
  /** Lets go of the lock now instead of when the hold ends. */
  release(): Promise<void>
  close(): Promise<void>
}

export async function spawnLocker(dbPath: string): Promise<Locker> {
  const proc = spawn(process.execPath, ['--import', 'tsx', LOCK_CHILD, dbPath], {
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let stderr = ''
  proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = once(proc, 'exit')
  const seen = new Map<string, number>()
  const waiters: { word: string; count: number; resolve: () => void; reject: (e: Error) => void }[] = []
  const settle = (): void => {
    for (const w of [...waiters]) {
      if ((seen.get(w.word) ?? 0) >= w.count) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve()
      }
    }
  }
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    seen.set(line, (seen.get(line) ?? 0) + 1)
    settle()
  })
  void exited.then(() => {
    for (const w of waiters.splice(0)) w.reject(new Error(`the lock holder ended: ${stderr}`))
  })
  /** Resolves at the `count`th line `word`. */
  const line = (word: string, count: number): Promise<void> =>
    new Promise((resolve, reject) => {
      waiters.push({ word, count, resolve, reject })
      settle()
    })
  await line('ready', 1)
  let holds = 0
  return {
    async hold(ms) {
      holds++
      proc.stdin!.write(`hold ${ms}\n`)
      await line('locked', holds)
    },
    released: () => line('released', holds),
    async release() {
      proc.stdin!.write('release\n')
      await line('released', holds)
    },
    async close() {
      if (proc.exitCode !== null || proc.signalCode !== null) return
      proc.kill('SIGKILL')
      await exited
    }
  }
}

/** A pid nobody holds any more. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await once(child, 'exit')
  return child.pid!
}

/**
 * A batch of `project` whose three numbers are on their way to HQ in one request held by `pid`,
 * which last beat `heartbeatAgoMs` ago (null: written by a Roster before heartbeats, `startedAgoMs` ago).
 */
export function requestInFlight(
  db: Db,
  projectId: string,
  holder: { pid: number; heartbeatAgoMs: number | null; startedAgoMs?: number }
): number {
  const batchId = createBatch(db, {
    projectId,
    options: { appId: 'app-1' },
    rows: rowsOf(kenyanNumbers(3, Number(db.prepare('SELECT COUNT(*) FROM invite_numbers').pluck().get())))
  })
  const started = new Date(Date.now() - (holder.startedAgoMs ?? 0)).toISOString()
  const heartbeat = holder.heartbeatAgoMs === null ? null : Date.now() - holder.heartbeatAgoMs
  const requestId = Number(
    db
      .prepare(
        `INSERT INTO invite_requests (batch_id, state, size, attempts, sender_pid, heartbeat_at, created_at, started_at)
         VALUES (?, 'sending', 3, 1, ?, ?, ?, ?)`
      )
      .run(batchId, holder.pid, heartbeat, started, started).lastInsertRowid
  )
  db.prepare(`UPDATE invite_numbers SET status = 'sending', request_id = ? WHERE batch_id = ?`).run(
    requestId,
    batchId
  )
  db.prepare(`UPDATE invite_batches SET state = 'sending' WHERE id = ?`).run(batchId)
  return batchId
}
