import { parseEnvelope } from './parse-envelope.js';
import type { ParsedEnvelope } from './parse-envelope.js';

/** What a NATS JetStream message gives (`@nats-io/jetstream`'s JsMsg has these). */
export interface NatsMessageLike {
  readonly data: Uint8Array;
  readonly headers?: { get(name: string): string } | undefined;
}

/**
 * The typed envelope of a message from our NATS sink (subject `openim.<command>`, `Nats-Msg-Id` = the event id).
 *
 * @example
 * for await (const msg of await consumer.consume()) { const parsed = fromNatsMessage(msg); … msg.ack(); }
 */
export function fromNatsMessage(message: NatsMessageLike): ParsedEnvelope {
  const parsed = parseEnvelope(message.data);
  const msgId = message.headers?.get('Nats-Msg-Id');
  if (parsed.ok && msgId && msgId !== parsed.event.id)
    return { ok: false, reason: 'Nats-Msg-Id is not the envelope id' };
  return parsed;
}

/**
 * The typed envelope of an entry of our Redis stream: its fields `id`, `command`, `envelope`, as XREAD / XREADGROUP
 * return them (a flat `[name, value, …]` list) or as an object.
 *
 * @example
 * const [[, entries]] = await redis.xread('STREAMS', 'openim:events', '0');
 * for (const [, fields] of entries) handle(fromRedisEntry(fields));
 */
export function fromRedisEntry(fields: readonly string[] | Readonly<Record<string, string>>): ParsedEnvelope {
  const map: Record<string, string | undefined> = {};
  if (Array.isArray(fields))
    for (let i = 0; i + 1 < fields.length; i += 2) map[fields[i] ?? ''] = fields[i + 1];
  else Object.assign(map, fields);
  const envelope = map['envelope'];
  if (envelope === undefined) return { ok: false, reason: 'the entry has no envelope field' };
  const parsed = parseEnvelope(envelope);
  if (parsed.ok && (map['id'] !== parsed.event.id || map['command'] !== parsed.event.callbackCommand))
    return { ok: false, reason: 'the entry id or command does not match its envelope' };
  return parsed;
}
