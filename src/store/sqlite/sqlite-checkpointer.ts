/**
 * The checkpointer thread of the SQLite store. SQLite's automatic checkpoint runs inside a committing transaction,
 * so the writer (and with it every waiting ack) would stall while the WAL is copied into the database file. Here
 * that copy runs on its own connection and thread, as a PASSIVE checkpoint that never blocks the writer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './open-database.js';
import { yieldToAcks } from './yield-to-acks.js';

yieldToAcks();
const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = openDatabase(path);
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), intervalMs);

parentPort?.once('message', () => {
  clearInterval(timer);
  // A last PASSIVE checkpoint: TRUNCATE would block writers, and another process (a running service, while this is
  // a CLI command) may be writing the same file. The last connection to close folds the WAL in anyway.
  db.pragma('wal_checkpoint(PASSIVE)');
  db.close();
  parentPort?.close();
});
