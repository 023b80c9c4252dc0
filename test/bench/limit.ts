import Database from 'better-sqlite3'

/**
 * The floor issue 10 measures the sync against, exactly as it describes it: the pages already in
 * memory, only JSON.parse and one insert per worker into a table with an FTS5 index. Returns ms.
 */
export function limitRun(path: string, pages: readonly string[]): number {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.exec(`CREATE TABLE w (rid INTEGER PRIMARY KEY, id TEXT UNIQUE, raw TEXT);
    CREATE VIRTUAL TABLE w_fts USING fts5 (text, content = '')`)
  const insert = db.prepare(`INSERT INTO w (id, raw) VALUES (?, ?)`)
  const fts = db.prepare(`INSERT INTO w_fts (rowid, text) VALUES (?, ?)`)
  const start = performance.now()
  for (const text of pages) {
    const page = JSON.parse(text) as {
      objects: Array<{ id: string; username: string; first_name?: string; last_name?: string }>
    }
    db.transaction(() => {
      for (const w of page.objects) {
        const rid = insert.run(w.id, JSON.stringify(w)).lastInsertRowid
        fts.run(rid, `${w.first_name ?? ''} ${w.last_name ?? ''} ${w.username}`)
      }
    })()
  }
  const took = performance.now() - start
  db.close()
  return took
}
