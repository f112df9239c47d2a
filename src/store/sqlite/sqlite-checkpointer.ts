/**
 * The checkpointer thread of the SQLite store. SQLite's automatic checkpoint runs inside a committing transaction,
 * so the writer (and with it every waiting ack) would stall while the WAL is copied into the database file. Here
 * that copy runs on its own connection and thread, as a PASSIVE checkpoint that never blocks the writer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './open-database.js';

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = openDatabase(path);
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), intervalMs);

parentPort?.once('message', () => {
  clearInterval(timer);
  // The writer has closed: nothing can write any more, so the WAL can be folded in and truncated.
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  parentPort?.close();
});
