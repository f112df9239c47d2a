import { attemptsPage, conversationsPage, deliveriesPage, eventsPage, toPage } from '../page-query.js';
import type {
  AttemptFilter,
  ConversationFilter,
  DeliveryFilter,
  EventFilter,
  Store,
  StoreOptions,
} from '../store.js';
import { READ_SQL } from '../read-sql.js';
import type { AcceptedCallback } from '../../protocol/index.js';
import { GroupCommit } from './group-commit.js';
import { startPostgresProjector } from './project-inbox.js';
import { planPostgresPrune, prunePostgresRound, startPostgresPruner } from './postgres-pruner.js';
import { prunesAnything } from '../retention/index.js';
import { RecentKeys } from '../inbox/index.js';
import { migratePostgres } from './migrate-postgres.js';
import { numberedParams } from './numbered-params.js';
import { openPool } from './open-pool.js';
import { toCommandStats, toConversationRecord, toDeliveryRecord, toEventRecord } from './postgres-rows.js';
import type { CommandStatsRow, ConversationRow, DeliveryRow, EventRow } from './postgres-rows.js';
import { toAnswerRecord, toAttemptRecord, toOutboxDelivery, toOutboxEvent } from '../rows.js';
import type { AnswerRow, AttemptRow, MinuteCountRow, PendingDeliveryRow } from '../rows.js';
import {
  claimDeliveries,
  replayDeliveries,
  retryDeliveriesNow,
  settleDeliveries,
} from './settle-deliveries.js';

/**
 * The backend for several instances on one PostgreSQL database (`postgres://user:password@host/db`). Opening is
 * synchronous like the SQLite store's: it connects and migrates in the background, and every method waits for that
 * (a failure is reported by the calls, and the next call tries again). A callback is acknowledged once it is in the
 * inbox table (one statement per group of callbacks, group-commit.ts); every instance's projector moves the inbox into
 * the tables off the ack path, one instance at a time (project-inbox.ts).
 *
 * @example
 * const store = openPostgresStore('postgres://hooks@127.0.0.1/hooks', { sinks: [{ name: 'app', commands: null }] });
 * await store.checkWritable(); // connected, migrated, and a commit went through
 */
export function openPostgresStore(url: string, options: StoreOptions = {}): Store {
  const pool = openPool(url);
  // Idle connections that die (server restart) must not crash the process: the next query reconnects.
  pool.on('error', () => undefined);
  let starting: Promise<void> | undefined;
  const ready = () =>
    (starting ??= migratePostgres(pool).then(
      () => undefined,
      (error: unknown) => {
        starting = undefined;
        throw error;
      },
    ));
  ready().catch(() => undefined); // start now; the calls see the outcome
  const records = options.records ?? true;
  const writer = new GroupCommit(pool, ready);
  const recent = new RecentKeys(100_000, 100_000);
  const listeners: (() => void)[] = [];
  const projector = records
    ? startPostgresProjector({
        pool,
        sinks: options.sinks ?? [],
        ready,
        projected: () => listeners.forEach((listener) => listener()),
        failed: (error) =>
          options.onProjectionError?.(error instanceof Error ? error.message : String(error)),
      })
    : undefined;
  const pruner =
    records && options.retention && prunesAnything(options.retention)
      ? startPostgresPruner({
          pool,
          policy: options.retention,
          ready,
          pruned: (counts) => options.onPruned?.(counts),
          failed: (error) => options.onPruneError?.(error instanceof Error ? error.message : String(error)),
        })
      : undefined;
  /** Appends in flight, by idempotency key. */
  const appending = new Map<string, Promise<number>>();
  /** The highest inbox id this instance acknowledged. */
  let acked = 0;
  let closed = false;

  function assertOpen(): void {
    if (closed) throw new Error('store is closed');
  }

  async function select<Row extends object>(sql: string, params: unknown[] = []): Promise<Row[]> {
    await ready();
    return (await pool.query<Row>(numberedParams(sql), params)).rows;
  }

  /** An earlier event or inbox row of the same key: OpenIM's redelivery of it (any instance may have it). */
  async function original(callback: AcceptedCallback, id: number): Promise<number | undefined> {
    const [row] = await select<{ id: string }>(
      `SELECT id FROM events WHERE operation_id = ? AND idempotency_key = ? AND id <> ?
       UNION ALL SELECT id FROM inbox WHERE operation_id = ? AND idempotency_key = ? AND id < ?
       ORDER BY id LIMIT 1`,
      [callback.operationID, callback.idempotencyKey, id, callback.operationID, callback.idempotencyKey, id],
    );
    return row ? Number(row.id) : undefined;
  }

  /** Resolves once no inbox row this instance acknowledged (or any before it) is left; rejects after `ms`. */
  async function ownAcksProjected(ms: number, target = acked): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const [left] = await select<{ n: string }>('SELECT count(*) AS n FROM inbox WHERE id <= ?', [target]);
      if (Number(left?.n ?? 0) === 0) return;
      if (Date.now() > deadline)
        throw new Error(`the projection did not reach the inbox within ${ms / 1000} s`);
      projector?.wake();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  return {
    async record(callback, recordOptions = {}) {
      assertOpen();
      if (!records) throw new Error('this store was opened to read (records: false): it records nothing');
      const key = callback.idempotencyKey;
      // A redelivery of one this instance is appending: it is acknowledged when the original is committed.
      const inFlight = appending.get(key); // read before any await: the next callers must find this one's
      const earlier = recent.get(key) ?? (inFlight ? await inFlight.catch(() => undefined) : undefined);
      if (earlier !== undefined) return { eventId: earlier, duplicate: true };
      const append = writer.append(callback);
      appending.set(key, append);
      let id: number;
      try {
        id = await append;
      } finally {
        if (appending.get(key) === append) appending.delete(key);
      }
      acked = Math.max(acked, id);
      recent.add(key, id, 0);
      const originalId = recordOptions.exactDuplicate ? await original(callback, id) : undefined;
      return originalId === undefined
        ? { eventId: id, duplicate: false }
        : { eventId: originalId, duplicate: true };
    },

    /** Everything acknowledged before the call, by any instance (committed inbox rows), is projected. */
    async caughtUp() {
      assertOpen();
      await writer.flushed();
      const [row] = await select<{ max: string | null }>('SELECT max(id) AS max FROM inbox');
      await ownAcksProjected(30_000, Math.max(acked, Number(row?.max ?? 0)));
    },

    async projectionLag() {
      const [row] = await select<{ n: string; oldest: string | null }>(
        'SELECT count(*) AS n, min(received_at) AS oldest FROM inbox',
      );
      const oldest = row?.oldest === null || row?.oldest === undefined ? undefined : Number(row.oldest);
      return {
        events: Number(row?.n ?? 0),
        seconds: oldest === undefined ? 0 : Math.max(0, Date.now() - oldest) / 1000,
      };
    },

    onProjected(listener) {
      listeners.push(listener);
    },

    async checkWritable() {
      assertOpen();
      await select(
        'INSERT INTO heartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
        [Date.now()],
      );
    },

    async prune(policy, { now, dryRun }) {
      assertOpen();
      await ready();
      const plan = await planPostgresPrune(pool, policy, now);
      if (dryRun) return plan;
      const cursors = new Map<string, number>();
      const removed = new Map<string, number>();
      const total = { events: 0, deliveries: 0, attempts: 0, answers: 0, conversations: 0 };
      // A running instance may hold the pruning lock for a round: wait for it (a round is short), 30 s at most.
      const deadline = Date.now() + 30_000;
      for (let more = true; more;) {
        const round = await prunePostgresRound(pool, policy, cursors, now);
        for (const [command, events] of Object.entries(round.byCommand))
          removed.set(command, (removed.get(command) ?? 0) + events);
        for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += round.counts[key];
        more = round.more || (round.busy === true && Date.now() < deadline);
        if (round.busy) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return {
        dryRun: false,
        commands: plan.commands.map((c) => ({ ...c, events: removed.get(c.callbackCommand) ?? 0 })),
        total,
      };
    },

    async listConversations(filter: ConversationFilter = {}) {
      const page = conversationsPage(filter);
      const rows = await select<ConversationRow>(page.sql, page.params);
      return toPage(rows, page.limit, toConversationRecord);
    },

    async getConversation(ownerUserId, conversationId) {
      const [row] = await select<ConversationRow>(
        'SELECT * FROM conversations WHERE owner_user_id = ? AND conversation_id = ?',
        [ownerUserId, conversationId],
      );
      return row && toConversationRecord(row);
    },

    async listEvents(filter: EventFilter = {}) {
      const page = eventsPage(filter);
      const rows = await select<EventRow>(page.sql, page.params);
      return toPage(rows, page.limit, toEventRecord);
    },

    async listCommands() {
      // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
      const rows = await select<CommandStatsRow>(
        `SELECT command, sum(count)::bigint AS count, sum(invalid)::bigint AS invalid, min(first_seen_at) AS first_seen_at,
           max(last_seen_at) AS last_seen_at
         FROM command_stats GROUP BY command ORDER BY command COLLATE "C"`,
      );
      return rows.map(toCommandStats);
    },

    async getEvent(id) {
      const [row] = await select<EventRow>(READ_SQL.eventById, [id]);
      return row && toEventRecord(row);
    },

    async findEventId(sinkEventId) {
      const [row] = await select<{ id: number }>(READ_SQL.eventIdBySinkId, [
        sinkEventId.slice('evt_'.length),
      ]);
      return row?.id;
    },

    async minuteCounts(since) {
      const rows = await select<MinuteCountRow>(READ_SQL.minuteCounts, [since]);
      return rows.map((r) => ({
        minute: new Date(r.minute).toISOString(),
        callbackCommand: r.command,
        count: r.count,
      }));
    },

    async getAnswer(eventId) {
      const [row] = await select<AnswerRow>(READ_SQL.answerByEvent, [eventId]);
      return row && toAnswerRecord(row);
    },

    async recordAnswer(eventId, status, body) {
      assertOpen();
      await select(
        'INSERT INTO event_answers (event_id, status, body, answered_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
        [eventId, status, body, Date.now()],
      );
    },

    async retryNow(selection, now) {
      assertOpen();
      await ready();
      return retryDeliveriesNow(pool, selection, now);
    },

    async listAttempts(filter: AttemptFilter = {}) {
      const page = attemptsPage(filter);
      const rows = await select<AttemptRow>(page.sql, page.params);
      return toPage(rows, page.limit, toAttemptRecord);
    },

    async sinkNames() {
      return (await select<{ name: string }>(READ_SQL.sinkNames)).map((r) => r.name);
    },

    async sinkSecret(sink, generate) {
      assertOpen();
      // Two instances asking at once both insert; ON CONFLICT keeps the first, and both read it back.
      await select(
        'INSERT INTO sink_secrets (sink, secret, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        [sink, generate(), Date.now()],
      );
      const [row] = await select<{ secret: string }>(READ_SQL.sinkSecret, [sink]);
      if (!row) throw new Error(`sink secret of ${sink} vanished`);
      return row.secret;
    },

    async pendingDeliveries(sink, limit) {
      const rows = await select<PendingDeliveryRow>(
        `SELECT id, event_id, ordering_key, attempts, next_attempt_at FROM deliveries
         WHERE sink = ? AND status = 'pending' ORDER BY id LIMIT ?`,
        [sink, limit],
      );
      return rows.map((row) => toOutboxDelivery(row, sink));
    },

    async claimDeliveries(sink, owner, limit, leaseMs, now, window = 1000) {
      assertOpen();
      if (limit <= 0) return [];
      await ready();
      const rows = await claimDeliveries(pool, { sink, owner, limit, leaseMs, now, window });
      return rows.map((row) => toOutboxDelivery(row, sink));
    },

    async loadEvent(eventId) {
      const [row] = await select<EventRow>('SELECT * FROM events WHERE id = ?', [eventId]);
      return row && toOutboxEvent(row);
    },

    async settleDeliveries(settlements) {
      assertOpen();
      if (settlements.length === 0) return;
      await ready();
      await settleDeliveries(pool, settlements);
    },

    async replay(selection) {
      assertOpen();
      await ready();
      return replayDeliveries(pool, selection, Date.now());
    },

    async listDeliveries(filter: DeliveryFilter = {}) {
      const page = deliveriesPage(filter);
      const rows = await select<DeliveryRow>(page.sql, page.params);
      return toPage(rows, page.limit, toDeliveryRecord);
    },

    async sinkBacklog(sink) {
      const [row] = await select<{ pending: number; oldest: number | null; delivered: number; dead: number }>(
        `SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
           min(created_at) FILTER (WHERE status = 'pending') AS oldest,
           count(*) FILTER (WHERE status = 'delivered') AS delivered,
           count(*) FILTER (WHERE status = 'dead') AS dead
         FROM deliveries WHERE sink = ?`,
        [sink],
      );
      return {
        pending: row?.pending ?? 0,
        oldestPendingAt: row?.oldest ?? null,
        delivered: row?.delivered ?? 0,
        dead: row?.dead ?? 0,
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      await writer.flushed();
      // What this instance acknowledged is projected before it goes, for a while (any instance projects the rest).
      if (projector && acked > 0) await ownAcksProjected(10_000).catch(() => undefined);
      await projector?.stop();
      await pruner?.stop();
      await pool.end();
    },
  };
}
