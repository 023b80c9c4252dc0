/**
 * `npm run security`: electronegativity (Doyensec's Electron security review) over the Electron
 * shell and the preload, offline, for the Electron version the app ships. Every finding of medium
 * severity or above must be in security/electronegativity-allow.json with its reason, else this
 * exits 1. The check that downloads Electron's release list is left out (no network in CI).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { relative, resolve } from 'node:path'
import {
  AllowListSchema,
  describeFinding,
  judge,
  toFindings,
  type Finding
} from './electronegativity-findings'

const ELECTRON_VERSION = '45.5.0'
const ROOT = resolve(import.meta.dirname, '..')
// The preload has no window, session or navigation of its own: the checks of those are the main
// process's, and run on src/main/electron.
const MAIN_PROCESS_ONLY = [
  'CSPGlobalCheck',
  'LimitNavigationGlobalCheck',
  'PermissionRequestHandlerGlobalCheck'
]
const INPUTS: Array<{ dir: string; exclude: string[] }> = [
  { dir: 'src/main/electron', exclude: [] },
  { dir: 'src/preload', exclude: MAIN_PROCESS_ONLY }
]
const ALLOW_LIST = 'security/electronegativity-allow.json'
// Needs the network (Electron's release list); the version is pinned in package.json and reviewed by hand.
const OFFLINE_EXCLUDED = ['AvailableSecurityFixesGlobalCheck']

type Runner = (options: Record<string, unknown>, forCli?: boolean) => Promise<{ issues: unknown[] }>

async function main(): Promise<number> {
  const require = createRequire(import.meta.url)
  const mod = require('@doyensec/electronegativity/dist/runner.js') as Runner | { default: Runner }
  const run = typeof mod === 'function' ? mod : mod.default
  const findings: Finding[] = []
  for (const input of INPUTS) {
    const { issues } = await run(
      {
        input: resolve(ROOT, input.dir),
        electronVersionOverride: ELECTRON_VERSION,
        excludeFromScan: [...OFFLINE_EXCLUDED, ...input.exclude],
        customScan: [],
        parserPlugins: ['typescript'],
        isRelative: false,
        isVerbose: false
      },
      false
    )
    findings.push(...toFindings(issues, (file) => relative(ROOT, file)))
  }
  const allowList = AllowListSchema.parse(JSON.parse(readFileSync(resolve(ROOT, ALLOW_LIST), 'utf8')))
  const verdict = judge(findings, allowList)
  for (const { finding, entry } of verdict.allowed)
    console.log(`allowed: ${describeFinding(finding)}\n  because ${entry.reason}`)
  for (const entry of verdict.stale)
    console.warn(`stale allow-list entry (matches nothing now): ${entry.id} ${entry.file}`)
  const below = findings.length - verdict.failing.length - verdict.allowed.length
  console.log(
    `electronegativity ${INPUTS.map((i) => i.dir).join(', ')} (Electron ${ELECTRON_VERSION}): ${findings.length} findings, ` +
      `${verdict.allowed.length} allowed, ${below} below medium, ${verdict.failing.length} failing`
  )
  for (const finding of verdict.failing)
    console.error(`FAIL ${describeFinding(finding)}\n  ${finding.description}`)
  return verdict.failing.length > 0 ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`security check could not run: ${error instanceof Error ? error.stack : String(error)}`)
    process.exit(2)
  }
)
