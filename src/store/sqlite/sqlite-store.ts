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

/**
 * The default backend: one SQLite file. Writes go to a writer thread that group-commits them with an fsync before
 * `record` resolves; reads run on this thread on their own connection (WAL lets them proceed during writes).
 */
export function openSqliteStore(path: string, options: StoreOptions = {}): Store {
  if (path === ':memory:')
    throw new Error('the SQLite store needs a file: a writer thread and readers share it');
  const db = openDatabase(path);
  migrate(db);
  const writer = new WriterClient(path, options.sinks ?? []);
  const checkpointer = startThread('sqlite-checkpointer', { path, intervalMs: 500 });
  let closed = false;

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
    async record(callback) {
      assertOpen();
      return writer.record(callback);
    },

    async checkWritable() {
      assertOpen();
      await writer.heartbeat();
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
      await writer.close();
      await stopThread(checkpointer);
      db.close();
    },
  };
}
