/**
 * A request with a before-callback's overrides applied, as OpenIM applies those of the conversation callbacks: each
 * present (Go's non-nil pointer) replaces the field of the same name.
 */
export function applyOverrides(
  request: Readonly<Record<string, unknown>>,
  overrides: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const next = { ...request };
  for (const [name, value] of Object.entries(overrides))
    if (name in next && value !== undefined) next[name] = value;
  return next;
}
