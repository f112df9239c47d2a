import type { AcceptedCallback, CallbackCommand, CallbackKind, Recorder, RecordResult } from '../protocol/index.js';

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
  /** The body as it arrived, byte for byte (valid UTF-8: anything else was refused). */
  rawBody: string;
  payload: unknown;
}

export interface CommandStats {
  callbackCommand: string;
  count: number;
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

/**
 * The store contract, the same for every backend: `record` is durable when it resolves and idempotent for exact
 * redeliveries; reads never expose column names, only OpenIM's JSON names.
 */
export interface Store extends Recorder {
  record(callback: AcceptedCallback): Promise<RecordResult>;
  listConversations(filter?: ConversationFilter): Promise<Page<ConversationRecord>>;
  getConversation(ownerUserId: string, conversationId: string): Promise<ConversationRecord | undefined>;
  listEvents(filter?: EventFilter): Promise<Page<EventRecord>>;
  listCommands(): Promise<CommandStats[]>;
  /** Proves the store can commit a write right now (for /readyz). */
  checkWritable(): Promise<void>;
  /** Commits what is pending, then closes. */
  close(): Promise<void>;
}

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;
