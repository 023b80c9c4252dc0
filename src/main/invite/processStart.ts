import { execFile, execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'

/**
 * When a process started, in ms since the epoch, as the operating system tells it. A pid alone
 * does not name a process for long (pids are reused, soon on Windows): the pid and its start
 * time together do. Starting times read here agree to within START_TOLERANCE_MS.
 */
export const START_TOLERANCE_MS = 2000

/** Linux counts a process's start in clock ticks since boot; 100 a second on every kernel Node runs on. */
const LINUX_TICKS_PER_SECOND = 100

function linuxStartTime(pid: number | 'self'): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[19]) // field 22, starttime
    const uptimeSeconds = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0])
    if (!Number.isFinite(ticks) || !Number.isFinite(uptimeSeconds)) return null
    return Math.round(Date.now() - uptimeSeconds * 1000 + (ticks / LINUX_TICKS_PER_SECOND) * 1000)
  } catch {
    return null
  }
}

const POWERSHELL_START = (pid: number): string[] => [
  '-NoProfile',
  '-NonInteractive',
  '-Command',
  `[DateTimeOffset]::new((Get-Process -Id ${pid}).StartTime).ToUnixTimeMilliseconds()`
]

function parseOther(output: string): number | null {
  const text = output.trim()
  if (process.platform === 'win32') {
    const ms = Number(text)
    return text !== '' && Number.isFinite(ms) ? ms : null
  }
  // ps -o lstart: "Fri Nov 28 03:56:00 2026", local time, to the second.
  const ms = Date.parse(text)
  return Number.isFinite(ms) ? ms : null
}

function otherCommand(pid: number): [string, string[]] {
  if (process.platform === 'win32') return ['powershell.exe', POWERSHELL_START(pid)]
  // macOS and the BSDs.
  return ['ps', ['-o', 'lstart=', '-p', String(pid)]]
}

/** The start time of a running process, or null when the system cannot tell (or it is gone). */
export function processStartTime(pid: number): number | null {
  if (process.platform === 'linux') return linuxStartTime(pid)
  const command = otherCommand(pid)
  try {
    const output = execFileSync(command[0], command[1], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
      windowsHide: true
    })
    return parseOther(output)
  } catch {
    return null
  }
}

let own: Promise<number> | undefined

/**
 * This process's start time, read once, the way processStartTime reads another's (so the two
 * compare), without blocking: on Windows asking takes PowerShell a second. When the system
 * cannot tell, Node's own count stands in (it does not count time the computer slept).
 */
export function ownStartTime(): Promise<number> {
  own ??= (async () => {
    const estimate = Math.round(Date.now() - process.uptime() * 1000)
    if (process.platform === 'linux') return linuxStartTime('self') ?? estimate
    const command = otherCommand(process.pid)
    try {
      const { stdout } = await promisify(execFile)(command[0], command[1], {
        encoding: 'utf8',
        timeout: 10_000,
        windowsHide: true
      })
      return parseOther(stdout) ?? estimate
    } catch {
      return estimate
    }
  })()
  return own
}

/** Whether the process `pid` is the one that started at `startedAt` (null: not recorded). */
export function sameProcess(pid: number, startedAt: number | null): boolean {
  if (startedAt === null) return true
  const actual = processStartTime(pid)
  // A system that cannot tell start times falls back on the pid alone.
  return actual === null || Math.abs(actual - startedAt) <= START_TOLERANCE_MS
}
