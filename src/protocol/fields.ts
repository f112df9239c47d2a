import type { FieldError } from './field-errors.js';

/**
 * The wire type of one field. Go's encoder writes int32 as a JSON integer and bool as true/false, so anything else
 * (a string "1", 1.5, 2^31) was not written by OpenIM.
 */
export type FieldSpec =
  | { readonly name: string; readonly type: 'string' }
  | { readonly name: string; readonly type: 'bool' }
  | { readonly name: string; readonly type: 'int32'; readonly oneOf?: readonly number[] };

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function checkField(spec: FieldSpec, value: unknown): string | undefined {
  if (value === undefined) return 'is required';
  switch (spec.type) {
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'must be a boolean';
    case 'int32':
      if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be an integer';
      if (value < INT32_MIN || value > INT32_MAX) return 'must be in the int32 range';
      if (spec.oneOf && !spec.oneOf.includes(value)) return `must be one of ${spec.oneOf.join(', ')}`;
      return undefined;
  }
}

/** Every field of `specs` that `body` lacks or carries with the wrong type; extra fields are not errors. */
export function checkFields(
  specs: readonly FieldSpec[],
  body: Readonly<Record<string, unknown>>,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const spec of specs) {
    const reason = checkField(spec, body[spec.name]);
    if (reason) errors.push({ field: spec.name, reason });
  }
  return errors;
}
