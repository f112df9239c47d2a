import type pg from 'pg';
import type { AcceptedCallback, ConversationCallback, RecordResult } from '../../protocol/index.js';
import type { OutboxSink } from '../store.js';

/**
 * PostgreSQL text cannot hold U+0000 (the event log keeps the exact bytes in `bytea`); in the conversation row it
 * becomes U+FFFD rather than failing the whole record.
 */
const text = (value: string) => (value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value);

/** Rows per command in `command_stats` (see the migration): enough that concurrent batches rarely share one. */
const COMMAND_STATS_SHARDS = 16;

const keyOf = (callback: AcceptedCallback) => `${callback.operationID}\u0000${callback.idempotencyKey}`;

/**
 * Writes a batch of callbacks inside the caller's transaction, with one multi-row statement per table: the event log
 * (exact redeliveries, in this batch or already committed by any instance, resolve to the original), command stats,
 * outbox rows and conversations (aggregated per conversation first, since one statement may not update a row twice;
 * new rows take ids in arrival order). One projector at a time runs it (project-inbox.ts), so no two batches race
 * for the same rows.
 */
export async function recordBatch(
  client: pg.ClientBase,
  callbacks: readonly AcceptedCallback[],
  sinks: readonly OutboxSink[],
  /** The events' ids (the inbox's), one per callback; without, new ones from the inbox's sequence (one numbering). */
  ids?: readonly number[],
): Promise<RecordResult[]> {
  const firsts = new Map<string, { callback: AcceptedCallback; id: number | null }>();
  callbacks.forEach((callback, i) => {
    if (!firsts.has(keyOf(callback))) firsts.set(keyOf(callback), { callback, id: ids?.[i] ?? null });
  });
  const unique = [...firsts.values()].map(({ callback }) => callback);

  const inserted = await client.query<{ id: number; operation_id: string; idempotency_key: string }>(
    `INSERT INTO events (id, command, kind, operation_id, received_at, idempotency_key, body, warnings, field_errors)
     OVERRIDING SYSTEM VALUE
     SELECT coalesce(id, nextval(pg_get_serial_sequence('inbox', 'id'))), command, kind, operation_id, received_at,
       idempotency_key, body, warnings, field_errors
     FROM unnest($9::bigint[], $1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bytea[], $7::text[],
       $8::text[])
       WITH ORDINALITY AS t (id, command, kind, operation_id, received_at, idempotency_key, body, warnings,
         field_errors, ord)
     ORDER BY ord
     ON CONFLICT (operation_id, idempotency_key) DO NOTHING
     RETURNING id, operation_id, idempotency_key`,
    [
      unique.map((c) => c.command),
      unique.map((c) => c.kind),
      unique.map((c) => c.operationID),
      unique.map((c) => c.receivedAt),
      unique.map((c) => c.idempotencyKey),
      unique.map((c) => Buffer.from(c.rawBody.buffer, c.rawBody.byteOffset, c.rawBody.byteLength)),
      unique.map((c) => (c.warnings.length > 0 ? JSON.stringify(c.warnings) : null)),
      unique.map((c) => (c.fieldErrors.length > 0 ? JSON.stringify(c.fieldErrors) : null)),
      [...firsts.values()].map(({ id }) => id),
    ],
  );
  const newIds = new Map(
    inserted.rows.map((row) => [`${row.operation_id}\u0000${row.idempotency_key}`, row.id]),
  );
  const originalIds = await findOriginals(
    client,
    unique.filter((c) => !newIds.has(keyOf(c))),
  );

  const fresh = unique.flatMap((c) => {
    const id = newIds.get(keyOf(c));
    return id === undefined ? [] : [{ callback: c, id }];
  });
  if (fresh.length > 0) {
    await countCommands(client, fresh);
    await insertDeliveries(client, fresh, sinks);
    await upsertConversations(client, fresh);
  }

  const answered = new Set<string>();
  return callbacks.map((callback) => {
    const key = keyOf(callback);
    const newId = newIds.get(key);
    if (newId !== undefined && !answered.has(key)) {
      answered.add(key);
      return { eventId: newId, duplicate: false };
    }
    const eventId = newId ?? originalIds.get(key);
    if (eventId === undefined) throw new Error('idempotency key conflicted but no event holds it');
    return { eventId, duplicate: true };
  });
}

type Fresh = { callback: AcceptedCallback; id: number };

/** The ids of events already recorded under these keys (a concurrent insert has committed by now: ON CONFLICT waited). */
async function findOriginals(
  client: pg.ClientBase,
  duplicates: AcceptedCallback[],
): Promise<Map<string, number>> {
  if (duplicates.length === 0) return new Map();
  const { rows } = await client.query<{ id: number; operation_id: string; idempotency_key: string }>(
    `SELECT id, operation_id, idempotency_key FROM events
     WHERE (operation_id, idempotency_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [duplicates.map((c) => c.operationID), duplicates.map((c) => c.idempotencyKey)],
  );
  return new Map(rows.map((row) => [`${row.operation_id}\u0000${row.idempotency_key}`, row.id]));
}

async function countCommands(client: pg.ClientBase, fresh: Fresh[]): Promise<void> {
  const stats = new Map<string, { count: number; invalid: number; first: number; last: number }>();
  for (const { callback: c } of fresh) {
    const s = stats.get(c.command);
    const invalid = c.fieldErrors.length > 0 ? 1 : 0;
    if (s)
      Object.assign(s, {
        count: s.count + 1,
        invalid: s.invalid + invalid,
        first: Math.min(s.first, c.receivedAt),
        last: Math.max(s.last, c.receivedAt),
      });
    else stats.set(c.command, { count: 1, invalid, first: c.receivedAt, last: c.receivedAt });
  }
  const commands = [...stats.keys()].sort();
  await client.query(
    `INSERT INTO command_stats (command, shard, count, first_seen_at, last_seen_at, invalid)
     SELECT command, $5::smallint, count, first_seen_at, last_seen_at, invalid
     FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $6::bigint[])
       AS t (command, count, first_seen_at, last_seen_at, invalid)
     ON CONFLICT (command, shard) DO UPDATE SET count = command_stats.count + excluded.count,
       invalid = command_stats.invalid + excluded.invalid,
       first_seen_at = least(command_stats.first_seen_at, excluded.first_seen_at),
       last_seen_at = greatest(command_stats.last_seen_at, excluded.last_seen_at)`,
    [
      commands,
      commands.map((command) => stats.get(command)?.count),
      commands.map((command) => stats.get(command)?.first),
      commands.map((command) => stats.get(command)?.last),
      Math.floor(Math.random() * COMMAND_STATS_SHARDS),
      commands.map((command) => stats.get(command)?.invalid),
    ],
  );
}

async function insertDeliveries(
  client: pg.ClientBase,
  fresh: Fresh[],
  sinks: readonly OutboxSink[],
): Promise<void> {
  const rows: [eventId: number, sink: string, orderingKey: string, at: number][] = [];
  for (const { callback: c, id } of fresh) {
    for (const sink of sinks) {
      if (sink.commands && !sink.commands.includes(c.command)) continue;
      if (c.fieldErrors.length > 0 && !sink.invalid) continue;
      // FIFO per conversation; events without one are not ordered among themselves.
      rows.push([id, sink.name, c.conversation ? c.conversation.conversationId : `#${id}`, c.receivedAt]);
    }
  }
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO deliveries (event_id, sink, ordering_key, status, next_attempt_at, created_at)
     SELECT event_id, sink, ordering_key, 'pending', at, at
     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[]) AS t (event_id, sink, ordering_key, at)
     ON CONFLICT (event_id, sink) DO NOTHING`,
    [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])],
  );
}

/** One row per conversation of the batch: the latest callback's values, the batch's time span and count. */
interface ConversationUpsert {
  c: ConversationCallback;
  command: string;
  eventId: number;
  first: number;
  last: number;
  count: number;
}

async function upsertConversations(client: pg.ClientBase, fresh: Fresh[]): Promise<void> {
  const byKey = new Map<string, ConversationUpsert>();
  for (const { callback, id } of fresh) {
    const c = callback.conversation;
    if (!c) continue;
    const key = `${text(c.ownerUserId)}\u0000${text(c.conversationId)}`;
    const seen = byKey.get(key);
    byKey.set(key, {
      c,
      command: callback.command,
      eventId: id,
      first: Math.min(seen?.first ?? callback.receivedAt, callback.receivedAt),
      last: Math.max(seen?.last ?? callback.receivedAt, callback.receivedAt),
      count: (seen?.count ?? 0) + 1,
    });
  }
  if (byKey.size === 0) return;
  const rows = [...byKey.values()];
  const column = <T>(pick: (row: ConversationUpsert) => T) => rows.map(pick);
  await client.query(
    `INSERT INTO conversations (owner_user_id, conversation_id, conversation_type, user_id, group_id, recv_msg_opt,
       is_pinned, is_private_chat, burn_duration, group_at_type, attached_info, ex,
       first_seen_at, last_seen_at, times_seen, last_command, last_event_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::integer[],
       $7::boolean[], $8::boolean[], $9::integer[], $10::integer[], $11::text[], $12::text[],
       $13::bigint[], $14::bigint[], $15::bigint[], $16::text[], $17::bigint[])
     ON CONFLICT (owner_user_id, conversation_id) DO UPDATE SET
       conversation_type = excluded.conversation_type, user_id = excluded.user_id, group_id = excluded.group_id,
       recv_msg_opt = excluded.recv_msg_opt, is_pinned = excluded.is_pinned, is_private_chat = excluded.is_private_chat,
       burn_duration = excluded.burn_duration, group_at_type = excluded.group_at_type,
       attached_info = excluded.attached_info, ex = excluded.ex,
       first_seen_at = least(conversations.first_seen_at, excluded.first_seen_at),
       last_seen_at = greatest(conversations.last_seen_at, excluded.last_seen_at),
       times_seen = conversations.times_seen + excluded.times_seen,
       last_command = excluded.last_command, last_event_id = excluded.last_event_id`,
    [
      column((r) => text(r.c.ownerUserId)),
      column((r) => text(r.c.conversationId)),
      column((r) => r.c.conversationType),
      column((r) => text('userId' in r.c ? r.c.userId : '')),
      column((r) => text('groupId' in r.c ? r.c.groupId : '')),
      column((r) => r.c.recvMsgOpt),
      column((r) => r.c.isPinned),
      column((r) => r.c.isPrivateChat),
      column((r) => r.c.burnDuration),
      column((r) => r.c.groupAtType),
      column((r) => text(r.c.attachedInfo)),
      column((r) => text(r.c.ex)),
      column((r) => r.first),
      column((r) => r.last),
      column((r) => r.count),
      column((r) => r.command),
      column((r) => r.eventId),
    ],
  );
}
