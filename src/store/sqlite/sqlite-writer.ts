/**
 * The writer thread of the SQLite store: every write to the database happens here, off the thread that answers
 * OpenIM. Two kinds of work:
 * - the projection: callbacks are acknowledged once they are in the inbox (src/store/inbox/); this thread reads
 *   the inbox behind them and projects it into the tables (events, command stats, outbox rows, conversations), in
 *   transactions that grow with the backlog, each with its cursor;
 * - the outbox's writes for the relay and the operations API (claims, settlements, replays) and the heartbeat.
 * Requests that arrive while a commit runs form the next transaction with the projection due by then, so neither
 * waits for a commit of its own. Projection commits are fsynced too, so that an inbox segment is deleted only once
 * what it held is durable here.
 */
import { unlinkSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './open-database.js';
import { yieldToAcks } from './yield-to-acks.js';
import { createProjector } from './project-records.js';
import type { AttemptLog, ReplaySelection, RetrySelection, Settlement } from '../store.js';
import type {
  Claim,
  WriterMessage,
  WriterReply,
  WriterRequest,
  WriterResult,
  WriterStart,
} from './writer-protocol.js';

import { dueHeads } from '../rows.js';
import type { LeasedDeliveryRow, PendingDeliveryRow } from '../rows.js';
import { InboxReader, listSegments } from '../inbox/index.js';
import type { InboxCursor, InboxRecord } from '../inbox/index.js';
import { prunedAnything, prunesAnything } from '../retention/index.js';
import { createSqlitePruner } from './sqlite-pruner.js';

yieldToAcks();
const port = parentPort;
if (!port) throw new Error('sqlite-writer must run as a worker thread');

const { path, sinks, endLeases, projection } = workerData as WriterStart;
// The acknowledging thread created and migrated the file: a file that is gone is an error, not a new database.
const db = openDatabase(path, { fileMustExist: true });
// Checkpoints run on the checkpointer thread, never inside this thread's commits.
db.pragma('wal_autocheckpoint = 0');
// Settling ends the lease, whoever held it (see Outbox.settleDeliveries).
const markDelivered = db.prepare(
  `UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, settled_at = ?, last_error = NULL,
     lease_owner = NULL, lease_until = NULL
   WHERE id = ? AND status = 'pending'`,
);
const markRetry = db.prepare(
  `UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, lease_owner = NULL,
     lease_until = NULL
   WHERE id = ? AND status = 'pending'`,
);
const markDead = db.prepare(
  `UPDATE deliveries SET status = 'dead', attempts = attempts + 1, settled_at = ?, last_error = ?,
     lease_owner = NULL, lease_until = NULL
   WHERE id = ? AND status = 'pending'`,
);
const release = db.prepare(
  `UPDATE deliveries SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND status = 'pending'`,
);
const pendingWindow = db.prepare<[string, number], LeasedDeliveryRow>(
  `SELECT id, event_id, ordering_key, attempts, next_attempt_at, lease_until FROM deliveries
   WHERE sink = ? AND status = 'pending' ORDER BY id LIMIT ?`,
);
// By primary key: the lease is written into the row's own page, no index changes.
const lease = db.prepare('UPDATE deliveries SET lease_owner = ?, lease_until = ? WHERE id = ?');
const logAttempt = db.prepare(
  `INSERT INTO delivery_attempts (delivery_id, event_id, sink, started_at, duration_ms, result, http_status, error,
     response_excerpt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insertAnswer = db.prepare(
  'INSERT INTO event_answers (event_id, status, body, answered_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
);
const insertSinkSecret = db.prepare(
  'INSERT INTO sink_secrets (sink, secret, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
);
const sinkSecretOf = db.prepare<[string], { secret: string }>(
  'SELECT secret FROM sink_secrets WHERE sink = ?',
);
const beat = db.prepare(
  'INSERT INTO heartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
);

// One service runs on a SQLite file: leases found in it when the store opens are those of a previous run that
// died (SIGKILL, power cut) while sending. They end now, so that the relay of this run sends those deliveries again at
// once instead of after the lease (at least once). Per sink, through the (sink, status, id) index. Not when this
// thread replaces one that died: then the leases are this run's own, held by attempts in flight.
if (endLeases && sinks.length > 0) {
  const endLeasesOf = db.prepare(
    `UPDATE deliveries SET lease_owner = NULL, lease_until = NULL
     WHERE sink = ? AND status = 'pending' AND lease_until IS NOT NULL`,
  );
  db.transaction(() => sinks.forEach((sink) => endLeasesOf.run(sink.name))).immediate();
}

function logOf(deliveryId: number, a: AttemptLog): unknown[] {
  return [
    deliveryId,
    a.eventId,
    a.sink,
    a.startedAt,
    a.durationMs,
    a.result,
    a.httpStatus,
    a.error,
    a.responseExcerpt,
  ];
}

function settle(settlements: Settlement[]): null {
  for (const s of settlements) {
    if (s.attempt) logAttempt.run(...logOf(s.deliveryId, s.attempt));
    if (s.outcome === 'delivered') markDelivered.run(s.at, s.deliveryId);
    else if (s.outcome === 'retry') markRetry.run(s.nextAttemptAt, s.error, s.deliveryId);
    else if (s.outcome === 'dead') markDead.run(s.at, s.error, s.deliveryId);
    else release.run(s.deliveryId);
  }
  return null;
}

/**
 * Leases the due heads of a sink's ordering keys among its first pending deliveries (`window`), oldest first. Atomic
 * because this thread is the only writer of the file and the read runs inside its write transaction.
 */
function claim({ sink, owner, limit, leaseMs, now, window }: Claim): PendingDeliveryRow[] {
  if (limit <= 0) return [];
  const claimed = dueHeads(pendingWindow.iterate(sink, window), now, limit);
  for (const delivery of claimed) lease.run(owner, now + leaseMs, delivery.id);
  return claimed;
}

/** Puts the selected deliveries back in the queue, due now, with a fresh attempt count; returns how many. */
function replay(selection: ReplaySelection, at: number): number {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => (conditions.push(sql), params.push(value));
  if (selection.sink !== undefined) add('sink = ?', selection.sink);
  if (selection.eventId !== undefined) add('event_id = ?', selection.eventId);
  if (selection.dead) add('status = ?', 'dead');
  if (selection.from !== undefined || selection.to !== undefined) {
    conditions.push('event_id IN (SELECT id FROM events WHERE received_at >= ? AND received_at < ?)');
    params.push(selection.from ?? 0, selection.to ?? Number.MAX_SAFE_INTEGER);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const sql = `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, settled_at = NULL ${where}`;
  return db.prepare(sql).run(at, ...params).changes;
}

/** Makes the selected pending deliveries due at `at`, keeping their attempts; returns how many. */
function retryNow(selection: RetrySelection, at: number): number {
  const one = selection.deliveryId === undefined ? '' : ' AND id = ?';
  const params = selection.deliveryId === undefined ? [] : [selection.deliveryId];
  return db
    .prepare(
      `UPDATE deliveries SET next_attempt_at = ? WHERE sink = ? AND status = 'pending' AND next_attempt_at > ?${one}`,
    )
    .run(at, selection.sink, at, ...params).changes;
}

type Write = Exclude<WriterRequest, { type: 'close' | 'project' }>;

function apply(write: Write): WriterResult {
  switch (write.type) {
    case 'heartbeat':
      beat.run(write.at);
      return null;
    case 'settle':
      return settle(write.settlements);
    case 'replay':
      return replay(write.selection, write.at);
    case 'claim':
      return claim(write.claim);
    case 'retryNow':
      return retryNow(write.selection, write.at);
    case 'answer':
      insertAnswer.run(write.eventId, write.status, write.body, write.at);
      return null;
    case 'sinkSecret':
      insertSinkSecret.run(write.sink, write.secret, write.at);
      return sinkSecretOf.get(write.sink)?.secret ?? write.secret;
  }
}

/** Records per projection transaction, at most: bounds how long a claim of the relay may wait behind one. */
const PROJECTION_BATCH = 5000;
const PROJECTION_BATCH_BYTES = 16 << 20;
/**
 * How often the projection looks for new records when it is not behind. Waiting a little makes batches of many
 * records, and a batch costs far less per record than one record alone: hot pages (the tails of the tables and of
 * their ordered indexes, the B-tree roots) are written once per transaction. With sinks, what waits here waits for
 * its delivery too, so the wait is shorter.
 */
const PROJECTION_INTERVAL_MS = sinks.length > 0 ? 10 : 40;

const project = projection ? createProjector(db, sinks) : undefined;
const durable = projection ? new BigInt64Array(projection.durable) : undefined;
let committedCursor: InboxCursor | undefined = projection
  ? (db
      .prepare('SELECT seq, segment, segment_offset AS offset FROM projection WHERE id = 1')
      .get() as InboxCursor)
  : undefined;
const reader =
  projection && committedCursor ? new InboxReader(projection.inboxDir, committedCursor) : undefined;

const durableSeq = () => (durable ? Number(Atomics.load(durable, 0)) : 0);
const behind = () => reader !== undefined && durableSeq() > reader.cursor.seq;
const farBehind = () => behind() && durableSeq() - (reader?.cursor.seq ?? 0) >= PROJECTION_BATCH;

/**
 * Pruning (the retention settings) runs here too, between projection batches and never while the projection is a
 * batch behind: a round every 250 ms, or at once again while it finds more to remove; each command's share of a round
 * is a transaction of at most PRUNE_BATCH (200) events, so no transaction holds the write lock (or this thread) for
 * long: 500 events cost about 6 ms here, 12 to 33 ms with their conversation rows.
 */
const pruner =
  projection?.retention && prunesAnything(projection.retention)
    ? createSqlitePruner(db, projection.retention)
    : undefined;
const PRUNE_INTERVAL_MS = 250;
const PRUNE_RETRY_MS = 5000;
let nextPruneAt = Date.now() + PRUNE_INTERVAL_MS;

function prune(): void {
  if (!pruner) return;
  try {
    durability('NORMAL'); // what a power cut undoes is pruned again
    const { counts, more } = pruner.pass(Date.now());
    nextPruneAt = more ? 0 : Date.now() + PRUNE_INTERVAL_MS;
    if (prunedAnything(counts)) port?.postMessage({ replies: [], pruned: counts } satisfies WriterMessage);
  } catch (error) {
    nextPruneAt = Date.now() + PRUNE_RETRY_MS;
    const pruneError = error instanceof Error ? error.message : String(error);
    port?.postMessage({ replies: [], pruneError } satisfies WriterMessage);
  }
}

/**
 * After a projection that failed (a full disk, say), the next try waits, doubling from the interval up to a second:
 * the inbox keeps the callbacks meanwhile, and a disk that cannot take a write is not asked again 25 times a second.
 */
let projectionRetryAt = 0;
let projectionBackoffMs = PROJECTION_INTERVAL_MS;

/**
 * How durable a transaction must be. What the relay and the operators write (settlements, replays, the heartbeat)
 * is fsynced at commit, as always. A transaction that only projects or claims is not: the inbox still holds its
 * records, and a power cut rolls the projection back to an earlier cursor with its rows (exactly once still holds);
 * the WAL reaches the disk at the next checkpoint, or at the fsynced commit that comes before a segment is deleted.
 * The disk then flushes for the acknowledgements, not for the projection.
 */
let synchronous: 'FULL' | 'NORMAL' = 'FULL';
function durability(level: 'FULL' | 'NORMAL'): void {
  if (level === synchronous) return;
  db.pragma(`synchronous = ${level}`);
  synchronous = level;
}
const mustBeDurable = (writes: readonly Write[]) => writes.some((write) => write.type !== 'claim');

const writeAll = db.transaction((writes: Write[], records: readonly InboxRecord[]) => {
  const results = writes.map(apply);
  const projected = project && reader && records.length > 0 ? project(records, reader.cursor) : undefined;
  return { results, projected };
});

function failed(writes: Write[], error: unknown): WriterReply[] {
  return writes.map(({ id }) => ({
    id,
    ok: false,
    error: error instanceof Error ? error.message : String(error),
  }));
}

/** One transaction for the queued writes and the projection due; isolates a failing write or projection. */
function commit(
  writes: Write[],
  projectNow: boolean,
): Omit<WriterMessage, 'replies'> & { replies: WriterReply[] } {
  let records: InboxRecord[] = [];
  try {
    if (projectNow && reader) records = reader.read(durableSeq(), PROJECTION_BATCH, PROJECTION_BATCH_BYTES);
  } catch (error) {
    return {
      ...commit(writes, false),
      projectionError: error instanceof Error ? error.message : String(error),
    };
  }
  try {
    durability(mustBeDurable(writes) ? 'FULL' : 'NORMAL');
    const { results, projected } = writeAll.immediate(writes, records);
    const replies = results.map((result, index) => ({
      id: writes[index]?.id ?? -1,
      ok: true as const,
      result,
    }));
    if (projected && reader) committed(reader.cursor);
    return projected ? { replies, projected } : { replies };
  } catch (error) {
    if (records.length > 0) {
      // The reader goes back to what is committed; the writes are tried without the projection, which is tried
      // again at its next turn (a full disk, say, holds it back until there is room; the inbox keeps the records).
      if (reader && committedCursor) reader.rewind(committedCursor);
      const projectionError = error instanceof Error ? error.message : String(error);
      return { ...(writes.length > 0 ? commit(writes, false) : { replies: [] }), projectionError };
    }
    if (writes.length > 1) return { replies: writes.flatMap((write) => commit([write], false).replies) };
    return { replies: failed(writes, error) };
  }
}

const saveCursor = db.prepare('UPDATE projection SET seq = ?, segment = ?, segment_offset = ? WHERE id = 1');

/** Segments before the committed cursor's wait to be deleted (a commit that fsyncs failed, on a full disk say). */
let cleanupDue = false;
let cleanupRetryAt = 0;

/** After a projection commit: segments wholly before the cursor's can go, once what they held is durable here. */
function committed(cursor: InboxCursor): void {
  const previous = committedCursor;
  committedCursor = cursor;
  if (previous?.segment !== cursor.segment) cleanupDue = true;
  if (cleanupDue) deleteProjectedSegments(cursor);
}

function deleteProjectedSegments(cursor: InboxCursor): void {
  if (!projection) return;
  const old = listSegments(projection.inboxDir).filter((segment) => segment.firstSeq < cursor.segment);
  if (old.length === 0) {
    cleanupDue = false;
    return;
  }
  try {
    durability('FULL');
    saveCursor.run(cursor.seq, cursor.segment, cursor.offset); // a commit that fsyncs the WAL, and all before it
    for (const segment of old) unlinkSync(segment.path);
    cleanupDue = false;
  } catch {
    // The segments stay until a commit fsyncs (they are what a full disk gets back first); tried again in a second.
    cleanupRetryAt = Date.now() + 1000;
  }
}

let queue: Write[] = [];
let scheduled: 'now' | 'soon' | undefined;
let timer: NodeJS.Timeout | undefined;
let closeId: number | undefined;
let closeDeadline = 0;
/** The acknowledging thread asked for the projection now (a consistent read waits for it). */
let forced = false;
let lastProjectionAt = 0;

function flush(): void {
  scheduled = undefined;
  clearTimeout(timer);
  const writes = queue;
  queue = [];
  const now = Date.now();
  const projectNow =
    behind() &&
    (closeId !== undefined ||
      (now >= projectionRetryAt && (now - lastProjectionAt >= PROJECTION_INTERVAL_MS || forced)));
  forced = false;
  if (projectNow) lastProjectionAt = now;
  let projectionFailed = false;
  if (writes.length > 0 || projectNow) {
    const message = commit(writes, projectNow);
    projectionFailed = message.projectionError !== undefined;
    if (projectionFailed) {
      projectionRetryAt = Date.now() + projectionBackoffMs;
      projectionBackoffMs = Math.min(projectionBackoffMs * 2, 1000);
    } else if (message.projected) projectionBackoffMs = PROJECTION_INTERVAL_MS;
    port?.postMessage(message satisfies WriterMessage);
  }
  if (closeId !== undefined) {
    // A projection that fails at close is left to the next start (the inbox keeps its records).
    if (behind() && !projectionFailed && Date.now() < closeDeadline) return schedule('now');
    reader?.close();
    db.close();
    port?.postMessage({ replies: [{ id: closeId, ok: true, result: null }] } satisfies WriterMessage);
    port?.close();
    return;
  }
  if (queue.length > 0) return schedule('now');
  if (cleanupDue && committedCursor && Date.now() >= cleanupRetryAt) deleteProjectedSegments(committedCursor);
  // Behind by a full batch: go on at once. Otherwise prune if due, and look again after the interval.
  if (farBehind() && !projectionFailed) return schedule('now');
  if (pruner && Date.now() >= nextPruneAt) prune();
  if (reader) schedule('soon');
}

function schedule(when: 'now' | 'soon'): void {
  if (scheduled === 'now' || scheduled === when) return;
  if (when === 'now') {
    clearTimeout(timer);
    scheduled = 'now';
    setImmediate(flush);
    return;
  }
  scheduled = 'soon';
  // Behind: counted from the last projection, so that the relay's frequent writes never push the next one back;
  // after a projection that failed, not before its retry is due. Caught up: the next look is an interval away (new
  // acknowledgements are found there, or announced by a message), not a timer of 0 ms that would spin all day.
  const due = behind()
    ? Math.max(lastProjectionAt + PROJECTION_INTERVAL_MS, projectionRetryAt)
    : Date.now() + PROJECTION_INTERVAL_MS;
  timer = setTimeout(flush, Math.max(0, due - Date.now()));
}

port.on('message', (requests: WriterRequest[]) => {
  for (const request of requests) {
    if (request.type === 'close') {
      closeId = request.id;
      // What is durable in the inbox is projected before the file closes, for a while; the rest at the next start.
      closeDeadline = Date.now() + 10_000;
    } else if (request.type === 'project') forced = true;
    else queue.push(request);
  }
  // After this turn's messages are all in: everything queued meanwhile shares the commit.
  schedule('now');
});
if (reader) schedule('soon');
