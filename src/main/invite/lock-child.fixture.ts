/**
 * Test fixture, run as its own process: another Roster holding the database for one long write,
 * as `roster sync` does while it reindexes a big roster. Commands on stdin, one a line:
 *   hold MS   take the write lock, print "locked", let go after MS ms and print "released"
 *   release   let go now
 * Usage: node --import tsx lock-child.fixture.ts DB_PATH
 */
import Database from 'better-sqlite3'
import { createInterface } from 'node:readline'

const [dbPath] = process.argv.slice(2)
if (!dbPath) {
  process.stderr.write('usage: lock-child.fixture.ts DB_PATH\n')
  process.exit(2)
}
const db = new Database(dbPath, { fileMustExist: true })
let timer: NodeJS.Timeout | undefined

function letGo(): void {
  if (!db.inTransaction) return
  clearTimeout(timer)
  db.exec('COMMIT')
  process.stdout.write('released\n')
}

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const [command, ms] = line.trim().split(/\s+/)
    if (command === 'release') letGo()
    if (command !== 'hold' || db.inTransaction) return
    // BEGIN IMMEDIATE takes the write lock a long write transaction holds until it commits.
    db.exec('BEGIN IMMEDIATE')
    process.stdout.write('locked\n')
    timer = setTimeout(letGo, Number(ms))
  })
  .on('close', () => {
    letGo()
    db.close()
  })
process.stdout.write('ready\n')
