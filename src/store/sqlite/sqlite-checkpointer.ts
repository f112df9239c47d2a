/**
 * The checkpointer thread of the SQLite store. SQLite's automatic checkpoint runs inside a committing transaction,
 * so the writer (and with it every waiting ack) would stall while the WAL is copied into the database file. Here
 * that copy runs on its own connection and thread, as a PASSIVE checkpoint that never blocks the writer. Once the
 * WAL stops growing (the writer is idle) and everything in it is copied, a TRUNCATE checkpoint gives its file back:
 * a burst leaves no large WAL behind. That one would wait for readers and the writer, so it does not wait at all
 * (busy timeout 0): when anyone is busy it is simply tried at the next look.
 *
 * A writer that never pauses (a burst the projection works through in back-to-back transactions) would keep a
 * PASSIVE checkpoint forever behind the newest frames, and the WAL could never start over: it would grow for as long
 * as the burst lasts. Past WAL_RESTART_BYTES, a RESTART checkpoint waits for the writer between two of its
 * transactions (100 ms at most), copies the rest and makes the next transaction start the WAL over (cut back to
 * journal_size_limit). The projection waits meanwhile, never an acknowledgement: those go to the inbox.
 */
import { existsSync, statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { JOURNAL_SIZE_LIMIT, openDatabase } from './open-database.js';
import { yieldToAcks } from './yield-to-acks.js';

yieldToAcks();
const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = openDatabase(path);
db.pragma('busy_timeout = 0');
const WAL_RESTART_BYTES = 4 * JOURNAL_SIZE_LIMIT;
const walBytes = () => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);

/** The RESTART checkpoint, waiting a little for the writer; true when it completed. */
function restart(): boolean {
  db.pragma('busy_timeout = 100');
  try {
    const [result] = db.pragma('wal_checkpoint(RESTART)') as { busy: number }[];
    return result?.busy === 0;
  } finally {
    db.pragma('busy_timeout = 0');
  }
}

/** Looks in a row that found the WAL unchanged and fully copied before it is truncated. */
const IDLE_LOOKS = 3;
let lastFrames = -1;
let idleLooks = 0;

function checkpoint(): void {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as {
      busy: number;
      log: number;
      checkpointed: number;
    }[];
    if (!result || result.log <= 0) return void (idleLooks = 0);
    const copied = result.busy === 0 && result.checkpointed === result.log;
    // Behind a writer that keeps writing, and large: make it start over (an idle one is truncated below).
    if (!copied && walBytes() > WAL_RESTART_BYTES && restart()) return void (idleLooks = 0);
    idleLooks = copied && result.log === lastFrames ? idleLooks + 1 : 0;
    lastFrames = result.log;
    if (idleLooks >= IDLE_LOOKS) {
      db.pragma('wal_checkpoint(TRUNCATE)');
      idleLooks = 0;
      lastFrames = -1;
    }
  } catch {
    // A full disk (the database file cannot grow) or a busy lock: the WAL keeps the data, the next look tries again.
  }
}

const timer = setInterval(checkpoint, intervalMs);

parentPort?.once('message', () => {
  clearInterval(timer);
  // A last PASSIVE checkpoint: TRUNCATE would block writers, and another process (a running service, while this is
  // a CLI command) may be writing the same file. The last connection to close folds the WAL in anyway.
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // as above: the WAL keeps it
  }
  db.close();
  parentPort?.close();
});
