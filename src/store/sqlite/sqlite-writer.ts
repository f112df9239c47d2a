/**
 * The writer thread of the SQLite store. Every write happens here, so the fsync of a commit never blocks the HTTP
 * thread. Requests that arrive while a commit runs queue up in this thread's port and form the next batch: one
 * transaction and one fsync for all of them (group commit), growing by itself under load.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RecordResult } from '../../protocol/index.js';
import { openDatabase } from './open-database.js';
import { conversationOf } from './writer-protocol.js';
import type { AttemptLog, OutboxSink, ReplaySelection, RetrySelection, Settlement } from '../store.js';
import type { CallbackTuple, Claim, WriterReply, WriterRequest, WriterResult } from './writer-protocol.js';
import { dueHeads } from '../rows.js';
import type { LeasedDeliveryRow, PendingDeliveryRow } from '../rows.js';

const port = parentPort;
if (!port) throw new Error('sqlite-writer must run as a worker thread');

const { path, sinks, endLeases } = workerData as { path: string; sinks: OutboxSink[]; endLeases: boolean };
const db = openDatabase(path);
// Checkpoints run on the checkpointer thread, never inside this thread's commits.
db.pragma('wal_autocheckpoint = 0');
const insertEvent = db.prepare<unknown[], { id: number }>(
  `INSERT INTO events (command, kind, operation_id, received_at, idempotency_key, body, warnings, field_errors)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (operation_id, idempotency_key) DO NOTHING RETURNING id`,
);
const findEventByKey = db.prepare<[string, string], { id: number }>(
  'SELECT id FROM events WHERE operation_id = ? AND idempotency_key = ?',
);
const countCommand = db.prepare(
  `INSERT INTO command_stats (command, count, invalid, first_seen_at, last_seen_at) VALUES (?, 1, ?, ?, ?)
   ON CONFLICT (command) DO UPDATE SET count = count + 1, invalid = invalid + excluded.invalid,
     first_seen_at = min(first_seen_at, excluded.first_seen_at), last_seen_at = max(last_seen_at, excluded.last_seen_at)`,
);
const upsertConversation = db.prepare(
  `INSERT INTO conversations (owner_user_id, conversation_id, conversation_type, user_id, group_id, recv_msg_opt,
     is_pinned, is_private_chat, burn_duration, group_at_type, attached_info, ex,
     first_seen_at, last_seen_at, times_seen, last_command, last_event_id)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
   ON CONFLICT (owner_user_id, conversation_id) DO UPDATE SET
     conversation_type = excluded.conversation_type, user_id = excluded.user_id, group_id = excluded.group_id,
     recv_msg_opt = excluded.recv_msg_opt, is_pinned = excluded.is_pinned, is_private_chat = excluded.is_private_chat,
     burn_duration = excluded.burn_duration, group_at_type = excluded.group_at_type,
     attached_info = excluded.attached_info, ex = excluded.ex,
     first_seen_at = min(first_seen_at, excluded.first_seen_at),
     last_seen_at = max(last_seen_at, excluded.last_seen_at),
     times_seen = times_seen + 1, last_command = excluded.last_command, last_event_id = excluded.last_event_id`,
);
const insertDelivery = db.prepare(
  `INSERT INTO deliveries (event_id, sink, ordering_key, status, next_attempt_at, created_at)
   VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT (event_id, sink) DO NOTHING`,
);
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

/** One event: the log row (or the original, for an exact redelivery), its command count and its conversation. */
function recordOne(callback: CallbackTuple): RecordResult {
  const [command, kind, operationID, receivedAt, idempotencyKey, rawBody, warningsJson, , fieldErrorsJson] =
    callback;
  const inserted = insertEvent.get(
    command,
    kind,
    operationID,
    receivedAt,
    idempotencyKey,
    rawBody,
    warningsJson,
    fieldErrorsJson,
  );
  if (!inserted) {
    const original = findEventByKey.get(operationID, idempotencyKey);
    if (!original) throw new Error('idempotency key conflicted but no event holds it');
    return { eventId: original.id, duplicate: true };
  }
  countCommand.run(command, fieldErrorsJson === null ? 0 : 1, receivedAt, receivedAt);
  const c = conversationOf(callback);
  for (const sink of sinks) {
    if (sink.commands && !sink.commands.includes(command)) continue;
    if (fieldErrorsJson !== null && !sink.invalid) continue;
    // FIFO per conversation; events without one are not ordered among themselves.
    insertDelivery.run(
      inserted.id,
      sink.name,
      c ? c.conversationId : `#${inserted.id}`,
      receivedAt,
      receivedAt,
    );
  }
  if (c) {
    upsertConversation.run(
      c.ownerUserId,
      c.conversationId,
      c.conversationType,
      'userId' in c ? c.userId : '',
      'groupId' in c ? c.groupId : '',
      c.recvMsgOpt,
      c.isPinned ? 1 : 0,
      c.isPrivateChat ? 1 : 0,
      c.burnDuration,
      c.groupAtType,
      c.attachedInfo,
      c.ex,
      receivedAt,
      receivedAt,
      command,
      inserted.id,
    );
  }
  return { eventId: inserted.id, duplicate: false };
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

type Write = Exclude<WriterRequest, { type: 'close' }>;

function apply(write: Write): WriterResult {
  switch (write.type) {
    case 'record':
      return recordOne(write.callback);
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

const writeAll = db.transaction((writes: Write[]) => writes.map(apply));

function commit(batch: Write[]): WriterReply[] {
  try {
    return writeAll
      .immediate(batch)
      .map((result, index) => ({ id: batch[index]?.id ?? -1, ok: true, result }));
  } catch (error) {
    if (batch.length > 1) return batch.flatMap((write) => commit([write])); // find the one bad write
    return batch.map(({ id }) => ({
      id,
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    }));
  }
}

let queue: Write[] = [];
let scheduled = false;
let closeId: number | undefined;

function flush(): void {
  scheduled = false;
  const batch = queue;
  queue = [];
  if (batch.length > 0) port?.postMessage(commit(batch));
  if (closeId !== undefined) {
    db.close();
    port?.postMessage([{ id: closeId, ok: true, result: null } satisfies WriterReply]);
    port?.close();
  }
}

port.on('message', (requests: WriterRequest[]) => {
  for (const request of requests) {
    if (request.type === 'close') closeId = request.id;
    else queue.push(request);
  }
  if (!scheduled) {
    scheduled = true;
    // After this turn's messages are all in: everything queued meanwhile shares the commit.
    setImmediate(flush);
  }
});
