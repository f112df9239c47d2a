import { parseEnvelope } from './parse-envelope.js';
import type { ParsedEnvelope } from './parse-envelope.js';
import { verifyWebhook } from './verify-webhook.js';
import type { VerifyWebhookOptions } from './verify-webhook.js';

/**
 * A delivery of our HTTP sink, verified (Standard Webhooks) and parsed: answer 2xx when `ok`, 4xx otherwise (the
 * relay retries any non-2xx, so answer 2xx for an event you have already handled: dedupe by `event.id`).
 *
 * @example
 * const received = receiveWebhook(rawBody, req.headers, { secrets: ['whsec_…'] });
 * if (received.ok && received.event.callbackCommand === 'callbackAfterUserRegisterCommand')
 *   for (const user of received.event.payload.users ?? []) await mirror(user);
 */
export function receiveWebhook(
  body: string | Uint8Array,
  headers: Parameters<typeof verifyWebhook>[1],
  options: VerifyWebhookOptions,
): ParsedEnvelope {
  const verified = verifyWebhook(body, headers, options);
  if (!verified.ok) return verified;
  const parsed = parseEnvelope(body);
  if (parsed.ok && parsed.event.id !== verified.id)
    return { ok: false, reason: 'webhook-id is not the envelope id' };
  return parsed;
}
