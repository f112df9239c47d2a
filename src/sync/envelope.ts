import { sinkEventId } from '../store/index.js';
import type { OutboxEvent } from '../store/index.js';
import type { OutgoingEvent } from './sink.js';

/**
 * The JSON every sink carries, in OpenIM's own names: our event id, the command, when we received it, OpenIM's
 * operationID, and the payload exactly as OpenIM sent it (parsed once, from the stored bytes).
 */
export function toOutgoingEvent(event: OutboxEvent): OutgoingEvent {
  const eventId = sinkEventId(event.idempotencyKey);
  const receivedAt = new Date(event.receivedAt).toISOString();
  const payload = Buffer.from(event.rawBody).toString('utf8').trimEnd();
  // The payload is spliced in as received (it was validated JSON), so no number or key order is re-encoded.
  const body =
    `{"id":${JSON.stringify(eventId)},"callbackCommand":${JSON.stringify(event.callbackCommand)},` +
    `"receivedAt":${JSON.stringify(receivedAt)},"operationID":${JSON.stringify(event.operationID)},"payload":${payload}}`;
  return {
    eventId,
    callbackCommand: event.callbackCommand,
    operationID: event.operationID,
    receivedAt: event.receivedAt,
    body,
    rawBody: event.rawBody,
  };
}
