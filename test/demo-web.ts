/**
 * `npm run demo:web`: the real renderer and the real core in your browser, against the HQ simulator.
 * Open the printed address; the Connect screen is pre-filled with nothing, so use the simulator's
 * credentials printed below (or let --connect save them for you).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createCore } from '../src/main/core/core'
import { MemorySecretStore } from '../src/main/core/secrets'
import { startLoopback } from '../src/main/transport/loopback'
import { startSim } from './hq-sim'

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '5000' },
    port: { type: 'string', default: '5199' },
    'latency-ms': { type: 'string', default: '50' },
    // Which HQ the simulator is: 2026 (today's, the default) or 2019 (with SMS self-registration).
    era: { type: 'string', default: '2026' },
    // The renderer's language for this address (en, fr or es); else the browser's.
    lang: { type: 'string' },
    connect: { type: 'boolean', default: true }
  }
})

if (values.lang !== undefined && !['en', 'fr', 'es'].includes(values.lang)) {
  console.error(`--lang is "en", "fr" or "es", got "${values.lang}"`)
  process.exit(2)
}
if (values.era !== '2026' && values.era !== '2019') {
  console.error(`--era is "2026" or "2019", got "${values.era}"`)
  process.exit(2)
}
const sim = await startSim({
  users: Number(values.users),
  latencyMs: Number(values['latency-ms']),
  era: values.era
})
const dataDir = mkdtempSync(join(tmpdir(), 'roster-demo-'))
const core = createCore({
  dbPath: join(dataDir, 'roster.db'),
  secrets: new MemorySecretStore(),
  openExternal: async (url) => console.log(`(would open ${url} in the system browser)`),
  transport: 'loopback',
  version: 'demo',
  log: (m) => console.log(`[core] ${m}`),
  // The HQ simulator is plain HTTP on 127.0.0.1.
  allowHttpLoopback: true
})
if (values.connect) {
  await core.handlers['projects.save']({
    server: sim.url,
    domain: sim.domain,
    username: sim.credentials.username,
    apiKey: sim.credentials.apiKey,
    defaultCountry: 'KE'
  })
}
const server = await startLoopback({
  handlers: core.handlers,
  events: core.events,
  rendererDir: resolve(import.meta.dirname, '../out/renderer'),
  port: Number(values.port)
})
console.log(
  `HQ simulator: ${sim.url}  project ${sim.domain}  user ${sim.credentials.username}  key ${sim.credentials.apiKey}`
)
console.log(`Roster:       ${server.appUrl}${values.lang ? `&lang=${values.lang}` : ''}`)
console.log('Ctrl+C stops both.')

const stop = async (): Promise<void> => {
  await server.close()
  await core.close()
  await sim.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
