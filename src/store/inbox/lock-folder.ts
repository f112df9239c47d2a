import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Takes the inbox folder for this process: one writer may append to it. The lock is an SQLite file held with
 * `locking_mode=EXCLUSIVE` (an fcntl lock, released by the kernel when the process dies, so a SIGKILL never leaves a
 * stale lock behind). Returns the function that releases it.
 */
export function lockFolder(dir: string): () => void {
  const db = new Database(join(dir, 'lock'), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec(
      'CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER, since INTEGER)',
    );
    // The first write takes the exclusive lock; it is held until close.
    db.prepare('INSERT OR REPLACE INTO holder VALUES (1, ?, ?)').run(process.pid, Date.now());
  } catch (error) {
    db.close();
    const busy = (error as { code?: unknown }).code === 'SQLITE_BUSY';
    throw new Error(
      busy
        ? `inbox ${dir} is in use by another process (a running service?): one service records into a database`
        : `cannot lock inbox ${dir}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return () => db.close();
}
