/**
 * Reads both backends run as written (`?` placeholders; PostgreSQL numbers them). Column names stay in here and in
 * rows.ts: what leaves the store uses OpenIM's JSON names.
 */
export const READ_SQL = {
  eventById: 'SELECT * FROM events WHERE id = ?',
  /** Through the covering dedupe index (operation_id, idempotency_key): a scan of keys, never of bodies. */
  eventIdBySinkId: 'SELECT id FROM events WHERE substr(idempotency_key, 1, 32) = ? LIMIT 1',
  minuteCounts: `SELECT (received_at / 60000) * 60000 AS minute, command, count(*) AS count FROM events
    WHERE received_at >= ? GROUP BY (received_at / 60000) * 60000, command ORDER BY minute, command`,
  answerByEvent: 'SELECT * FROM event_answers WHERE event_id = ?',
  /** A loose index scan of (sink, status, id): one probe per sink, however many deliveries each has. */
  sinkNames: `WITH RECURSIVE names (name) AS (
      SELECT min(sink) FROM deliveries
      UNION ALL
      SELECT (SELECT min(sink) FROM deliveries WHERE sink > names.name) FROM names WHERE names.name IS NOT NULL
    ) SELECT name FROM names WHERE name IS NOT NULL`,
  sinkSecret: 'SELECT secret FROM sink_secrets WHERE sink = ?',
} as const;
