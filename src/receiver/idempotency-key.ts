import { createHash, hash } from 'node:crypto';

/**
 * OpenIM sends no event id. An exact redelivery repeats command, operationID and body bytes, so their hash is the
 * key; two separate triggers that happen to send equal bodies still differ by operationID and are both kept.
 */
export function idempotencyKey(command: string, operationID: string, rawBody: Uint8Array): string {
  const bytes = Buffer.concat([Buffer.from(`${command}\n${operationID}\n`, 'utf8'), rawBody]);
  // One call for the whole digest where Node has it (20.12+): this runs for every callback.
  return typeof hash === 'function'
    ? hash('sha256', bytes, 'hex')
    : createHash('sha256').update(bytes).digest('hex');
}
