import { OVERRIDE_FIELD_SPECS } from '../protocol/index.js';

/** The conversation with a before-callback's overrides applied (only those present, as Go's nil-pointer checks). */
export function applyOverrides(
  conversation: Readonly<Record<string, unknown>>,
  overrides: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const next = { ...conversation };
  for (const { name } of OVERRIDE_FIELD_SPECS) {
    if (overrides[name] !== undefined) next[name] = overrides[name];
  }
  return next;
}
