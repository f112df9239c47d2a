import { crc32 } from 'node:zlib';
import type { AcceptedCallback, CallbackKind, FieldError } from '../../protocol/index.js';

/**
 * One acknowledged callback as the inbox keeps it on disk:
 *
 *     u32 LE payload length | u32 LE CRC-32 of the payload | payload
 *     payload = u32 LE header length | header (JSON) | the body bytes exactly as received
 *     header  = [seq, receivedAt, command, kind, operationID, idempotencyKey, warnings | null, fieldErrors | null]
 *
 * A length of 0 is the end of the log (segments are zero-filled ahead of the writes); a record whose CRC does not
 * match is a write that never completed. Both end the readable log there.
 */
export interface InboxRecord {
  /** Position in the log, increasing; also the event's id once projected. */
  readonly seq: number;
  readonly receivedAt: number;
  readonly command: string;
  readonly kind: CallbackKind;
  readonly operationID: string;
  readonly idempotencyKey: string;
  readonly warnings: readonly string[];
  /** Empty for a valid callback (see AcceptedCallback). */
  readonly fieldErrors: readonly FieldError[];
  readonly body: Buffer;
}

type Header = [
  seq: number,
  receivedAt: number,
  command: string,
  kind: CallbackKind,
  operationID: string,
  idempotencyKey: string,
  warnings: readonly string[] | null,
  fieldErrors: readonly FieldError[] | null,
];

const FRAME_BYTES = 8;

/** The bytes of one record. */
export function encodeInboxRecord(seq: number, callback: AcceptedCallback): Buffer {
  const header: Header = [
    seq,
    callback.receivedAt,
    callback.command,
    callback.kind,
    callback.operationID,
    callback.idempotencyKey,
    callback.warnings.length > 0 ? callback.warnings : null,
    callback.fieldErrors.length > 0 ? callback.fieldErrors : null,
  ];
  const headerText = JSON.stringify(header);
  const headerBytes = Buffer.byteLength(headerText);
  const body = callback.rawBody;
  const payloadBytes = 4 + headerBytes + body.byteLength;
  const record = Buffer.allocUnsafe(FRAME_BYTES + payloadBytes);
  record.writeUInt32LE(payloadBytes, 0);
  record.writeUInt32LE(headerBytes, FRAME_BYTES);
  record.write(headerText, FRAME_BYTES + 4, 'utf8');
  record.set(body, FRAME_BYTES + 4 + headerBytes);
  record.writeUInt32LE(crc32(record.subarray(FRAME_BYTES)), 4);
  return record;
}

export type Decoded =
  | { readonly kind: 'record'; readonly record: InboxRecord; readonly bytes: number }
  /** More bytes are needed to tell (the record runs past the end of `buffer`). */
  | { readonly kind: 'short'; readonly needed: number }
  /** Zeros, a torn write or anything else that is not a record: the log ends here. */
  | { readonly kind: 'end' };

/** Reads the record that starts at `offset` of `buffer`. */
export function decodeInboxRecord(buffer: Buffer, offset: number): Decoded {
  if (buffer.length - offset < FRAME_BYTES) return { kind: 'short', needed: FRAME_BYTES };
  const payloadBytes = buffer.readUInt32LE(offset);
  if (payloadBytes < 4) return { kind: 'end' };
  const total = FRAME_BYTES + payloadBytes;
  if (buffer.length - offset < total) return { kind: 'short', needed: total };
  const payload = buffer.subarray(offset + FRAME_BYTES, offset + total);
  if (crc32(payload) !== buffer.readUInt32LE(offset + 4)) return { kind: 'end' };
  const headerBytes = payload.readUInt32LE(0);
  if (4 + headerBytes > payload.length) return { kind: 'end' };
  let header: Header;
  try {
    header = JSON.parse(payload.toString('utf8', 4, 4 + headerBytes)) as Header;
  } catch {
    return { kind: 'end' };
  }
  const [seq, receivedAt, command, kind, operationID, idempotencyKey, warnings, fieldErrors] = header;
  return {
    kind: 'record',
    bytes: total,
    record: {
      seq,
      receivedAt,
      command,
      kind,
      operationID,
      idempotencyKey,
      warnings: warnings ?? [],
      fieldErrors: fieldErrors ?? [],
      body: payload.subarray(4 + headerBytes),
    },
  };
}
