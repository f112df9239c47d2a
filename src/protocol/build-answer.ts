import { checkValue } from './check-value.js';
import type { CallbackSpec } from './callbacks/callback-spec.js';
import type { CommandInfo } from './commands.js';
import type { FieldError } from './field-errors.js';

export type AnswerFields =
  | { readonly ok: true; readonly fields: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

/**
 * The fields a before-callback's answer carries beyond the common package, from a handler's overrides: each must be
 * one OpenIM applies for this command and of its Go type (`content` a JSON object as text). The fields OpenIM copies
 * back unconditionally (`echo`) are filled from the request where the overrides leave them out, so that omitting
 * `groupID` cannot break the update; fields OpenIM writes through a pointer of the request may not be overridden
 * while that pointer is nil (`setOnlyIfSent`), or OpenIM would panic.
 */
export function buildAnswerFields(
  spec: CommandInfo,
  request: Readonly<Record<string, unknown>>,
  overrides: Readonly<Record<string, unknown>>,
): AnswerFields {
  const { answer, ignored = [], echo = [], setOnlyIfSent = [] }: CallbackSpec = spec;
  const errors: FieldError[] = [];
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const field = answer?.fields.find((f) => f.name === name);
    if (!field || ignored.includes(name)) {
      errors.push({
        field: name,
        kind: 'not-applied',
        reason: `OpenIM does not apply it for ${spec.command}`,
      });
      continue;
    }
    if (setOnlyIfSent.includes(name) && (request[name] ?? null) === null) {
      errors.push({
        field: name,
        kind: 'not-applied',
        reason: 'is null in the request: OpenIM would dereference nil',
      });
      continue;
    }
    checkValue(field.type, value, name, errors, 'answer');
    fields[name] = value;
  }
  if (errors.length > 0) return { ok: false, errors };
  for (const name of echo) if (!(name in fields)) fields[name] = request[name];
  return { ok: true, fields };
}
