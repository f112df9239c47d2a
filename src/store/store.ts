import type {
  AcceptedCallback,
  CallbackCommand,
  CallbackKind,
  FieldError,
  Recorder,
  RecordOptions,
  RecordResult,
} from '../protocol/index.js';

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
  /** Proves the store can commit a write right now (for /readyz). */
  checkWritable(): Promise<void>;
  /** Commits what is pending, then closes. */
  close(): Promise<void>;
}

/** The end of one delivery attempt, as the relay reports it. */
export type Settlement =
  | { deliveryId: number; outcome: 'delivered'; at: number }
  | { deliveryId: number; outcome: 'retry'; at: number; nextAttemptAt: number; error: string }
  | { deliveryId: number; outcome: 'dead'; at: number; error: string }
  /** The attempt did not count (the sink was down, or disabled): the lease ends, attempts and due time stay. */
  | { deliveryId: number; outcome: 'released' };

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
}

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;
