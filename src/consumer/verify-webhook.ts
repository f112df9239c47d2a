import { createHmac, timingSafeEqual } from 'node:crypto';

export interface VerifyWebhookOptions {
  /** `whsec_…` secrets; any one may have signed (several during a rotation). */
  readonly secrets: readonly string[];
  /** How far `webhook-timestamp` may be from now, either way, in seconds. Default 300 (the spec's 5 minutes). */
  readonly toleranceSeconds?: number;
  /** Epoch ms; default Date.now. */
  readonly now?: () => number;
}

export type WebhookVerification =
  | { readonly ok: true; readonly id: string; readonly timestamp: number }
  | { readonly ok: false; readonly reason: string };

type Headers = Readonly<Record<string, string | string[] | undefined>> | { get(name: string): string | null };

function headerOf(headers: Headers, name: string): string | undefined {
  if (typeof headers.get === 'function')
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const value = (headers as Readonly<Record<string, string | string[] | undefined>>)[name];
  return Array.isArray(value) ? value[0] : (value as string | undefined);
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/**
 * Checks a delivery of our HTTP sink per the Standard Webhooks spec: `webhook-id`, a `webhook-timestamp` within the
 * tolerance, and a `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` in `webhook-signature` made with one of the
 * secrets. The official `standardwebhooks` library takes one secret and a fixed tolerance; rotation needs several.
 *
 * @example
 * const verified = verifyWebhook(rawBody, req.headers, { secrets: [process.env.HOOKS_SECRET] });
 * if (!verified.ok) return res.writeHead(401).end();
 */
export function verifyWebhook(
  body: string | Uint8Array,
  headers: Headers,
  options: VerifyWebhookOptions,
): WebhookVerification {
  const id = headerOf(headers, 'webhook-id');
  const timestampText = headerOf(headers, 'webhook-timestamp');
  const signatures = headerOf(headers, 'webhook-signature');
  if (!id || !timestampText || !signatures)
    return { ok: false, reason: 'missing webhook-id, -timestamp or -signature' };
  if (!/^\d+$/.test(timestampText)) return { ok: false, reason: 'webhook-timestamp is not epoch seconds' };
  const timestamp = Number(timestampText);
  const tolerance = options.toleranceSeconds ?? 300;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  if (Math.abs(nowSeconds - timestamp) > tolerance)
    return { ok: false, reason: 'webhook-timestamp outside the tolerance' };
  const content = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), Buffer.from(body)]);
  const given = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  for (const secret of options.secrets) {
    const expected = createHmac('sha256', keyOf(secret)).update(content).digest();
    if (given.some((g) => g.length === expected.length && timingSafeEqual(g, expected)))
      return { ok: true, id, timestamp };
  }
  return { ok: false, reason: 'no signature matches a secret' };
}
