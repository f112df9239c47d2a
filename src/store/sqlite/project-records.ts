import type Database from 'better-sqlite3';
import { isConversationCommand } from '../../protocol/index.js';
import type { ConversationCallback } from '../../protocol/index.js';
import type { InboxCursor, InboxRecord } from '../inbox/index.js';
import type { OutboxSink } from '../store.js';

export interface Projected {
  /** The cursor the projection reached (committed with the rows). */
  readonly seq: number;
  /** New events (exact redeliveries are not). */
  readonly added: number;
}

/**
 * The projection of the inbox into the database, run inside the writer's transaction: each record becomes an event
 * (its id is its seq) unless it is an exact redelivery of one, with its command count, its outbox rows and its
 * conversation row; the cursor is written in the same transaction, so a crash projects every record exactly once.
 * Command counts are summed per batch first: one row write per command, not per callback.
 */
export function createProjector(db: Database.Database, sinks: readonly OutboxSink[]) {
  const insertEvent = db.prepare<unknown[], { id: number }>(
    `INSERT INTO events (id, command, kind, operation_id, received_at, idempotency_key, body, warnings, field_errors)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
  );
  const insertEventWithNewId = db.prepare<unknown[], { id: number }>(
    `INSERT INTO events (command, kind, operation_id, received_at, idempotency_key, body, warnings, field_errors)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  );
  const findEventByKey = db.prepare<[string, string], { id: number }>(
    'SELECT id FROM events WHERE operation_id = ? AND idempotency_key = ?',
  );
  const countCommand = db.prepare(
    `INSERT INTO command_stats (command, count, invalid, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (command) DO UPDATE SET count = count + excluded.count, invalid = invalid + excluded.invalid,
       first_seen_at = min(first_seen_at, excluded.first_seen_at),
       last_seen_at = max(last_seen_at, excluded.last_seen_at)`,
  );
  const upsertConversation = db.prepare(
    `INSERT INTO conversations (owner_user_id, conversation_id, conversation_type, user_id, group_id, recv_msg_opt,
       is_pinned, is_private_chat, burn_duration, group_at_type, attached_info, ex,
       first_seen_at, last_seen_at, times_seen, last_command, last_event_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
     ON CONFLICT (owner_user_id, conversation_id) DO UPDATE SET
       conversation_type = excluded.conversation_type, user_id = excluded.user_id, group_id = excluded.group_id,
       recv_msg_opt = excluded.recv_msg_opt, is_pinned = excluded.is_pinned,
       is_private_chat = excluded.is_private_chat, burn_duration = excluded.burn_duration,
       group_at_type = excluded.group_at_type, attached_info = excluded.attached_info, ex = excluded.ex,
       first_seen_at = min(first_seen_at, excluded.first_seen_at),
       last_seen_at = max(last_seen_at, excluded.last_seen_at),
       times_seen = times_seen + 1, last_command = excluded.last_command, last_event_id = excluded.last_event_id`,
  );
  const insertDelivery = db.prepare(
    `INSERT INTO deliveries (event_id, sink, ordering_key, status, next_attempt_at, created_at)
     VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT (event_id, sink) DO NOTHING`,
  );
  const saveCursor = db.prepare(
    'UPDATE projection SET seq = ?, segment = ?, segment_offset = ? WHERE id = 1',
  );

  /** The event of one record: its id, or undefined for an exact redelivery of an event already projected. */
  function insert(record: InboxRecord): number | undefined {
    const { seq, command, kind, operationID, receivedAt, idempotencyKey, body } = record;
    const warnings = record.warnings.length > 0 ? JSON.stringify(record.warnings) : null;
    const fieldErrors = record.fieldErrors.length > 0 ? JSON.stringify(record.fieldErrors) : null;
    const row = [command, kind, operationID, receivedAt, idempotencyKey, body, warnings, fieldErrors];
    const inserted = insertEvent.get(seq, ...row);
    if (inserted) return inserted.id;
    if (findEventByKey.get(operationID, idempotencyKey)) return undefined;
    // The id was taken (a database restored under a newer inbox): the event gets a fresh one rather than be lost.
    return insertEventWithNewId.get(...row)?.id;
  }

  return function project(records: readonly InboxRecord[], cursor: InboxCursor): Projected {
    const counts = new Map<string, { count: number; invalid: number; first: number; last: number }>();
    let added = 0;
    for (const record of records) {
      const id = insert(record);
      if (id === undefined) continue;
      added += 1;
      const { command, receivedAt } = record;
      // Kept, counted and shown, but not a conversation, and not forwarded unless a sink asks for such events.
      const invalid = record.fieldErrors.length > 0;
      const count = counts.get(command) ?? { count: 0, invalid: 0, first: receivedAt, last: receivedAt };
      counts.set(command, {
        count: count.count + 1,
        invalid: count.invalid + (invalid ? 1 : 0),
        first: Math.min(count.first, receivedAt),
        last: Math.max(count.last, receivedAt),
      });
      const c =
        !invalid && isConversationCommand(command)
          ? (JSON.parse(record.body.toString('utf8')) as ConversationCallback)
          : null;
      for (const sink of sinks) {
        if (sink.commands && !sink.commands.includes(command)) continue;
        if (invalid && !sink.invalid) continue;
        // FIFO per conversation; events without one are not ordered among themselves.
        insertDelivery.run(id, sink.name, c ? c.conversationId : `#${id}`, receivedAt, receivedAt);
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
          id,
        );
      }
    }
    for (const [command, c] of counts) countCommand.run(command, c.count, c.invalid, c.first, c.last);
    saveCursor.run(cursor.seq, cursor.segment, cursor.offset);
    return { seq: cursor.seq, added };
  };
}
