import nodeLog from 'electron-log/node'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { redact } from '../hq/errors'
import { fileLogger, logFilePath, MAX_LOG_BYTES, scrubCredentials } from './log'

const dirs: string[] = []
let loggers = 0

/** A logger of its own (electron-log's Node flavour: the main process's, minus Electron) in a fresh folder. */
function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'roster-log-'))
  dirs.push(dir)
  const logger = nodeLog.create({ logId: `test-${++loggers}` })
  const log = fileLogger(logger, dir, { console: false })
  return { dir, log, read: () => readFileSync(logFilePath(dir), 'utf8') }
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('fileLogger', () => {
  it('writes roster.log private to the user', () => {
    const { dir, log } = setUp()
    log('sync finished: 12 workers')
    expect(statSync(logFilePath(dir)).mode & 0o777).toBe(0o600)
  })

  it('writes each message to roster.log in the data folder, one timestamped line each', () => {
    const { log, read } = setUp()
    log('sync finished: 12 workers')
    log('could not start: disk full')
    const lines = read().trim().split(/\r?\n/)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z sync finished: 12 workers$/)
    expect(lines[1]).toMatch(/could not start: disk full$/)
  })

  it('starts a new file past 2 MB and keeps the previous one as roster.old.log', () => {
    const { dir, log, read } = setUp()
    writeFileSync(logFilePath(dir), 'x'.repeat(MAX_LOG_BYTES + 1))
    log('after the roll-over')
    expect(read()).toMatch(/^\S+ after the roll-over\s*$/)
    const old = join(dir, 'roster.old.log')
    expect(existsSync(old)).toBe(true)
    expect(readFileSync(old, 'utf8')).toHaveLength(MAX_LOG_BYTES + 1)
  })

  it('never writes an API key a message carries in a header, a proxy URL or a field', () => {
    const { log, read } = setUp()
    log('GET /a/demo/api/user/v1/ with Authorization: ApiKey coordinator@example.org:sim-key-123456')
    log('proxy http://fieldoffice:Pr0xyPass!@10.0.0.1:3128 refused the connection')
    log('saved {"apiKey": "k-abcdef123456", "server": "https://www.commcarehq.org"}')
    const text = read()
    for (const secret of ['sim-key-123456', 'Pr0xyPass!', 'k-abcdef123456'])
      expect(text).not.toContain(secret)
    // What the coordinator needs to read the log stays.
    expect(text).toContain('ApiKey coordinator@example.org:[hidden]')
    expect(text).toContain('http://fieldoffice:[hidden]@10.0.0.1:3128')
    expect(text).toContain('https://www.commcarehq.org')
  })

  it('keeps what the HQ client already redacted redacted', () => {
    const { log, read } = setUp()
    log(redact('HQ answered 500 for key sim-key-123', ['sim-key-123']))
    expect(read()).toContain('HQ answered 500 for key [hidden]')
  })

  it('never throws, even when the folder is gone', () => {
    const { dir, log } = setUp()
    rmSync(dir, { recursive: true, force: true })
    expect(() => log('nowhere to go')).not.toThrow()
  })
})

describe('scrubCredentials', () => {
  it('hides the key of an ApiKey header in any case HQ accepts', () => {
    expect(scrubCredentials('apikey amina@x.org:abc123def')).toBe('apikey amina@x.org:[hidden]')
    expect(scrubCredentials('APIKEY amina@x.org:abc123def')).toBe('APIKEY amina@x.org:[hidden]')
  })

  it('hides Basic credentials but leaves prose about Basic authentication alone', () => {
    const basic = Buffer.from('amina@x.org:secret-password').toString('base64')
    expect(scrubCredentials(`Authorization: Basic ${basic}`)).toBe('Authorization: Basic [hidden]')
    expect(scrubCredentials('Basic authentication is enabled')).toBe('Basic authentication is enabled')
  })

  it('hides Bearer tokens and key=value fields', () => {
    expect(scrubCredentials('Bearer eyJhbGciOiJIUzI1NiJ9.x.y')).toBe('Bearer [hidden]')
    expect(scrubCredentials('?api_key=abc123&limit=10')).toBe('?api_key=[hidden]&limit=10')
    expect(scrubCredentials('password=hunter22 user=amina')).toBe('password=[hidden] user=amina')
  })

  it('leaves ordinary messages as they are', () => {
    const line = 'sync of demo-project finished: 1,204 workers in 3.2 s (https://www.commcarehq.org)'
    expect(scrubCredentials(line)).toBe(line)
  })
})
