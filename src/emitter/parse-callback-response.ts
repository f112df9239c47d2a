import type { FieldSpec, ResponsePackage } from '../protocol/index.js';
import { jsonObjectMembers } from './json-object-members.js';

export type ParsedCallbackResponse =
  | {
      readonly ok: true;
      readonly response: ResponsePackage;
      /** The override fields present with a non-null value (Go pointers that ended up non-nil). */
      readonly overrides: Readonly<Record<string, unknown>>;
    }
  | { readonly ok: false; readonly kind: 'response-format' | 'response-type'; readonly message: string };

/** One shared empty list: the field index is built once per list (after-callbacks have no overrides). */
const NO_OVERRIDES: readonly FieldSpec[] = Object.freeze([]);

const COMMON_FIELDS: readonly FieldSpec[] = [
  { name: 'actionCode', type: 'int32' },
  { name: 'errCode', type: 'int32' },
  { name: 'errMsg', type: 'string' },
  { name: 'errDlt', type: 'string' },
  { name: 'nextCode', type: 'int32' },
];

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const INT_LITERAL = /^-?(0|[1-9]\d*)$/;

/**
 * Decodes an answer the way OpenIM's `json.Unmarshal` into its response struct does (PROTOCOL.md §1.5): empty,
 * non-JSON, an array or a scalar is a format error; `null` and `{}` are success with every field zero; keys match
 * case-insensitively (an exact match first), unknown keys are ignored, the last matching key wins; a value of the
 * wrong type (`"nextCode": "0"`, `1.5`, beyond int32) is an error. `overrideSpecs` are the before-callback's pointer
 * fields: present and non-null means "apply".
 *
 * @example
 * parseCallbackResponse(Buffer.from('{"ACTIONCODE":0,"nextCode":1,"errCode":5001}'));
 * // { ok: true, response: { actionCode: 0, errCode: 5001, errMsg: '', errDlt: '', nextCode: 1 }, overrides: {} }
 */
export function parseCallbackResponse(
  body: Buffer | string,
  overrideSpecs: readonly FieldSpec[] = NO_OVERRIDES,
): ParsedCallbackResponse {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return {
      ok: false,
      kind: 'response-format',
      message: text.length === 0 ? 'empty body' : 'body is not JSON',
    };
  }
  const response: Record<string, unknown> = {
    actionCode: 0,
    errCode: 0,
    errMsg: '',
    errDlt: '',
    nextCode: 0,
  };
  const overrides: Record<string, unknown> = {};
  if (document === null) return { ok: true, response: response as unknown as ResponsePackage, overrides };
  if (typeof document !== 'object' || Array.isArray(document)) {
    return {
      ok: false,
      kind: 'response-format',
      message: `cannot decode a JSON ${Array.isArray(document) ? 'array' : typeof document} into the response`,
    };
  }
  const { exact, folded, pointers } = fieldIndex(overrideSpecs);
  let firstError: string | undefined;
  for (const { key, raw } of jsonObjectMembers(text)) {
    const spec = exact.get(key) ?? folded.get(foldName(key));
    if (spec === undefined) continue;
    const isPointer = pointers.has(spec.name);
    if (raw === 'null') {
      if (isPointer) delete overrides[spec.name];
      continue;
    }
    const value = decodeScalar(spec, raw);
    if (value === undefined) {
      firstError ??= `cannot decode ${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw} into field ${spec.name} of type ${spec.type}`;
      continue;
    }
    if (isPointer) overrides[spec.name] = value;
    else response[spec.name] = value;
  }
  if (firstError !== undefined) return { ok: false, kind: 'response-type', message: firstError };
  return { ok: true, response: response as unknown as ResponsePackage, overrides };
}

interface FieldIndex {
  readonly exact: ReadonlyMap<string, FieldSpec>;
  readonly folded: ReadonlyMap<string, FieldSpec>;
  readonly pointers: ReadonlySet<string>;
}

const INDEXES = new WeakMap<readonly FieldSpec[], FieldIndex>();

/** The response struct's fields by exact and by folded name, built once per override list. */
function fieldIndex(overrideSpecs: readonly FieldSpec[]): FieldIndex {
  let index = INDEXES.get(overrideSpecs);
  if (index === undefined) {
    const specs = [...COMMON_FIELDS, ...overrideSpecs];
    index = {
      exact: new Map(specs.map((spec) => [spec.name, spec])),
      folded: new Map(specs.map((spec) => [foldName(spec.name), spec])),
      pointers: new Set(overrideSpecs.map((spec) => spec.name)),
    };
    INDEXES.set(overrideSpecs, index);
  }
  return index;
}

/** Go's case folding for field names, including its two special cases (long s, Kelvin sign). */
function foldName(name: string): string {
  return name
    .replace(/\u017f/g, 's')
    .replace(/\u212a/g, 'k')
    .toLowerCase();
}

function decodeScalar(spec: FieldSpec, raw: string): unknown {
  switch (spec.type) {
    case 'string':
      // Go decodes an escaped lone surrogate ("\ud800") to U+FFFD.
      return raw.startsWith('"') ? (JSON.parse(raw) as string).replace(LONE_SURROGATE, '\ufffd') : undefined;
    case 'bool':
      return raw === 'true' ? true : raw === 'false' ? false : undefined;
    case 'int32': {
      if (!INT_LITERAL.test(raw)) return undefined;
      const value = Number(raw) || 0; // "-0" is the integer 0
      return value >= -(2 ** 31) && value <= 2 ** 31 - 1 ? value : undefined;
    }
  }
}
