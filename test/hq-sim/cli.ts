// npm run sim -- --users 5000 --port 8765 [--seed N] [--latency-ms 200] [--faults spec]
//                [--max-limit N] [--rate-limit N] [--validation-errors flat|tastypie] [--era 2026|2019]
//                [--upload-delay-ms N] [--no-email-confirmation]
import { parseArgs } from 'node:util'
import { FaultSpecError } from './faults'
import { startSim } from './server'
import type { SimOptions } from './types'

const USAGE = `Usage: npm run sim -- [options]
  --era 2026|2019        today's HQ (default: no SMS self-registration; bulk upload, user creation,
                         versioned URLs) or the 2019 one (v0.5 only, SMS self-registration)
  --upload-delay-ms N    era 2026: bulk upload rows are processed N ms after the 200 (default 500)
  --no-email-confirmation  era 2026: the project lacks two-stage account creation (user/v1 e-mail flow)
  --users N              workers to generate, active and archived (default 50)
  --port N               port on 127.0.0.1 (default 8765; 0 picks a free one)
  --seed N               same seed, same project (default 1)
  --latency-ms N         delay added to every request (default 0)
  --faults SPEC          e.g. "429:every=5;retry=2,500:once,shift:add=3;after=2" (see test/hq-sim/faults.ts)
  --max-limit N          largest page size the server allows (default 1000)
  --rate-limit N         requests per second before HQ-style 429s (default: unlimited)
  --validation-errors S  flat (hq-api.md) or tastypie ({"sms_user_registration": {...}})
  --help`

function intOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} needs a whole number, got "${raw}"`)
  return n
}

function parse(argv: string[]): SimOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      users: { type: 'string' },
      port: { type: 'string' },
      seed: { type: 'string' },
      'latency-ms': { type: 'string' },
      faults: { type: 'string' },
      'max-limit': { type: 'string' },
      'rate-limit': { type: 'string' },
      'validation-errors': { type: 'string' },
      era: { type: 'string' },
      'upload-delay-ms': { type: 'string' },
      'no-email-confirmation': { type: 'boolean' },
      help: { type: 'boolean' }
    },
    strict: true
  })
  if (values.help) return null
  const shape = values['validation-errors']
  if (shape !== undefined && shape !== 'flat' && shape !== 'tastypie') {
    throw new Error(`--validation-errors is "flat" or "tastypie", got "${shape}"`)
  }
  const era = values.era
  if (era !== undefined && era !== '2026' && era !== '2019') {
    throw new Error(`--era is "2026" or "2019", got "${era}"`)
  }
  const rate = values['rate-limit'] === undefined ? undefined : Number(values['rate-limit'])
  if (rate !== undefined && !(rate > 0))
    throw new Error(`--rate-limit needs a positive number, got "${values['rate-limit']}"`)
  const maxLimit = intOption('max-limit', values['max-limit'])
  if (maxLimit === 0) throw new Error('--max-limit must be at least 1')
  return {
    users: intOption('users', values.users),
    port: intOption('port', values.port) ?? 8765,
    seed: intOption('seed', values.seed),
    latencyMs: intOption('latency-ms', values['latency-ms']),
    faults: values.faults,
    maxLimit,
    rateLimitPerSecond: rate,
    validationErrorShape: shape,
    era,
    uploadDelayMs: intOption('upload-delay-ms', values['upload-delay-ms']),
    emailConfirmation: values['no-email-confirmation'] ? false : undefined
  }
}

async function main(): Promise<void> {
  let options: SimOptions | null
  try {
    options = parse(process.argv.slice(2).filter((arg) => arg !== '--'))
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`)
    process.exit(2)
  }
  if (!options) {
    console.log(USAGE)
    return
  }

  let sim
  try {
    sim = await startSim(options)
  } catch (e) {
    if (e instanceof FaultSpecError) console.error(`Fault spec: ${e.message}`)
    else if (e instanceof Error && 'code' in e && e.code === 'EADDRINUSE')
      console.error(`Port ${options.port} is already in use; try --port 0`)
    else console.error(e)
    process.exit(1)
  }

  const { coordinator, workersOnly, dataOnly, outsider } = sim.accounts
  const active = sim.activeWorkers().length
  const listUrl = `${sim.url}/a/${sim.domain}/api/v0.5/user/?limit=5`
  console.log(`CommCare HQ simulator (test data only)

  Base URL   ${sim.url}
  Project    ${sim.domain}
  Data       ${sim.data.workers.length} workers (${active} active, ${sim.data.workers.length - active} archived), ${sim.data.groups.length} groups, ${sim.data.locations.length} locations, ${sim.data.applications.length} applications
  HQ         ${sim.era === '2026' ? "2026 (today's: no SMS self-registration; bulk upload, user creation, versioned URLs)" : '2019 (v0.5 only, with SMS self-registration)'}
  Seed       ${options.seed ?? 1}${options.latencyMs ? `   latency ${options.latencyMs} ms` : ''}${options.faults ? `   faults "${options.faults}"` : ''}

  Accounts   (header "Authorization: ApiKey <username>:<api key>", or Basic auth with the api key as password)
    ${coordinator.username} / ${coordinator.apiKey}     all permissions
    ${workersOnly.username} / ${workersOnly.apiKey}   mobile workers, no edit_data (registration 403)
    ${dataOnly.username} / ${dataOnly.apiKey}         edit_data, no mobile workers (worker list 403)
    ${outsider.username} / ${outsider.apiKey}           not a member (403)

  Try
    curl -H "Authorization: ApiKey ${coordinator.username}:${coordinator.apiKey}" "${listUrl}"

Serving until Ctrl+C.`)

  const stop = () => {
    console.log('\nStopping the simulator.')
    void sim.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

void main()
