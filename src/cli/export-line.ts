import type { EventRecord } from '../store/index.js';

/**
 * One event of an export (NDJSON): its metadata in OpenIM's and the API's JSON names, and `rawBody`, the body
 * exactly as received. The body is valid UTF-8 (anything else was refused), so as a JSON string it round-trips to
 * the same bytes; `import` checks that with the idempotency key, a hash of those bytes.
 */
export interface ExportLine {
  eventId: string;
  callbackCommand: string;
  kind: string;
  operationID: string;
  receivedAt: string;
  idempotencyKey: string;
  warnings: string[];
  invalid: boolean;
  fieldErrors: EventRecord['fieldErrors'];
  rawBody: string;
}

export function exportLine(event: EventRecord): string {
  const line: ExportLine = {
    eventId: event.eventId,
    callbackCommand: event.callbackCommand,
    kind: event.kind,
    operationID: event.operationID,
    receivedAt: event.receivedAt,
    idempotencyKey: event.idempotencyKey,
    warnings: event.warnings,
    invalid: event.invalid,
    fieldErrors: event.fieldErrors,
    rawBody: event.rawBody,
  };
  return `${JSON.stringify(line)}\n`;
}
