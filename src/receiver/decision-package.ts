import {
  buildAnswerFields,
  continueResponse,
  describeFieldErrors,
  rejectResponse,
} from '../protocol/index.js';
import type { CommandInfo, ResponsePackage } from '../protocol/index.js';
import type { Decision } from './handlers.js';

/**
 * The package a handler's decision becomes: continue with the answer fields OpenIM applies (checked, and with the
 * fields it copies back filled from the request), or the rejection. Anything OpenIM could not take is a failure of
 * the handler, answered as such rather than sent.
 */
export function decisionPackage(
  spec: CommandInfo,
  request: Readonly<Record<string, unknown>>,
  decision: Decision | void,
): { ok: true; pkg: ResponsePackage } | { ok: false; detail: string } {
  if (decision && decision.action === 'reject') {
    try {
      return { ok: true, pkg: rejectResponse(decision) };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }
  // After-callbacks have no answer fields: OpenIM reads only the package.
  if (spec.kind === 'after') return { ok: true, pkg: continueResponse() };
  const overrides = (decision?.overrides ?? {}) as Readonly<Record<string, unknown>>;
  const built = buildAnswerFields(spec, request, overrides);
  if (!built.ok) return { ok: false, detail: `invalid overrides: ${describeFieldErrors(built.errors)}` };
  return { ok: true, pkg: continueResponse(built.fields) };
}
