import { sinkEventId } from './event-id.js';
import type {
  AnswerRecord,
  AttemptRecord,
  CommandStats,
  ConversationRecord,
  DeliveryRecord,
  EventRecord,
  OutboxDelivery,
  OutboxEvent,
} from './store.js';
import { isConversationCommand } from '../protocol/index.js';
import type {
  AcceptedCallback,
  CallbackCommand,
  CallbackKind,
  ConversationCallback,
  FieldError,
} from '../protocol/index.js';

/** Rows as both backends return them (same column names); only this file maps them to OpenIM's JSON names. */
export interface ConversationRow {
  id: number;
  owner_user_id: string;
  conversation_id: string;
  conversation_type: number;
  user_id: string;
  group_id: string;
  recv_msg_opt: number;
  is_pinned: number;
  is_private_chat: number;
  burn_duration: number;
  group_at_type: number;
  attached_info: string;
  ex: string;
  first_seen_at: number;
  last_seen_at: number;
  times_seen: number;
  last_command: string;
  last_event_id: number;
}

export interface EventRow {
  id: number;
  command: string;
  kind: string;
  operation_id: string;
  received_at: number;
  idempotency_key: string;
  body: Buffer;
  warnings: string | null;
  field_errors: string | null;
}

export interface CommandStatsRow {
  command: string;
  count: number;
  invalid: number;
  first_seen_at: number;
  last_seen_at: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toConversationRecord(row: ConversationRow): ConversationRecord {
  return {
    ownerUserId: row.owner_user_id,
    conversationId: row.conversation_id,
    conversationType: row.conversation_type,
    userId: row.user_id,
    groupId: row.group_id,
    recvMsgOpt: row.recv_msg_opt,
    isPinned: row.is_pinned === 1,
    isPrivateChat: row.is_private_chat === 1,
    burnDuration: row.burn_duration,
    groupAtType: row.group_at_type,
    attachedInfo: row.attached_info,
    ex: row.ex,
    firstSeenAt: iso(row.first_seen_at),
    lastSeenAt: iso(row.last_seen_at),
    timesSeen: row.times_seen,
    lastCommand: row.last_command,
    lastEventId: row.last_event_id,
  };
}

/** The columns a callback is kept in before it is projected (PostgreSQL's inbox, the spool). */
export type StoredCallbackRow = Pick<
  EventRow,
  'command' | 'kind' | 'operation_id' | 'idempotency_key' | 'body' | 'warnings'
> & { received_at: number | string };

/**
 * A stored callback as the receiver accepted it: the raw bytes are kept and the parsed views derived from them
 * again; an invalid one (field errors) stays flagged, with no conversation.
 */
export function toAcceptedCallback(
  row: StoredCallbackRow,
  fieldErrorsOf: (payload: Record<string, unknown>) => FieldError[],
): AcceptedCallback {
  const payload = JSON.parse(row.body.toString('utf8')) as Record<string, unknown>;
  const fieldErrors = fieldErrorsOf(payload);
  return {
    command: row.command as CallbackCommand,
    kind: row.kind as CallbackKind,
    operationID: row.operation_id,
    receivedAt: Number(row.received_at),
    idempotencyKey: row.idempotency_key,
    // A plain view of the bytes, as the receiver hands them over (not the driver's Buffer).
    rawBody: new Uint8Array(row.body.buffer, row.body.byteOffset, row.body.byteLength),
    payload,
    conversation:
      fieldErrors.length === 0 && isConversationCommand(row.command)
        ? (payload as unknown as ConversationCallback)
        : null,
    fieldErrors,
    warnings: row.warnings ? (JSON.parse(row.warnings) as string[]) : [],
  };
}

export function toEventRecord(row: EventRow): EventRecord {
  const rawBody = row.body.toString('utf8');
  return {
    id: row.id,
    eventId: sinkEventId(row.idempotency_key),
    callbackCommand: row.command,
    kind: row.kind as CallbackKind,
    operationID: row.operation_id,
    receivedAt: iso(row.received_at),
    idempotencyKey: row.idempotency_key,
    warnings: row.warnings ? (JSON.parse(row.warnings) as string[]) : [],
    invalid: row.field_errors !== null,
    fieldErrors: row.field_errors ? (JSON.parse(row.field_errors) as FieldError[]) : [],
    rawBody,
    payload: JSON.parse(rawBody) as unknown,
  };
}

export function toCommandStats(row: CommandStatsRow): CommandStats {
  return {
    callbackCommand: row.command,
    count: row.count,
    invalid: Number(row.invalid),
    firstSeenAt: iso(row.first_seen_at),
    lastSeenAt: iso(row.last_seen_at),
  };
}

export interface DeliveryRow {
  id: number;
  event_id: number;
  sink: string;
  ordering_key: string;
  status: DeliveryRecord['status'];
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  settled_at: number | null;
}

export function toDeliveryRecord(row: DeliveryRow): DeliveryRecord {
  return {
    id: row.id,
    eventId: row.event_id,
    sink: row.sink,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    lastError: row.last_error,
    createdAt: iso(row.created_at),
    settledAt: row.settled_at === null ? null : iso(row.settled_at),
  };
}

export function toOutboxEvent(row: EventRow): OutboxEvent {
  return {
    id: row.id,
    callbackCommand: row.command,
    operationID: row.operation_id,
    receivedAt: row.received_at,
    idempotencyKey: row.idempotency_key,
    rawBody: row.body,
  };
}

export type PendingDeliveryRow = Pick<
  DeliveryRow,
  'id' | 'event_id' | 'ordering_key' | 'attempts' | 'next_attempt_at'
>;

export function toOutboxDelivery(row: PendingDeliveryRow, sink: string): OutboxDelivery {
  return {
    deliveryId: row.id,
    eventId: row.event_id,
    sink,
    orderingKey: row.ordering_key,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
  };
}

/** A pending delivery with its lease, as a claim reads them. */
export type LeasedDeliveryRow = PendingDeliveryRow & { lease_until: number | null };

/**
 * Of a sink's pending deliveries in id order, the first `limit` that may go at `now`: the oldest of each ordering key
 * (a later one waits behind it, leased or not), due, and not leased or with the lease expired.
 */
export function dueHeads(
  rows: Iterable<LeasedDeliveryRow>,
  now: number,
  limit: number,
): PendingDeliveryRow[] {
  const heads: PendingDeliveryRow[] = [];
  const seenKeys = new Set<string>();
  // Leaves by `break` only: an iterator of better-sqlite3 keeps its connection busy until it ends or is returned.
  for (const row of rows) {
    if (heads.length >= limit) break;
    if (seenKeys.has(row.ordering_key)) continue;
    seenKeys.add(row.ordering_key);
    if (row.next_attempt_at > now || (row.lease_until !== null && row.lease_until > now)) continue;
    const { id, event_id, ordering_key, attempts, next_attempt_at } = row;
    heads.push({ id, event_id, ordering_key, attempts, next_attempt_at });
  }
  return heads;
}

export interface AttemptRow {
  id: number;
  delivery_id: number;
  event_id: number;
  sink: string;
  started_at: number;
  duration_ms: number;
  result: AttemptRecord['result'];
  http_status: number | null;
  error: string | null;
  response_excerpt: string | null;
}

export function toAttemptRecord(row: AttemptRow): AttemptRecord {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    eventId: row.event_id,
    sink: row.sink,
    startedAt: iso(row.started_at),
    durationMs: row.duration_ms,
    result: row.result,
    httpStatus: row.http_status,
    error: row.error,
    responseExcerpt: row.response_excerpt,
  };
}

export interface AnswerRow {
  event_id: number;
  status: number;
  body: string;
  answered_at: number;
}

export function toAnswerRecord(row: AnswerRow): AnswerRecord {
  return { status: row.status, body: row.body, answeredAt: iso(row.answered_at) };
}

export interface MinuteCountRow {
  minute: number;
  command: string;
  count: number;
}
