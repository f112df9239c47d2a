import type {
  AcceptedCallback,
  CallbackKind,
  ConversationCallback,
  RecordResult,
} from '../../protocol/index.js';
import type { PendingDeliveryRow } from '../rows.js';
import type { ReplaySelection, RetrySelection, Settlement } from '../store.js';

/**
 * A callback as it crosses to the writer thread: a flat tuple, because structured clone copies arrays of scalars
 * far faster than objects, and this happens for every callback. The conversation is not sent: the writer parses
 * it from the raw bytes, which moves that work off the HTTP thread.
 */
export type CallbackTuple = [
  command: string,
  kind: CallbackKind,
  operationID: string,
  receivedAt: number,
  idempotencyKey: string,
  rawBody: Uint8Array,
  warningsJson: string | null,
  isConversation: boolean,
  fieldErrorsJson: string | null,
];

export function toTuple(callback: AcceptedCallback): CallbackTuple {
  return [
    callback.command,
    callback.kind,
    callback.operationID,
    callback.receivedAt,
    callback.idempotencyKey,
    // A copy of exactly these bytes: the body is often a view into the socket's larger read buffer, and structured
    // clone would copy all of that buffer for every callback.
    new Uint8Array(callback.rawBody),
    callback.warnings.length > 0 ? JSON.stringify(callback.warnings) : null,
    callback.conversation !== null,
    callback.fieldErrors.length > 0 ? JSON.stringify(callback.fieldErrors) : null,
  ];
}

/** The conversation of a tuple, parsed from the bytes the receiver already validated. */
export function conversationOf(tuple: CallbackTuple): ConversationCallback | null {
  return tuple[7] ? (JSON.parse(Buffer.from(tuple[5]).toString('utf8')) as ConversationCallback) : null;
}

export type WriterRequest =
  | { id: number; type: 'record'; callback: CallbackTuple }
  | { id: number; type: 'heartbeat'; at: number }
  | { id: number; type: 'settle'; settlements: Settlement[] }
  | { id: number; type: 'replay'; selection: ReplaySelection; at: number }
  | { id: number; type: 'claim'; claim: Claim }
  | { id: number; type: 'retryNow'; selection: RetrySelection; at: number }
  | { id: number; type: 'answer'; eventId: number; status: number; body: string; at: number }
  | { id: number; type: 'sinkSecret'; sink: string; secret: string; at: number }
  | { id: number; type: 'close' };

/** What `claimDeliveries` asks of the writer (see `Outbox.claimDeliveries`). */
export interface Claim {
  sink: string;
  owner: string;
  limit: number;
  leaseMs: number;
  now: number;
  window: number;
}

export type WriterResult = RecordResult | number | string | null | PendingDeliveryRow[];

export type WriterReply =
  { id: number; ok: true; result: WriterResult } | { id: number; ok: false; error: string };
