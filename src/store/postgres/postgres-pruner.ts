import type pg from 'pg';
import {
  conversationCutoff,
  cutoffOf,
  expiredRows,
  noPruneCounts,
  PRUNE_BATCH,
  PRUNE_SQL,
  retentionOf,
} from '../retention/index.js';
import type { PruneCounts, PruneReport, RetentionPolicy } from '../retention/index.js';
import { numberedParams } from './numbered-params.js';

/** Key of the advisory lock that makes one instance at a time the pruner ("openim-hooks retention"). */
const PRUNE_LOCK = '7173502361920915203';

/**
 * One command's expired events (with their deliveries, attempts and answers) in one statement: an event with a
 * pending delivery stays, also one a replay made pending since the scan.
 */
const REMOVE_EVENTS = `WITH gone AS (
    DELETE FROM events e WHERE e.id = ANY($1::bigint[])
      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
    RETURNING e.id
  ), gone_deliveries AS (
    DELETE FROM deliveries WHERE event_id IN (SELECT id FROM gone) RETURNING id
  ), gone_attempts AS (
    DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM gone_deliveries) RETURNING 1
  ), gone_answers AS (
    DELETE FROM event_answers WHERE event_id IN (SELECT id FROM gone) RETURNING 1
  )
  SELECT (SELECT count(*) FROM gone) AS events, (SELECT count(*) FROM gone_deliveries) AS deliveries,
    (SELECT count(*) FROM gone_attempts) AS attempts, (SELECT count(*) FROM gone_answers) AS answers`;

/** Runs `work` in a transaction that holds the pruning lock; undefined when another instance holds it. */
async function underPruneLock<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T | undefined> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ taken: boolean }>(
      'SELECT pg_try_advisory_xact_lock($1::bigint) AS taken',
      [PRUNE_LOCK],
    );
    const result = rows[0]?.taken ? await work(client) : undefined;
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw error;
  } finally {
    client.release(broken);
  }
}

export interface PostgresPruneRound {
  readonly counts: PruneCounts;
  readonly byCommand: Record<string, number>;
  readonly more: boolean;
  /** Another instance held the pruning lock: this round did nothing. */
  readonly busy?: true;
}

/**
 * One round of pruning a PostgreSQL database (see the SQLite pruner: the same policy, scans and batches), each
 * command's share in a transaction of its own under an advisory lock, so that one instance at a time prunes.
 * `cursors` (where each command's next scan resumes) belongs to the caller and lives across rounds.
 */
export async function prunePostgresRound(
  pool: pg.Pool,
  policy: RetentionPolicy,
  cursors: Map<string, number>,
  now: number,
): Promise<PostgresPruneRound> {
  const counts = noPruneCounts();
  const byCommand: Record<string, number> = {};
  let more = false;
  const { rows: commands } = await pool.query<{ command: string }>(PRUNE_SQL.commands);
  for (const { command } of commands) {
    const cutoff = cutoffOf(policy, command, now);
    if (cutoff === undefined) continue;
    const done = await underPruneLock(pool, async (client) => {
      const { rows } = await client.query<{ id: number; receivedAt: number; held: boolean }>(
        numberedParams(PRUNE_SQL.scan),
        [command, cursors.get(command) ?? 0, PRUNE_BATCH],
      );
      const expired = expiredRows(rows, cutoff, PRUNE_BATCH);
      cursors.set(command, expired.resumeAfter);
      if (expired.ids.length === 0) return expired.more;
      const { rows: removed } = await client.query<PruneCounts>(REMOVE_EVENTS, [expired.ids]);
      const row = removed[0];
      if (row) {
        counts.events += row.events;
        counts.deliveries += row.deliveries;
        counts.attempts += row.attempts;
        counts.answers += row.answers;
        byCommand[command] = row.events;
      }
      return expired.more;
    });
    if (done === undefined) return { counts, byCommand, more: false, busy: true }; // another instance prunes
    more ||= done;
  }
  const seenBefore = conversationCutoff(policy, now);
  if (seenBefore !== undefined) {
    const gone = await underPruneLock(pool, async (client) => {
      const result = await client.query(numberedParams(PRUNE_SQL.conversations), [seenBefore, PRUNE_BATCH]);
      return result.rowCount ?? 0;
    });
    counts.conversations += gone ?? 0;
    more ||= gone === PRUNE_BATCH;
  }
  return { counts, byCommand, more };
}

/** What a prune would remove now (a dry run; no lock needed, nothing changes). */
export async function planPostgresPrune(
  pool: pg.Pool,
  policy: RetentionPolicy,
  now: number,
): Promise<PruneReport> {
  const total = noPruneCounts();
  const { rows: commands } = await pool.query<{ command: string }>(PRUNE_SQL.commands);
  const perCommand: PruneReport['commands'][number][] = [];
  for (const command of commands.map((row) => row.command).sort()) {
    const cutoff = cutoffOf(policy, command, now);
    if (cutoff === undefined) continue;
    const { rows } = await pool.query<PruneCounts & { held: number }>(numberedParams(PRUNE_SQL.plan), [
      command,
      cutoff,
      command,
      cutoff,
    ]);
    const row = rows[0] ?? { ...noPruneCounts(), held: 0 };
    total.events += row.events;
    total.deliveries += row.deliveries;
    total.attempts += row.attempts;
    total.answers += row.answers;
    perCommand.push({
      callbackCommand: command,
      retentionMs: retentionOf(policy, command),
      events: row.events,
      held: row.held,
    });
  }
  const seenBefore = conversationCutoff(policy, now);
  if (seenBefore !== undefined) {
    const { rows } = await pool.query<{ n: number }>(numberedParams(PRUNE_SQL.planConversations), [
      seenBefore,
    ]);
    total.conversations = rows[0]?.n ?? 0;
  }
  return { dryRun: true, commands: perCommand, total };
}

export interface PostgresPruner {
  stop(): Promise<void>;
}

/**
 * The background pruning of a recording PostgreSQL store: a round every second (at once again while a round finds
 * more), 5 s after one that failed. Every instance runs one; the advisory lock lets one prune at a time.
 */
export function startPostgresPruner(options: {
  pool: pg.Pool;
  policy: RetentionPolicy;
  ready: () => Promise<void>;
  pruned: (counts: PruneCounts) => void;
  failed: (error: unknown) => void;
}): PostgresPruner {
  let stopped = false;
  let wake: (() => void) | undefined;
  const cursors = new Map<string, number>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  const loop = (async () => {
    await sleep(1000);
    while (!stopped) {
      let wait = 1000;
      try {
        await options.ready();
        const round = await prunePostgresRound(options.pool, options.policy, cursors, Date.now());
        if (round.counts.events + round.counts.conversations > 0) options.pruned(round.counts);
        if (round.more) wait = 0;
      } catch (error) {
        if (!stopped) options.failed(error);
        wait = 5000;
      }
      if (!stopped) await sleep(wait);
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
