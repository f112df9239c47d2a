import type pg from 'pg';
import type { PendingDeliveryRow } from '../rows.js';
import type { AttemptLog, ReplaySelection, RetrySelection, Settlement } from '../store.js';
import { numberedParams } from './numbered-params.js';

/**
 * Takes up to `limit` due heads of a sink's ordering keys in one statement and leases them to `owner` (see
 * `Outbox.claimDeliveries`). FOR UPDATE SKIP LOCKED lets relays of several instances claim at once without waiting
 * for each other; a row another relay leased meanwhile is re-checked after its lock (READ COMMITTED) and left out.
 */
export async function claimDeliveries(
  pool: pg.Pool,
  claim: { sink: string; owner: string; limit: number; leaseMs: number; now: number; window: number },
): Promise<PendingDeliveryRow[]> {
  const { rows } = await pool.query<PendingDeliveryRow>(
    `WITH win AS (
       SELECT id, ordering_key, next_attempt_at, lease_until FROM deliveries
       WHERE sink = $1 AND status = 'pending' ORDER BY id LIMIT $2
     ), heads AS (
       SELECT DISTINCT ON (ordering_key) id, next_attempt_at, lease_until FROM win ORDER BY ordering_key, id
     ), due AS (
       SELECT id FROM heads WHERE next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
       ORDER BY id LIMIT $4
     ), taken AS (
       SELECT d.id FROM deliveries d
       WHERE d.id IN (SELECT id FROM due) AND d.status = 'pending' AND (d.lease_until IS NULL OR d.lease_until <= $3)
       ORDER BY d.id FOR UPDATE SKIP LOCKED
     )
     UPDATE deliveries d SET lease_owner = $5, lease_until = $6 FROM taken WHERE d.id = taken.id
     RETURNING d.id, d.event_id, d.ordering_key, d.attempts, d.next_attempt_at`,
    [claim.sink, claim.window, claim.now, claim.limit, claim.owner, claim.now + claim.leaseMs],
  );
  return rows.sort((a, b) => Number(a.id) - Number(b.id));
}

/**
 * Records the end of delivery attempts in one transaction, one multi-row UPDATE per outcome. Only pending deliveries
 * change: a settlement that arrives after a replay or a dead letter is ignored, as in the SQLite backend.
 */
export async function settleDeliveries(pool: pg.Pool, settlements: readonly Settlement[]): Promise<void> {
  const delivered = settlements.filter((s) => s.outcome === 'delivered');
  const retry = settlements.filter((s) => s.outcome === 'retry');
  const dead = settlements.filter((s) => s.outcome === 'dead');
  const released = settlements.filter((s) => s.outcome === 'released');
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    if (delivered.length > 0) {
      await client.query(
        `UPDATE deliveries d SET status = 'delivered', attempts = d.attempts + 1, settled_at = s.at, last_error = NULL,
           lease_owner = NULL, lease_until = NULL
         FROM unnest($1::bigint[], $2::bigint[]) AS s (id, at) WHERE d.id = s.id AND d.status = 'pending'`,
        [delivered.map((s) => s.deliveryId), delivered.map((s) => s.at)],
      );
    }
    if (retry.length > 0) {
      await client.query(
        `UPDATE deliveries d SET attempts = d.attempts + 1, next_attempt_at = s.next, last_error = s.error,
           lease_owner = NULL, lease_until = NULL
         FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS s (id, next, error)
         WHERE d.id = s.id AND d.status = 'pending'`,
        [retry.map((s) => s.deliveryId), retry.map((s) => s.nextAttemptAt), retry.map((s) => s.error)],
      );
    }
    if (dead.length > 0) {
      await client.query(
        `UPDATE deliveries d SET status = 'dead', attempts = d.attempts + 1, settled_at = s.at, last_error = s.error,
           lease_owner = NULL, lease_until = NULL
         FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS s (id, at, error)
         WHERE d.id = s.id AND d.status = 'pending'`,
        [dead.map((s) => s.deliveryId), dead.map((s) => s.at), dead.map((s) => s.error)],
      );
    }
    const attempts = settlements.flatMap((s) =>
      s.attempt ? [{ deliveryId: s.deliveryId, ...s.attempt }] : [],
    );
    if (attempts.length > 0) await logAttempts(client, attempts);
    if (released.length > 0) {
      await client.query(
        `UPDATE deliveries SET lease_owner = NULL, lease_until = NULL WHERE id = ANY($1::bigint[]) AND status = 'pending'`,
        [released.map((s) => s.deliveryId)],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw error;
  } finally {
    client.release(broken);
  }
}

/** The attempt history rows of one settling transaction, in one INSERT. */
async function logAttempts(
  client: pg.PoolClient,
  attempts: readonly (AttemptLog & { deliveryId: number })[],
): Promise<void> {
  const column = <K extends keyof (AttemptLog & { deliveryId: number })>(key: K) =>
    attempts.map((a) => a[key]);
  await client.query(
    `INSERT INTO delivery_attempts (delivery_id, event_id, sink, started_at, duration_ms, result, http_status, error,
       response_excerpt)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::integer[], $6::text[],
       $7::integer[], $8::text[], $9::text[])`,
    [
      column('deliveryId'),
      column('eventId'),
      column('sink'),
      column('startedAt'),
      column('durationMs').map(Math.round),
      column('result'),
      column('httpStatus'),
      column('error'),
      column('responseExcerpt'),
    ],
  );
}

/** Makes the selected pending deliveries due at `at`, keeping their attempts; resolves with how many. */
export async function retryDeliveriesNow(
  pool: pg.Pool,
  selection: RetrySelection,
  at: number,
): Promise<number> {
  const one = selection.deliveryId === undefined ? '' : ' AND id = $4';
  const params: unknown[] = [at, selection.sink, at];
  if (selection.deliveryId !== undefined) params.push(selection.deliveryId);
  const result = await pool.query(
    `UPDATE deliveries SET next_attempt_at = $1 WHERE sink = $2 AND status = 'pending' AND next_attempt_at > $3${one}`,
    params,
  );
  return result.rowCount ?? 0;
}

/** Puts the selected deliveries back in the queue, due at `at`, with a fresh attempt count; resolves with how many. */
export async function replayDeliveries(
  pool: pg.Pool,
  selection: ReplaySelection,
  at: number,
): Promise<number> {
  const conditions: string[] = [];
  const params: unknown[] = [at];
  const add = (sql: string, ...values: unknown[]) => (conditions.push(sql), params.push(...values));
  if (selection.sink !== undefined) add('sink = ?', selection.sink);
  if (selection.eventId !== undefined) add('event_id = ?', selection.eventId);
  if (selection.dead) add('status = ?', 'dead');
  if (selection.from !== undefined || selection.to !== undefined) {
    add(
      'event_id IN (SELECT id FROM events WHERE received_at >= ? AND received_at < ?)',
      selection.from ?? 0,
      selection.to ?? Number.MAX_SAFE_INTEGER,
    );
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const sql = `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, settled_at = NULL ${where}`;
  return (await pool.query(numberedParams(sql), params)).rowCount ?? 0;
}
