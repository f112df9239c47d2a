import type { CallbackCommand, CallbackKind } from './commands.js';
import type { ConversationCallback } from './conversation-callbacks.js';
import type { FieldError } from './field-errors.js';

/**
 * A well-formed callback (a JSON object of a catalog command, its command matching the path, authenticated), ready to
 * be recorded. It keeps the raw bytes exactly as they arrived (OpenIM's trailing newline included): they are what
 * gets hashed and stored, never a re-serialisation. One whose fields are not of OpenIM's types is still recorded,
 * with `fieldErrors` (a newer OpenIM may change a type, and OpenIM never sends it again): never lose what it sent.
 */
export interface AcceptedCallback {
  readonly command: CallbackCommand;
  readonly kind: CallbackKind;
  /** The `operationID` header ("" when absent); ties the callback to OpenIM's originating request in its logs. */
  readonly operationID: string;
  /** Milliseconds since the epoch, when the receiver accepted it. */
  readonly receivedAt: number;
  /** Hex SHA-256 of command, operationID and body: an exact redelivery has the same key. */
  readonly idempotencyKey: string;
  readonly rawBody: Uint8Array;
  /** The parsed body: all of it, unknown fields included. */
  readonly payload: Readonly<Record<string, unknown>>;
  /** The typed payload of the conversation callbacks; null for other commands and for invalid ones. */
  readonly conversation: ConversationCallback | null;
  /** Why the body is not what OpenIM's Go types allow, one entry per field; empty when it is valid. */
  readonly fieldErrors: readonly FieldError[];
  /** Inconsistencies flagged, never refused (for example a conversationId that does not match its pair). */
  readonly warnings: readonly string[];
}

export interface RecordResult {
  /** The event's id in the store; for a redelivery, the id of the original. */
  readonly eventId: number;
  readonly duplicate: boolean;
}

/**
 * What a recorder answers when the callback is durable in a local spool while its database is unreachable: it has no
 * event id until it reaches the database. `duplicate` is true when the spool already held the same delivery.
 */
export interface SpooledResult {
  readonly eventId: undefined;
  readonly duplicate: boolean;
  readonly spooled: true;
}

/** Where accepted callbacks go before they are answered: a store, or anything durable of the user's. */
export interface Recorder {
  record(callback: AcceptedCallback): Promise<RecordResult | SpooledResult>;
}
