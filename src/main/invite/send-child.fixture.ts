/**
 * Test fixture, run as its own process by crash.test.ts: sends one batch and reports each
 * progress step as a JSON line on stdout, so the test can SIGKILL (or SIGSTOP) it mid-request.
 * Usage: node --import tsx send-child.fixture.ts DB_PATH SERVER DOMAIN BATCH_ID [CHUNK_SIZE] [HEARTBEAT_MS]
 */
import { openDatabase } from '../db/open'
import { createHqClient } from '../hq/client'
import { sendBatch } from './sender'

const [dbPath, server, domain, batchId, chunkSize, heartbeatMs] = process.argv.slice(2)
if (!dbPath || !server || !domain || !batchId) {
  process.stderr.write(
    'usage: send-child.fixture.ts DB_PATH SERVER DOMAIN BATCH_ID [CHUNK_SIZE] [HEARTBEAT_MS]\n'
  )
  process.exit(2)
}
const db = openDatabase(dbPath)
const client = createHqClient({
  server,
  domain,
  username: 'coordinator@example.org',
  apiKey: process.env.ROSTER_API_KEY ?? ''
})
const result = await sendBatch({
  db,
  batchId: Number(batchId),
  client,
  chunkSize: Number(chunkSize ?? 100),
  ...(heartbeatMs ? { heartbeatMs: Number(heartbeatMs) } : {}),
  onProgress: (p) => process.stdout.write(`${JSON.stringify(p.counts)}\n`)
})
process.stdout.write(`${JSON.stringify({ finished: result.state })}\n`)
await client.close()
db.close()
