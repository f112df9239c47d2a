import { isCallbackCommand, validateRequest } from '../protocol/index.js';
import type { CallbackCommand, FieldError, RequestOf } from '../protocol/index.js';

/** One event as every sink carries it, typed by its command. */
export interface EnvelopeOf<C extends CallbackCommand> {
  /** `evt_…`: the same on every attempt and replay; dedupe by it. */
  readonly id: string;
  readonly callbackCommand: C;
  /** ISO 8601: when openim-hooks received the callback. */
  readonly receivedAt: string;
  readonly operationID: string;
  /** OpenIM's body as it arrived. Typed only when `fieldErrors` is empty. */
  readonly payload: RequestOf<C>;
  /** Non-empty for an invalid callback (a sink that asks for those gets them): the payload is not of its type. */
  readonly fieldErrors: readonly FieldError[];
}

/** Any event; `callbackCommand` narrows `payload`. */
export type SinkEnvelope = { [C in CallbackCommand]: EnvelopeOf<C> }[CallbackCommand];

export type ParsedEnvelope =
  { readonly ok: true; readonly event: SinkEnvelope } | { readonly ok: false; readonly reason: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The envelope of an HTTP, NATS or Redis delivery (`{"id","callbackCommand","receivedAt","operationID","payload"}`),
 * its payload checked against the command's OpenIM types.
 *
 * @example
 * const parsed = parseEnvelope(body);
 * if (parsed.ok && parsed.event.callbackCommand === 'callbackAfterSendSingleMsgCommand') save(parsed.event.payload.recvID);
 */
export function parseEnvelope(text: string | Uint8Array): ParsedEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(typeof text === 'string' ? text : Buffer.from(text).toString('utf8'));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!isObject(value)) return { ok: false, reason: 'not a JSON object' };
  const { id, callbackCommand, receivedAt, operationID, payload } = value;
  if (typeof id !== 'string' || typeof receivedAt !== 'string' || typeof operationID !== 'string')
    return { ok: false, reason: 'id, receivedAt and operationID must be strings' };
  if (typeof callbackCommand !== 'string' || !isCallbackCommand(callbackCommand))
    return { ok: false, reason: `unknown callbackCommand ${JSON.stringify(callbackCommand)}` };
  if (!isObject(payload)) return { ok: false, reason: 'payload must be an object' };
  const fieldErrors = validateRequest(callbackCommand, payload);
  const event = { id, callbackCommand, receivedAt, operationID, payload, fieldErrors };
  return { ok: true, event: event as unknown as SinkEnvelope };
}
