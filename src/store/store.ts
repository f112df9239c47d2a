import type {
  AcceptedCallback,
  CallbackCommand,
  CallbackKind,
  FieldError,
  Recorder,
  RecordOptions,
  RecordResult,
} from '../protocol/index.js';
import type { PruneCounts, PruneReport, RetentionPolicy } from './retention/index.js';

/**
 * One conversation as OpenIM described it to us: the twelve fields of its latest callback (in OpenIM's JSON names)
 * and when we saw it. Group rows have `ownerUserId` "" and a `groupId`; single and notification rows a `userId`.
 */
export interface ConversationRecord {
  ownerUserId: string;
  conversationId: string;
  conversationType: number;
  userId: string;
  groupId: string;
  recvMsgOpt: number;
  isPinned: boolean;
  isPrivateChat: boolean;
  burnDuration: number;
  groupAtType: number;
  attachedInfo: string;
  ex: string;
  firstSeenAt: string;
  lastSeenAt: string;
  timesSeen: number;
  lastCommand: string;
  lastEventId: number;
}

/** One accepted callback of the event log, with its body exactly as received. */
export interface EventRecord {
  id: number;
  /** The id sinks send (`evt_…`, see event-id.ts): the same for this event on every attempt and every replay. */
  eventId: string;
  callbackCommand: string;
  kind: CallbackKind;
  operationID: string;
  receivedAt: string;
  idempotencyKey: string;
  warnings: string[];
  /** Well formed but not of OpenIM's types: kept, with `fieldErrors`; no conversation row, no sink unless it asks. */
  invalid: boolean;
  fieldErrors: FieldError[];
  /** The body as it arrived, byte for byte (valid UTF-8: anything else was refused). */
  rawBody: string;
  payload: unknown;
}

export interface CommandStats {
  callbackCommand: string;
  count: number;
  /** Of `count`, those recorded invalid. */
  invalid: number;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface PageRequest {
  /** 1 to 1000; default 100. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  order?: 'asc' | 'desc';
}

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface ConversationFilter extends PageRequest {
  ownerUserId?: string;
  userId?: string;
  groupId?: string;
  conversationId?: string;
  conversationType?: number;
  /** Milliseconds since the epoch: last seen at or after. */
  seenAfter?: number;
  /** Milliseconds since the epoch: last seen before. */
  seenBefore?: number;
}

export interface EventFilter extends PageRequest {
  command?: CallbackCommand | string;
  operationID?: string;
  receivedAfter?: number;
  receivedBefore?: number;
}

/** How far the projections (events, conversations, command stats, outbox) trail what was acknowledged. */
export interface ProjectionLag {
  /** Callbacks acknowledged and not yet projected. */
  events: number;
  /** Age of the oldest of them; 0 when there is none. */
  seconds: number;
}

/** How many callbacks of a command arrived in one minute. */
export interface MinuteCount {
  /** The minute's start, ISO 8601. */
  minute: string;
  callbackCommand: string;
  count: number;
}

/** The answer an event got when it was not the plain success package (a handler's decision, a forwarded answer). */
export interface AnswerRecord {
  status: number;
  /** The JSON text OpenIM received. */
  body: string;
  answeredAt: string;
}

/**
 * The store contract, the same for every backend: `record` is durable when it resolves (the callback is in the
 * acknowledgement log) and idempotent for exact redeliveries; everything read is a projection of that log, built off
 * the ack path, so a read may trail the acknowledgements by `projectionLag()` unless it waits for `caughtUp()`.
 * Reads never expose column names, only OpenIM's JSON names.
 */
export interface Store extends Recorder, Outbox {
  record(callback: AcceptedCallback, options?: RecordOptions): Promise<RecordResult>;
  /** Resolves once every callback acknowledged before the call is projected: reads made after it see them. */
  caughtUp(): Promise<void>;
  projectionLag(): Promise<ProjectionLag>;
  /** Calls `listener` after each projection that added events (with their outbox rows): the relay wakes on it. */
  onProjected(listener: () => void): void;
  listConversations(filter?: ConversationFilter): Promise<Page<ConversationRecord>>;
  getConversation(ownerUserId: string, conversationId: string): Promise<ConversationRecord | undefined>;
  listEvents(filter?: EventFilter): Promise<Page<EventRecord>>;
  listCommands(): Promise<CommandStats[]>;
  /** One event by its numeric id. */
  getEvent(id: number): Promise<EventRecord | undefined>;
  /**
   * The numeric id of the event a sink knows as `evt_…`. A scan of the dedupe index (no index of its own: it would cost
   * a random page write per event on the ack path), so it takes time in proportion to the event log.
   */
  findEventId(sinkEventId: string): Promise<number | undefined>;
  /** Callbacks per minute and command received at or after `since` (epoch ms), oldest minute first. */
  minuteCounts(since: number): Promise<MinuteCount[]>;
  /** The answer of an event when it was not the success package; undefined when it was (see recordAnswer). */
  getAnswer(eventId: number): Promise<AnswerRecord | undefined>;
  /**
   * Keeps an answer that was not the success package, off the ack path (the first one of an event wins). Every other
   * recorded event was answered with the success package, so that one is never written.
   */
  recordAnswer(eventId: number, status: number, body: string): Promise<void>;
  /**
   * Proves the store can acknowledge a callback right now (for /readyz): SQLite, that its inbox takes a write (the
   * projection may still fail, on a full disk say: that is reported through `onProjectionError`); PostgreSQL, that a
   * commit goes through.
   */
  checkWritable(): Promise<void>;
  /**
   * Removes what `policy` no longer keeps (see RetentionPolicy), in small transactions, until nothing more is due;
   * with `dryRun`, only counts it. For `openim-hooks prune`: it runs on the calling thread, so a service leaves it to
   * its own background pruning (StoreOptions.retention).
   */
  prune(policy: RetentionPolicy, options: { now: number; dryRun: boolean }): Promise<PruneReport>;
  /** Commits what is pending, then closes. */
  close(): Promise<void>;
}

/** What one attempt met, kept in the attempt history (the sink page's "per-attempt history"). */
export interface AttemptLog {
  eventId: number;
  sink: string;
  /** Epoch ms. */
  startedAt: number;
  durationMs: number;
  /** `delivered`, `failed`, `unavailable` (the broker was down), `gone` (HTTP 410), `undeliverable`. */
  result: 'delivered' | 'failed' | 'unavailable' | 'gone' | 'undeliverable';
  /** The HTTP status, when an HTTP answer came. */
  httpStatus: number | null;
  /** The transport, HTTP or broker error; null when delivered. */
  error: string | null;
  /** The first bytes of the answer's body, when there was one. */
  responseExcerpt: string | null;
}

/** The end of one delivery attempt, as the relay reports it, with what the attempt met when one was made. */
export type Settlement = (
  | { deliveryId: number; outcome: 'delivered'; at: number }
  | { deliveryId: number; outcome: 'retry'; at: number; nextAttemptAt: number; error: string }
  | { deliveryId: number; outcome: 'dead'; at: number; error: string }
  /** The attempt did not count (the sink was down, or disabled): the lease ends, attempts and due time stay. */
  | { deliveryId: number; outcome: 'released' }
) & { attempt?: AttemptLog };

/** One attempt of the history, as the API shows it. */
export interface AttemptRecord {
  id: number;
  deliveryId: number;
  eventId: number;
  sink: string;
  startedAt: string;
  durationMs: number;
  result: AttemptLog['result'];
  httpStatus: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

export interface AttemptFilter extends PageRequest {
  sink?: string;
  deliveryId?: number;
  eventId?: number;
}

/** Which pending deliveries to make due now: every one of a sink, or one delivery. */
export interface RetrySelection {
  sink: string;
  deliveryId?: number;
}

/** Which deliveries to send again: one event, a time range of events, or every dead letter; optionally one sink. */
export interface ReplaySelection {
  sink?: string;
  eventId?: number;
  /** Events received at or after, epoch ms. */
  from?: number;
  /** Events received before, epoch ms. */
  to?: number;
  dead?: boolean;
}

/** A sink as the writer needs it: its name, and the commands it takes (null = all). */
export interface OutboxSink {
  name: string;
  commands: string[] | null;
  /** Also invalid events (default: valid ones only). */
  invalid?: boolean;
}

/** A pending delivery, as the relay scans them (the event itself is loaded only for those it sends). */
export interface OutboxDelivery {
  deliveryId: number;
  eventId: number;
  sink: string;
  orderingKey: string;
  /** Attempts made so far. */
  attempts: number;
  nextAttemptAt: number;
}

/** What a sink needs of a recorded event. */
export interface OutboxEvent {
  id: number;
  callbackCommand: string;
  operationID: string;
  receivedAt: number;
  idempotencyKey: string;
  rawBody: Uint8Array;
}

/** One delivery, as the query API shows it. */
export interface DeliveryRecord {
  id: number;
  eventId: number;
  sink: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  settledAt: string | null;
}

export interface DeliveryFilter extends PageRequest {
  sink?: string;
  status?: 'pending' | 'delivered' | 'dead';
  eventId?: number;
}

export interface SinkBacklog {
  pending: number;
  /** When the oldest pending delivery was created, epoch ms; null when nothing is pending. */
  oldestPendingAt: number | null;
  delivered: number;
  dead: number;
}

/** The outbox side of the store: what the relay and the operations API use. */
export interface Outbox {
  /** The first `limit` pending deliveries of a sink, oldest first, due or not. */
  pendingDeliveries(sink: string, limit: number): Promise<OutboxDelivery[]>;
  /**
   * Atomically takes up to `limit` deliveries of a sink that may go now and leases them to `owner` until
   * `now + leaseMs`: each is the oldest pending delivery of its ordering key (FIFO per key; a leased head holds its key
   * back), due (`nextAttemptAt <= now`) and not leased, or leased with the lease expired (its owner died). Oldest
   * first. Two owners never hold one delivery at once while leases are unexpired; settling ends the lease. Heads are
   * looked for among the first pending deliveries of the sink (a window, as the relay always did), not the whole
   * backlog; `window` deliveries, default 1000.
   */
  claimDeliveries(
    sink: string,
    owner: string,
    limit: number,
    leaseMs: number,
    now: number,
    window?: number,
  ): Promise<OutboxDelivery[]>;
  loadEvent(eventId: number): Promise<OutboxEvent | undefined>;
  /**
   * Records outcomes and ends the leases. A settlement counts whoever holds the lease (only while the delivery is
   * pending): a late one from an owner whose lease expired is not dropped, so delivery stays at least once.
   */
  settleDeliveries(settlements: Settlement[]): Promise<void>;
  /** Puts deliveries back in the queue; resolves with how many. */
  replay(selection: ReplaySelection): Promise<number>;
  listDeliveries(filter?: DeliveryFilter): Promise<Page<DeliveryRecord>>;
  sinkBacklog(sink: string): Promise<SinkBacklog>;
  /**
   * Makes pending deliveries due at `now`, keeping their attempts: a held head goes out at the relay's next look, and
   * those queued behind it follow. Resolves with how many.
   */
  retryNow(selection: RetrySelection, now: number): Promise<number>;
  /** The attempt history, newest last (order asc) unless asked otherwise. */
  listAttempts(filter?: AttemptFilter): Promise<Page<AttemptRecord>>;
  /** Names of the sinks that have deliveries in this database (a loose index scan, not a count). */
  sinkNames(): Promise<string[]>;
  /**
   * The signing secret kept for a sink, made with `generate` and stored the first time it is asked for; every
   * instance on one database gets the same one.
   */
  sinkSecret(sink: string, generate: () => string): Promise<string>;
}

export interface StoreOptions {
  /** Sinks that get an outbox row for each new event they take, in the event's own transaction. */
  sinks?: OutboxSink[];
  /**
   * false: a store that reads and serves the outbox but records nothing (a CLI command beside a running service):
   * it neither takes the acknowledgement log nor projects it. Default true.
   */
  records?: boolean;
  /** A projection transaction failed (it is retried; the inbox keeps the callbacks): for the service's log. */
  onProjectionError?: (error: string) => void;
  /**
   * What the tables keep: a recording store prunes the rest in the background, off the ack path, between projection
   * batches (SQLite: its writer thread; PostgreSQL: one instance at a time, under an advisory lock). Default: all.
   */
  retention?: RetentionPolicy;
  /** A round of background pruning removed rows (for the metrics). */
  onPruned?: (counts: PruneCounts) => void;
  /** A round of background pruning failed; it is tried again later. */
  onPruneError?: (error: string) => void;
  /** Maintenance the store did or could not do on its own (a one-time VACUUM, say), for the service's log. */
  onNotice?: (level: 'info' | 'warn', message: string, fields?: Record<string, unknown>) => void;
}

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;
