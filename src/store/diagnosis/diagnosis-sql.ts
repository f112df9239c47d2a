/** Reads of `doctor`, the same for both backends (`?` placeholders). Read-only. */
export const DIAGNOSIS_SQL = {
  deliveries: `SELECT sink, status, count(*) AS n, min(created_at) AS oldest FROM deliveries GROUP BY sink, status`,
  commands: 'SELECT DISTINCT command FROM command_stats',
  /** The oldest event of a command that no pending delivery holds (through the (command, id) index). */
  oldestFree: `SELECT e.received_at AS "receivedAt" FROM events e WHERE e.command = ?
    AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
    ORDER BY e.id LIMIT 1`,
  eventsSince: 'SELECT count(*) AS n FROM events WHERE received_at >= ?',
  events: 'SELECT count(*) AS n FROM events',
} as const;
