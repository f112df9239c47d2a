/**
 * Versioned schema of the SQLite backend. Append only: a released migration is never edited, a change is a new one.
 * Column names are ours; what leaves the store uses OpenIM's JSON names (see ../rows.ts).
 */
export const SQLITE_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'event log, conversations, command stats',
    sql: `
      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        command TEXT NOT NULL,
        kind TEXT NOT NULL,
        operation_id TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        idempotency_key TEXT NOT NULL,
        body BLOB NOT NULL,
        warnings TEXT
      );
      -- Every random-order index costs a page write per event on the ack path, so dedupe and lookups by
      -- operationID share one (the key hashes the operationID in, so uniqueness is the same).
      CREATE UNIQUE INDEX events_by_operation_id ON events (operation_id, idempotency_key);
      CREATE INDEX events_by_command ON events (command, id);
      CREATE INDEX events_by_received_at ON events (received_at);

      CREATE TABLE conversations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        owner_user_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        conversation_type INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        group_id TEXT NOT NULL,
        recv_msg_opt INTEGER NOT NULL,
        is_pinned INTEGER NOT NULL,
        is_private_chat INTEGER NOT NULL,
        burn_duration INTEGER NOT NULL,
        group_at_type INTEGER NOT NULL,
        attached_info TEXT NOT NULL,
        ex TEXT NOT NULL,
        first_seen_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        times_seen INTEGER NOT NULL,
        last_command TEXT NOT NULL,
        last_event_id INTEGER NOT NULL,
        UNIQUE (owner_user_id, conversation_id)
      );
      CREATE INDEX conversations_by_conversation_id ON conversations (conversation_id);
      CREATE INDEX conversations_by_user_id ON conversations (user_id);
      CREATE INDEX conversations_by_group_id ON conversations (group_id);
      CREATE INDEX conversations_by_last_seen_at ON conversations (last_seen_at);

      -- Kept in the same transaction as each event, so "which commands arrive?" never scans the log.
      CREATE TABLE command_stats (
        command TEXT PRIMARY KEY,
        count INTEGER NOT NULL,
        first_seen_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
      );

      -- /readyz proves the write path by committing here.
      CREATE TABLE heartbeat (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL);
    `,
  },
  {
    version: 2,
    name: 'outbox: one delivery per event and sink',
    sql: `
      -- Written in the same transaction as its event (no dual write); the relay drains it.
      CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id INTEGER NOT NULL,
        sink TEXT NOT NULL,
        -- Deliveries of one key go out first in, first out (the conversationId; unique for raw events).
        ordering_key TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        settled_at INTEGER,
        UNIQUE (event_id, sink)
      );
      CREATE INDEX deliveries_by_sink_status ON deliveries (sink, status, id);
    `,
  },
  {
    version: 3,
    name: 'outbox leases: several relays share the outbox',
    sql: `
      -- Written when a relay claims a delivery, cleared when it settles. No index: heads are found in the window of
      -- pending deliveries the relay reads anyway, and an index here would cost a random page write per event.
      ALTER TABLE deliveries ADD COLUMN lease_owner TEXT;
      ALTER TABLE deliveries ADD COLUMN lease_until INTEGER;
    `,
  },
  {
    version: 4,
    name: 'invalid callbacks: kept with their field errors',
    sql: `
      -- JSON list of {field, reason}; NULL for a valid callback. An invalid one is kept (never lose what OpenIM sent).
      ALTER TABLE events ADD COLUMN field_errors TEXT;
      ALTER TABLE command_stats ADD COLUMN invalid INTEGER NOT NULL DEFAULT 0;
      `,
  },
  {
    version: 5,
    name: 'attempt history, answers that were not the success package, generated sink secrets',
    sql: `
      -- One row per delivery attempt, written with its settlement. Both indexes grow at their right edge (ids only
      -- increase), so an attempt costs no random page write.
      CREATE TABLE delivery_attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        delivery_id INTEGER NOT NULL,
        event_id INTEGER NOT NULL,
        sink TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        result TEXT NOT NULL,
        http_status INTEGER,
        error TEXT,
        response_excerpt TEXT
      );
      CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts (delivery_id, id);
      CREATE INDEX delivery_attempts_by_sink ON delivery_attempts (sink, id);

      -- Only answers that differ from the success package (a handler's decision, a forwarded before-callback):
      -- nothing is written for the usual case.
      CREATE TABLE event_answers (
        event_id INTEGER PRIMARY KEY,
        status INTEGER NOT NULL,
        body TEXT NOT NULL,
        answered_at INTEGER NOT NULL
      );

      -- Standard Webhooks secrets made for HTTP sinks configured without one, so a restart keeps signing alike.
      CREATE TABLE sink_secrets (sink TEXT PRIMARY KEY, secret TEXT NOT NULL, created_at INTEGER NOT NULL);
      `,
  },
  {
    version: 6,
    name: 'projection cursor: the inbox is projected into these tables off the ack path',
    sql: `
      -- Callbacks are acknowledged from the inbox (an append-only log beside this file, see src/store/inbox/);
      -- everything above is its projection. The cursor is written in each projection transaction, so a crash at any
      -- point projects every record exactly once. Events recorded before the inbox existed count as projected.
      CREATE TABLE projection (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        -- The seq of the last record projected (event ids are seqs).
        seq INTEGER NOT NULL,
        -- Where reading resumes: the segment (named by its first seq; 0 before any) and the offset in it.
        segment INTEGER NOT NULL,
        segment_offset INTEGER NOT NULL
      );
      INSERT INTO projection VALUES (1, coalesce((SELECT max(id) FROM events), 0), 0, 0);
    `,
  },
];
