import type { BeforeCall } from './emitter-types.js';

/** The overrides OpenIM applies after this before-callback: none unless it was sent and let the operation go on. */
export function overridesOf(call: BeforeCall): Readonly<Record<string, unknown>> {
  return call.sent && call.outcome.result === 'continue' ? call.outcome.overrides : {};
}
