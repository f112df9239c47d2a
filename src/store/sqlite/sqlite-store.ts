import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AcceptedCallback, RecordResult } from '../../protocol/index.js';
import { GroupCommitter } from '../group-commit.js';
import { conditions, pageQuery, toPage } from '../page-query.js';
import type { ConversationFilter, EventFilter, Store } from '../store.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { toCommandStats, toConversationRecord, toEventRecord } from './sqlite-rows.js';
import type { CommandStatsRow, ConversationRow, EventRow } from './sqlite-rows.js';

type Write = { type: 'record'; callback: AcceptedCallback } | { type: 'heartbeat'; at: number };

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at INTEGER)');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  for (const migration of SQLITE_MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.name, Date.now());
    }).immediate();
  }
}

/**
 * The default backend: one SQLite file in WAL mode with `synchronous=FULL`, so a commit is on disk (fsynced)
 * before `record` resolves and before the receiver answers OpenIM.
 */
export function openSqliteStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);

  const insertEvent = db.prepare<unknown[], { id: number }>(
    `INSERT INTO events (command, kind, operation_id, received_at, idempotency_key, body, warnings)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
  );
  const findEventByKey = db.prepare<[string], { id: number }>('SELECT id FROM events WHERE idempotency_key = ?');
  const countCommand = db.prepare(
    `INSERT INTO command_stats (command, count, first_seen_at, last_seen_at) VALUES (?, 1, ?, ?)
     ON CONFLICT (command) DO UPDATE SET count = count + 1,
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
  const beat = db.prepare('INSERT INTO heartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at');

  function recordOne(callback: AcceptedCallback): RecordResult {
    const inserted = insertEvent.get(
      callback.command,
      callback.kind,
      callback.operationID,
      callback.receivedAt,
      callback.idempotencyKey,
      callback.rawBody,
      callback.warnings.length > 0 ? JSON.stringify(callback.warnings) : null,
    );
    if (!inserted) {
      const original = findEventByKey.get(callback.idempotencyKey);
      if (!original) throw new Error('idempotency key conflicted but no event holds it');
      return { eventId: original.id, duplicate: true };
    }
    countCommand.run(callback.command, callback.receivedAt, callback.receivedAt);
    const c = callback.conversation;
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
        callback.receivedAt,
        callback.receivedAt,
        callback.command,
        inserted.id,
      );
    }
    return { eventId: inserted.id, duplicate: false };
  }

  const commitBatch = db.transaction((writes: Write[]) =>
    writes.map((write) => (write.type === 'record' ? recordOne(write.callback) : (beat.run(write.at), null))),
  );
  const committer = new GroupCommitter<Write, RecordResult | null>((writes) => commitBatch.immediate(writes));
  let closed = false;

  function assertOpen(): void {
    if (closed) throw new Error('store is closed');
  }

  return {
    async record(callback) {
      assertOpen();
      return (await committer.submit({ type: 'record', callback })) as RecordResult;
    },

    async checkWritable() {
      assertOpen();
      await committer.submit({ type: 'heartbeat', at: Date.now() });
    },

    async listConversations(filter: ConversationFilter = {}) {
      const page = pageQuery(
        filter,
        conditions([
          ['owner_user_id = ?', filter.ownerUserId],
          ['user_id = ?', filter.userId],
          ['group_id = ?', filter.groupId],
          ['conversation_id = ?', filter.conversationId],
          ['conversation_type = ?', filter.conversationType],
          ['last_seen_at >= ?', filter.seenAfter],
          ['last_seen_at < ?', filter.seenBefore],
        ]),
      );
      const rows = db.prepare(`SELECT * FROM conversations ${page.clause}`).all(...page.params) as ConversationRow[];
      return toPage(rows, page.limit, toConversationRecord);
    },

    async getConversation(ownerUserId, conversationId) {
      const row = db
        .prepare('SELECT * FROM conversations WHERE owner_user_id = ? AND conversation_id = ?')
        .get(ownerUserId, conversationId) as ConversationRow | undefined;
      return row && toConversationRecord(row);
    },

    async listEvents(filter: EventFilter = {}) {
      const page = pageQuery(
        filter,
        conditions([
          ['command = ?', filter.command],
          ['operation_id = ?', filter.operationID],
          ['received_at >= ?', filter.receivedAfter],
          ['received_at < ?', filter.receivedBefore],
        ]),
      );
      const rows = db.prepare(`SELECT * FROM events ${page.clause}`).all(...page.params) as EventRow[];
      return toPage(rows, page.limit, toEventRecord);
    },

    async listCommands() {
      const rows = db.prepare('SELECT * FROM command_stats ORDER BY command').all() as CommandStatsRow[];
      return rows.map(toCommandStats);
    },

    async close() {
      if (closed) return;
      closed = true;
      await committer.drained();
      db.close();
    },
  };
}
