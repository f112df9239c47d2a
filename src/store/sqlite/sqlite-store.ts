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
import { migrate, openDatabase } from './open-database.js';
import {
  toAnswerRecord,
  toAttemptRecord,
  toCommandStats,
  toConversationRecord,
  toDeliveryRecord,
  toEventRecord,
  toOutboxDelivery,
  toOutboxEvent,
} from '../rows.js';
import { dueHeads } from '../rows.js';
import type {
  AnswerRow,
  AttemptRow,
  CommandStatsRow,
  ConversationRow,
  DeliveryRow,
  EventRow,
  LeasedDeliveryRow,
  MinuteCountRow,
  PendingDeliveryRow,
} from '../rows.js';
import { startThread, stopThread } from './start-thread.js';
import { WriterClient } from './writer-client.js';
import { inboxDirOf, inboxTail, openInbox, ProjectionProgress, RecentKeys } from '../inbox/index.js';
import type { AcceptedCallback, RecordOptions, RecordResult } from '../../protocol/index.js';
import { createSqlitePruner } from './sqlite-pruner.js';
import { enableIncrementalVacuum, START_UP_VACUUM_MAX_BYTES } from './enable-incremental-vacuum.js';

/**
 * The default backend: one SQLite file and, beside it, its inbox (`<file>-inbox/`). A callback is acknowledged once
 * it is appended to the inbox (group commit, `O_DSYNC`): nothing random-ordered is written before the answer. The
 * writer thread projects the inbox into the tables (events, command stats, outbox, conversations) in batches, off
 * the ack path, and does the outbox's writes; reads run on this thread on their own connection (WAL lets them
 * proceed during writes), and see what is projected (see `caughtUp`).
 */
export function openSqliteStore(path: string, options: StoreOptions = {}): Store {
  if (path === ':memory:')
    throw new Error('the SQLite store needs a file: a writer thread and readers share it');
  const db = openDatabase(path);
  migrate(db);
  const records = options.records ?? true;
  const inboxDir = inboxDirOf(path);
  const projectedSeq = () =>
    (db.prepare('SELECT seq FROM projection WHERE id = 1').pluck().get() as number) ?? 0;
  const maxEventId = (db.prepare('SELECT max(id) FROM events').pluck().get() as number | null) ?? 0;
  const inbox = records
    ? openInbox(inboxDir, { startAfter: Math.max(projectedSeq(), maxEventId) })
    : undefined;
  // Holding the inbox, this process is the only writer: a database made before incremental vacuum was the default
  // is converted now, if it is small enough to be quick (else `migrate` does it; `doctor` says so).
  if (inbox) {
    const conversion = enableIncrementalVacuum(db, path, START_UP_VACUUM_MAX_BYTES);
    if (conversion.done === 'converted') {
      options.onNotice?.(
        'info',
        'database converted to incremental vacuum (once): pruned space goes back to the disk',
        {
          bytes: conversion.bytes,
          ms: conversion.ms,
        },
      );
    } else if (conversion.done === 'skipped') {
      options.onNotice?.(
        'warn',
        `pruned space is reused but not given back to the disk: ${conversion.reason}`,
      );
    }
  }
  const durable = new SharedArrayBuffer(8);
  const durableView = new BigInt64Array(durable);
  Atomics.store(durableView, 0, BigInt(inbox?.durableSeq() ?? 0));
  const progress = new ProjectionProgress(projectedSeq(), inbox?.durableSeq() ?? 0, Date.now());
  const recent = new RecentKeys();
  const listeners: (() => void)[] = [];
  const retention = options.retention;
  const writer = new WriterClient(
    {
      path,
      sinks: options.sinks ?? [],
      ...(inbox ? { projection: { inboxDir, durable, ...(retention ? { retention } : {}) } } : {}),
    },
    {
      projected({ seq, added }) {
        progress.advance(seq);
        recent.projected(seq);
        if (added > 0) for (const listener of listeners) listener();
      },
      projectionFailed(error) {
        options.onProjectionError?.(error);
      },
      pruned(counts) {
        options.onPruned?.(counts);
      },
      pruneFailed(error) {
        options.onPruneError?.(error);
      },
    },
  );
  // With sinks, a callback waits for its projection before it can be delivered: the writer is told at once (one
  // message per turn at most) instead of finding it at its next look.
  const hasSinks = (options.sinks ?? []).length > 0;
  inbox?.onDurable((lastSeq, firstReceivedAt) => {
    Atomics.store(durableView, 0, BigInt(lastSeq));
    progress.durable(lastSeq, firstReceivedAt);
    if (hasSinks) writer.projectNow();
  });
  const checkpointer = startThread('sqlite-checkpointer', { path, intervalMs: 500 });
  let closed = false;

  const eventByKey = db.prepare<[string, string, number], { id: number }>(
    'SELECT id FROM events WHERE operation_id = ? AND idempotency_key = ? AND id <> ?',
  );

  /** An earlier event of the same key in the database (the caller's own, once projected, does not count). */
  async function projectedOriginal(callback: AcceptedCallback, seq: number): Promise<number | undefined> {
    if (recent.uncertainThrough > progress.projected) {
      // So many callbacks trail the projection that some keys left the recent set: wait until they are projected.
      writer.projectNow();
      await progress.reached(recent.uncertainThrough);
    }
    return eventByKey.get(callback.operationID, callback.idempotencyKey, seq)?.id;
  }

  async function record(
    callback: AcceptedCallback,
    recordOptions: RecordOptions = {},
  ): Promise<RecordResult> {
    assertOpen();
    if (!inbox) throw new Error('this store was opened to read (records: false): it records nothing');
    const key = callback.idempotencyKey;
    let original = recent.get(key);
    const { seq, durable: written } = inbox.append(callback);
    if (original === undefined) recent.add(key, seq, progress.projected);
    try {
      await written;
    } catch (error) {
      if (original === undefined) recent.forget(key, seq);
      throw error;
    }
    if (original === undefined && recordOptions.exactDuplicate)
      original = await projectedOriginal(callback, seq);
    return original === undefined
      ? { eventId: seq, duplicate: false }
      : { eventId: original, duplicate: true };
  }

  /** A store that does not record: the service's inbox (if one runs) is read for how far it got. */
  async function othersCaughtUp(): Promise<void> {
    const target = inboxTail(inboxDir);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const projected = projectedSeq();
      if (projected >= target) return;
      if (Date.now() > deadline) {
        throw new Error(
          `${target - projected} acknowledged callbacks are not projected yet: is the service that records into ${path} running?`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const pending = db.prepare(
    `SELECT id, event_id, ordering_key, attempts, next_attempt_at FROM deliveries
     WHERE sink = ? AND status = 'pending' ORDER BY id LIMIT ?`,
  );
  const pendingWithLeases = db.prepare(
    `SELECT id, event_id, ordering_key, attempts, next_attempt_at, lease_until FROM deliveries
     WHERE sink = ? AND status = 'pending' ORDER BY id LIMIT ?`,
  );
  const eventById = db.prepare('SELECT * FROM events WHERE id = ?');
  const backlog = db.prepare(
    `SELECT count(*) AS pending, min(created_at) AS oldest,
       (SELECT count(*) FROM deliveries WHERE sink = @sink AND status = 'delivered') AS delivered,
       (SELECT count(*) FROM deliveries WHERE sink = @sink AND status = 'dead') AS dead
     FROM deliveries WHERE sink = @sink AND status = 'pending'`,
  );

  function assertOpen(): void {
    if (closed) throw new Error('store is closed');
  }

  return {
    record,

    async caughtUp() {
      assertOpen();
      if (!inbox) return othersCaughtUp();
      writer.projectNow();
      await progress.reached();
    },

    async projectionLag() {
      if (inbox) return progress.lag();
      return { events: Math.max(0, inboxTail(inboxDir) - projectedSeq()), seconds: 0 };
    },

    onProjected(listener) {
      listeners.push(listener);
    },

    async checkWritable() {
      assertOpen();
      if (!inbox) return void (await writer.heartbeat());
      await inbox.checkWritable();
      // The ack path is the inbox. The heartbeat waits for the writer thread (started, alive); a database that cannot
      // take it (a full disk) does not stop acknowledgements, and the failing projection reports itself.
      await writer.heartbeat().catch(() => undefined);
    },

    async prune(policy, { now, dryRun }) {
      assertOpen();
      const pruner = createSqlitePruner(db, policy);
      if (dryRun) return pruner.plan(now);
      const plan = pruner.plan(now);
      const removed = new Map<string, number>();
      const total = { events: 0, deliveries: 0, attempts: 0, answers: 0, conversations: 0 };
      for (let more = true; more;) {
        const round = pruner.pass(now);
        more = round.more;
        for (const [command, events] of Object.entries(round.byCommand))
          removed.set(command, (removed.get(command) ?? 0) + events);
        for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += round.counts[key];
        // Between rounds, a service writing this file gets the write lock.
        await new Promise((resolve) => setImmediate(resolve));
      }
      return {
        dryRun: false,
        commands: plan.commands.map((c) => ({ ...c, events: removed.get(c.callbackCommand) ?? 0 })),
        total,
      };
    },

    async listConversations(filter: ConversationFilter = {}) {
      const page = conversationsPage(filter);
      const rows = db.prepare(page.sql).all(...page.params) as ConversationRow[];
      return toPage(rows, page.limit, toConversationRecord);
    },

    async getConversation(ownerUserId, conversationId) {
      const row = db
        .prepare('SELECT * FROM conversations WHERE owner_user_id = ? AND conversation_id = ?')
        .get(ownerUserId, conversationId) as ConversationRow | undefined;
      return row && toConversationRecord(row);
    },

    async listEvents(filter: EventFilter = {}) {
      const page = eventsPage(filter);
      const rows = db.prepare(page.sql).all(...page.params) as EventRow[];
      return toPage(rows, page.limit, toEventRecord);
    },

    async listCommands() {
      const rows = db.prepare('SELECT * FROM command_stats ORDER BY command').all() as CommandStatsRow[];
      return rows.map(toCommandStats);
    },

    async getEvent(id) {
      const row = eventById.get(id) as EventRow | undefined;
      return row && toEventRecord(row);
    },

    async findEventId(sinkEventId) {
      const row = db.prepare(READ_SQL.eventIdBySinkId).get(sinkEventId.slice('evt_'.length)) as
        { id: number } | undefined;
      return row?.id;
    },

    async minuteCounts(since) {
      const rows = db.prepare(READ_SQL.minuteCounts).all(since) as MinuteCountRow[];
      return rows.map((r) => ({
        minute: new Date(r.minute).toISOString(),
        callbackCommand: r.command,
        count: r.count,
      }));
    },

    async getAnswer(eventId) {
      const row = db.prepare(READ_SQL.answerByEvent).get(eventId) as AnswerRow | undefined;
      return row && toAnswerRecord(row);
    },

    async recordAnswer(eventId, status, body) {
      assertOpen();
      await writer.answer(eventId, status, body);
    },

    async retryNow(selection, now) {
      assertOpen();
      return writer.retryNow(selection, now);
    },

    async listAttempts(filter: AttemptFilter = {}) {
      const page = attemptsPage(filter);
      const rows = db.prepare(page.sql).all(...page.params) as AttemptRow[];
      return toPage(rows, page.limit, toAttemptRecord);
    },

    async sinkNames() {
      return (db.prepare(READ_SQL.sinkNames).all() as { name: string }[]).map((r) => r.name);
    },

    async sinkSecret(sink, generate) {
      assertOpen();
      const row = db.prepare(READ_SQL.sinkSecret).get(sink) as { secret: string } | undefined;
      return row?.secret ?? writer.sinkSecret(sink, generate());
    },

    async pendingDeliveries(sink, limit) {
      const rows = pending.all(sink, limit) as PendingDeliveryRow[];
      return rows.map((row) => toOutboxDelivery(row, sink));
    },

    async claimDeliveries(sink, owner, limit, leaseMs, now, window = 1000) {
      assertOpen();
      if (limit <= 0) return [];
      // A look on this thread first: when nothing may go (all in flight, retries not due), the writer is not asked.
      const candidates = dueHeads(
        pendingWithLeases.iterate(sink, window) as Iterable<LeasedDeliveryRow>,
        now,
        limit,
      );
      if (candidates.length === 0) return [];
      // The writer looks again in its transaction, where the claim is atomic.
      const rows = await writer.claim({ sink, owner, limit, leaseMs, now, window });
      return rows.map((row) => toOutboxDelivery(row, sink));
    },

    async loadEvent(eventId) {
      const row = eventById.get(eventId) as EventRow | undefined;
      return row && toOutboxEvent(row);
    },

    async settleDeliveries(settlements) {
      assertOpen();
      await writer.settle(settlements);
    },

    async replay(selection) {
      assertOpen();
      return writer.replay(selection);
    },

    async listDeliveries(filter: DeliveryFilter = {}) {
      const page = deliveriesPage(filter);
      const rows = db.prepare(page.sql).all(...page.params) as DeliveryRow[];
      return toPage(rows, page.limit, toDeliveryRecord);
    },

    async sinkBacklog(sink) {
      const row = backlog.get({ sink }) as {
        pending: number;
        oldest: number | null;
        delivered: number;
        dead: number;
      };
      return { pending: row.pending, oldestPendingAt: row.oldest, delivered: row.delivered, dead: row.dead };
    },

    async close() {
      if (closed) return;
      closed = true;
      await inbox?.close();
      await writer.close();
      await stopThread(checkpointer);
      db.close();
    },
  };
}
