/**
 * Versioned schema of the PostgreSQL backend, the same tables and columns as the SQLite one (times are epoch
 * milliseconds in `bigint`, bodies `bytea`). Append only: a released migration is never edited, a change is a new one.
 */
export const POSTGRES_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'event log, conversations, command stats',
    sql: `
      CREATE TABLE events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        command text NOT NULL,
        kind text NOT NULL,
        operation_id text NOT NULL,
        received_at bigint NOT NULL,
        idempotency_key text NOT NULL,
        body bytea NOT NULL,
        warnings text
      );
      -- Idempotency across every instance on this database: ON CONFLICT DO NOTHING against this index.
      CREATE UNIQUE INDEX events_by_operation_id ON events (operation_id, idempotency_key);
      CREATE INDEX events_by_command ON events (command, id);
      CREATE INDEX events_by_received_at ON events (received_at);

      CREATE TABLE conversations (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        owner_user_id text NOT NULL,
        conversation_id text NOT NULL,
        conversation_type integer NOT NULL,
        user_id text NOT NULL,
        group_id text NOT NULL,
        recv_msg_opt integer NOT NULL,
        is_pinned boolean NOT NULL,
        is_private_chat boolean NOT NULL,
        burn_duration integer NOT NULL,
        group_at_type integer NOT NULL,
        attached_info text NOT NULL,
        ex text NOT NULL,
        first_seen_at bigint NOT NULL,
        last_seen_at bigint NOT NULL,
        times_seen bigint NOT NULL,
        last_command text NOT NULL,
        last_event_id bigint NOT NULL,
        UNIQUE (owner_user_id, conversation_id)
      );
      CREATE INDEX conversations_by_conversation_id ON conversations (conversation_id);
      CREATE INDEX conversations_by_user_id ON conversations (user_id);
      CREATE INDEX conversations_by_group_id ON conversations (group_id);
      CREATE INDEX conversations_by_last_seen_at ON conversations (last_seen_at);

      -- One row per command and shard, summed when read: each batch counts into a random shard, so the commits of
      -- several instances do not queue on one hot row (its lock is held until COMMIT has flushed the WAL).
      CREATE TABLE command_stats (
        command text NOT NULL,
        shard smallint NOT NULL,
        count bigint NOT NULL,
        first_seen_at bigint NOT NULL,
        last_seen_at bigint NOT NULL,
        PRIMARY KEY (command, shard)
      );

      CREATE TABLE heartbeat (id integer PRIMARY KEY CHECK (id = 1), at bigint NOT NULL);
    `,
  },
  {
    version: 2,
    name: 'outbox: one delivery per event and sink',
    sql: `
      CREATE TABLE deliveries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id bigint NOT NULL,
        sink text NOT NULL,
        ordering_key text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at bigint NOT NULL,
        last_error text,
        created_at bigint NOT NULL,
        settled_at bigint,
        UNIQUE (event_id, sink)
      );
      CREATE INDEX deliveries_by_sink_status ON deliveries (sink, status, id);
    `,
  },
  {
    version: 3,
    name: 'outbox leases: several relays share the outbox',
    sql: `
      -- Written when a relay claims a delivery (under FOR UPDATE SKIP LOCKED), cleared when it settles. Heads are
      -- found in the window of pending deliveries read through deliveries_by_sink_status: no index of its own.
      ALTER TABLE deliveries ADD COLUMN lease_owner text;
      ALTER TABLE deliveries ADD COLUMN lease_until bigint;
    `,
  },
  {
    version: 4,
    name: 'invalid callbacks: kept with their field errors',
    sql: `
      -- JSON list of {field, reason}; NULL for a valid callback. An invalid one is kept (never lose what OpenIM sent).
      ALTER TABLE events ADD COLUMN field_errors text;
      ALTER TABLE command_stats ADD COLUMN invalid bigint NOT NULL DEFAULT 0;
      `,
  },
  {
    version: 5,
    name: 'attempt history, answers that were not the success package, generated sink secrets',
    sql: `
      CREATE TABLE delivery_attempts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        delivery_id bigint NOT NULL,
        event_id bigint NOT NULL,
        sink text NOT NULL,
        started_at bigint NOT NULL,
        duration_ms integer NOT NULL,
        result text NOT NULL,
        http_status integer,
        error text,
        response_excerpt text
      );
      CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts (delivery_id, id);
      CREATE INDEX delivery_attempts_by_sink ON delivery_attempts (sink, id);

      CREATE TABLE event_answers (
        event_id bigint PRIMARY KEY,
        status integer NOT NULL,
        body text NOT NULL,
        answered_at bigint NOT NULL
      );

      CREATE TABLE sink_secrets (sink text PRIMARY KEY, secret text NOT NULL, created_at bigint NOT NULL);
    `,
  },
  {
    version: 6,
    name: 'inbox: callbacks are acknowledged once in it, and projected into the tables above off the ack path',
    sql: `
      -- One row per acknowledged callback, appended by one statement per batch; the projection (one instance at a
      -- time, under an advisory lock) moves rows into events, conversations, command_stats and deliveries and
      -- deletes them in the same transaction. Its ids are the events' ids: they continue after those already there.
      CREATE TABLE inbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        command text NOT NULL,
        kind text NOT NULL,
        operation_id text NOT NULL,
        received_at bigint NOT NULL,
        idempotency_key text NOT NULL,
        body bytea NOT NULL,
        warnings text,
        field_errors text
      );
      SELECT setval(pg_get_serial_sequence('inbox', 'id'), coalesce((SELECT max(id) FROM events), 0) + 1, false);
    `,
  },
];
