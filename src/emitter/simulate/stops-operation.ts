import type { BeforeCall } from '../emitter-types.js';

/**
 * Whether the operation aborts after this before-callback. In openim mode any failure does, rejection, timeout and
 * undecodable answer alike, because HEAD no longer reads failedContinue (docs/protocol.md §1.6). A disabled key
 * never stops anything.
 */
export function stopsOperation(call: BeforeCall): boolean {
  return call.sent && !call.proceed;
}
