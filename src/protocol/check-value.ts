import type { FieldError, FieldErrorKind } from './field-errors.js';
import { writtenFields } from './go-types.js';
import type { GoType, ScalarType, StructType } from './go-types.js';

const RANGES = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  // As doubles: 2^63 itself is out of range; precision beyond 2^53 is already lost by JSON.parse.
  int64: [-(2 ** 63), 2 ** 63 - 1],
  int: [-(2 ** 63), 2 ** 63 - 1],
} as const;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type Failure = readonly [FieldErrorKind, string];

function scalarFailure(type: ScalarType, value: unknown): Failure | undefined {
  switch (type.kind) {
    case 'string':
      return typeof value === 'string' ? undefined : ['type', 'must be a string'];
    case 'bool':
      return typeof value === 'boolean' ? undefined : ['type', 'must be a boolean'];
    default: {
      if (typeof value !== 'number' || !Number.isInteger(value)) return ['type', 'must be an integer'];
      const [min, max] = RANGES[type.kind];
      if (value < min || value > max) return ['range', `must be in the ${type.kind} range`];
      if (type.oneOf && !type.oneOf.includes(value))
        return ['undocumented', `must be one of ${type.oneOf.join(', ')}`];
      return undefined;
    }
  }
}

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `request`: a body as OpenIM sends it, every field present (its structs have no `omitempty`) except those of an
 * embedded nil pointer. `answer`: fields we send OpenIM, which Go zero-fills when absent, except pointers it
 * dereferences unchecked (`mustSet`); a JSON-text field must then hold a JSON object, as OpenIM checks for `content`.
 */
export type CheckMode = 'request' | 'answer';

const isJsonObjectText = (text: string): boolean => {
  try {
    return isObject(JSON.parse(text));
  } catch {
    return false;
  }
};

/**
 * Every way `value` is not what Go's encoder writes for `type`, with the path of each failing field as OpenIM spells
 * it (`users[0].nickname`, `offlinePushInfo.title`); extra fields are not errors.
 */
export function checkValue(
  type: GoType,
  value: unknown,
  path: string,
  errors: FieldError[],
  mode: CheckMode = 'request',
): void {
  const fail = (reason: string, kind: FieldErrorKind = 'type') =>
    void errors.push({ field: path, kind, reason });
  if (value === undefined) return fail('is required', 'missing');
  switch (type.kind) {
    case 'pointer':
      if (value === null && type.mustSet && mode === 'answer')
        return fail('is required: OpenIM dereferences it', 'missing');
      if (value !== null) checkValue(type.elem, value, path, errors, mode);
      return;
    case 'slice':
      if (value === null) return;
      if (!Array.isArray(value)) return fail('must be an array or null');
      value.forEach((item: unknown, i) => checkValue(type.elem, item, `${path}[${i}]`, errors, mode));
      return;
    case 'map':
      if (value === null) return;
      if (!isObject(value)) return fail('must be an object or null');
      for (const [key, item] of Object.entries(value))
        checkValue(type.elem, item, `${path}.${key}`, errors, mode);
      return;
    case 'bytes':
      if (value !== null && (typeof value !== 'string' || !BASE64.test(value)))
        fail('must be base64 text or null');
      return;
    case 'struct':
      if (!isObject(value)) return fail('must be an object');
      checkStruct(type, value, `${path}.`, errors, mode);
      return;
    default: {
      const failure = scalarFailure(type, value);
      if (failure) return fail(failure[1], failure[0]);
      if (type.jsonText && mode === 'answer' && !isJsonObjectText(value as string))
        fail('must be a JSON object as text (OpenIM refuses anything else)');
    }
  }
}

/** As checkValue, for the fields of a struct (paths after `prefix`). */
export function checkStruct(
  type: StructType,
  body: Readonly<Record<string, unknown>>,
  prefix = '',
  errors: FieldError[] = [],
  mode: CheckMode = 'request',
): FieldError[] {
  for (const field of writtenFields(type, body)) {
    const value = body[field.name];
    const optional = mode === 'answer' && !(field.type.kind === 'pointer' && field.type.mustSet);
    if (value === undefined && optional) continue;
    checkValue(field.type, value, `${prefix}${field.name}`, errors, mode);
  }
  return errors;
}
