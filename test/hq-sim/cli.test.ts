import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const TSX = `${ROOT}node_modules/.bin/tsx`
let child: ChildProcess | null = null
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL')
  child = null
})

function run(args: string[]): ChildProcess & { output: () => string } {
  const proc = spawn(TSX, ['test/hq-sim/cli.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()))
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()))
  child = proc
  return Object.assign(proc, { output: () => out })
}

async function waitFor(proc: ReturnType<typeof run>, text: string): Promise<void> {
  const deadline = Date.now() + 20_000
  while (!proc.output().includes(text)) {
    if (proc.exitCode !== null || Date.now() > deadline)
      throw new Error(`CLI never printed "${text}":\n${proc.output()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('npm run sim', () => {
  it('prints the base URL, project and credentials, serves pages to the end, and stops on Ctrl+C', async () => {
    const proc = run(['--', '--users', '40', '--port', '0', '--seed', '3'])
    await waitFor(proc, 'Serving until Ctrl+C.')
    const out = proc.output()
    const baseUrl = /Base URL\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1]
    expect(baseUrl).toBeDefined()
    expect(out).toContain('Project    demo-project')
    expect(out).toContain('coordinator@example.org / sim-key-coordinator')
    expect(out).toMatch(/40 workers \(\d+ active, \d+ archived\)/)
    expect(out).toContain('HQ         2026')

    const headers = { Authorization: 'ApiKey coordinator@example.org:sim-key-coordinator' }
    let next: string | null = '/a/demo-project/api/v0.5/user/?limit=10'
    const ids = new Set<string>()
    let total = 0
    while (next) {
      const res = await fetch(`${baseUrl}${next}`, { headers })
      const page = (await res.json()) as {
        meta: { next: string | null; total_count: number }
        objects: { id: string }[]
      }
      for (const w of page.objects) ids.add(w.id)
      total = page.meta.total_count
      next = page.meta.next
    }
    expect(ids.size).toBe(total)

    proc.kill('SIGINT')
    const [code] = (await once(proc, 'exit')) as [number | null]
    expect(code).toBe(0)
    expect(proc.output()).toContain('Stopping the simulator.')
  })

  it('serves the 2019 HQ with --era 2019 and refuses an unknown era', async () => {
    const proc = run(['--port', '0', '--era', '2019', '--users', '5'])
    await waitFor(proc, 'Serving until Ctrl+C.')
    expect(proc.output()).toContain('HQ         2019')
    const baseUrl = /Base URL\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(proc.output())?.[1]
    const headers = { Authorization: 'ApiKey coordinator@example.org:sim-key-coordinator' }
    expect((await fetch(`${baseUrl}/a/demo-project/api/user/v1/`, { headers })).status).toBe(404)
    proc.kill('SIGINT')
    await once(proc, 'exit')
    const bad = run(['--era', '2030'])
    const [code] = (await once(bad, 'exit')) as [number | null]
    expect(code).toBe(2)
    expect(bad.output()).toContain('--era is "2026" or "2019", got "2030"')
  })

  it('explains a bad option and exits with status 2', async () => {
    const proc = run(['--users', 'many'])
    const [code] = (await once(proc, 'exit')) as [number | null]
    expect(code).toBe(2)
    expect(proc.output()).toContain('--users needs a whole number, got "many"')
  })

  it('explains a bad fault spec and exits with status 1', async () => {
    const proc = run(['--port', '0', '--faults', '500:sometimes'])
    const [code] = (await once(proc, 'exit')) as [number | null]
    expect(code).toBe(1)
    expect(proc.output()).toContain('Fault spec: Unknown parameter "sometimes"')
  })
})
