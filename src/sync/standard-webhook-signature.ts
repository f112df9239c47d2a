import { createHmac } from 'node:crypto';

/**
 * The `webhook-signature` header of the Standard Webhooks spec: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
 * one per secret, space-separated, so that a receiver rotating its secret accepts either. Secrets are `whsec_`
 * + base64 of the key bytes, as the spec's libraries expect.
 */
export function standardWebhookSignature(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): string {
  const content = `${id}.${timestampSeconds}.${body}`;
  return secrets
    .map((secret) => `v1,${createHmac('sha256', secretKey(secret)).update(content).digest('base64')}`)
    .join(' ');
}

export function secretKey(secret: string): Buffer {
  if (!secret.startsWith('whsec_')) throw new Error('a signing secret must look like whsec_<base64>');
  return Buffer.from(secret.slice('whsec_'.length), 'base64');
}
