/**
 * The id sinks see: derived from the idempotency key (command, operationID, body bytes), so it is the same on every
 * attempt and every replay, and never reused for another event, even by another database.
 */
export function sinkEventId(idempotencyKey: string): string {
  return `evt_${idempotencyKey.slice(0, 32)}`;
}

/** `evt_` and the 32 hex digits of an idempotency key's start: the shape of every id `sinkEventId` makes. */
export const SINK_EVENT_ID = /^evt_[0-9a-f]{32}$/;
