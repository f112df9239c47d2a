/**
 * The SQL of pruning, the same for both backends (`?` placeholders; PostgreSQL numbers them). Every statement goes
 * through an index: events by (command, id), deliveries by (event_id, sink), attempts by (delivery_id, id),
 * answers by event_id, conversations by last_seen_at.
 */
const HELD = `EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status = 'pending')`;

export const PRUNE_SQL = {
  /** The commands that have events (a few dozen rows at most). */
  commands: 'SELECT DISTINCT command FROM command_stats',
  /** One command's oldest events after a cursor, and whether a pending delivery holds each. */
  scan: `SELECT e.id AS id, e.received_at AS "receivedAt", ${HELD} AS held
    FROM events e WHERE e.command = ? AND e.id > ? ORDER BY e.id LIMIT ?`,
  /** Conversation rows not seen since the cutoff, oldest first. */
  conversations: `DELETE FROM conversations WHERE id IN (
    SELECT id FROM conversations WHERE last_seen_at < ? ORDER BY last_seen_at LIMIT ?)`,
  /** What a prune of one command would remove now (a dry run). */
  plan: `WITH doomed AS (
      SELECT e.id FROM events e WHERE e.command = ? AND e.received_at < ? AND NOT ${HELD}
    ), doomed_deliveries AS (
      SELECT id FROM deliveries WHERE event_id IN (SELECT id FROM doomed)
    )
    SELECT (SELECT count(*) FROM doomed) AS events,
      (SELECT count(*) FROM doomed_deliveries) AS deliveries,
      (SELECT count(*) FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM doomed_deliveries)) AS attempts,
      (SELECT count(*) FROM event_answers WHERE event_id IN (SELECT id FROM doomed)) AS answers,
      (SELECT count(*) FROM events e WHERE e.command = ? AND e.received_at < ? AND ${HELD}) AS held`,
  /** Conversation rows a prune would remove now. */
  planConversations: 'SELECT count(*) AS n FROM conversations WHERE last_seen_at < ?',
} as const;

/** Rows per command per pruning transaction: no transaction holds the write lock for long. */
export const PRUNE_BATCH = 200;
