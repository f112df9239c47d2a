import { createHash } from 'node:crypto';

/**
 * OpenIM sends no event id. An exact redelivery repeats command, operationID and body bytes, so their hash is the
 * key; two separate triggers that happen to send equal bodies still differ by operationID and are both kept.
 */
export function idempotencyKey(command: string, operationID: string, rawBody: Uint8Array): string {
  return createHash('sha256')
    .update(command)
    .update('\n')
    .update(operationID)
    .update('\n')
    .update(rawBody)
    .digest('hex');
}
