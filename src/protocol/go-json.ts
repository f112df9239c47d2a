import { compareGoStrings } from './conversation-id.js';
import { writtenFields } from './go-types.js';
import type { GoType, StructType } from './go-types.js';

/**
 * JSON exactly as Go's `json.NewEncoder(w).Encode(v)` writes it, which is how OpenIMServer writes every callback body
 * (docs/protocol.md §1.3):
 * - a struct's fields in declaration order, every field present (no `omitempty` anywhere in OpenIM's callback
 *   structs): give the struct's type; a missing field is written as its zero value (`""`, `0`, `false`, `null` for
 *   pointers, slices and maps); the fields of an embedded nil pointer are all left out; unknown fields are dropped;
 * - `undefined` and `null` are written as `null` (Go's nil slice or nil pointer), `[]` as `[]`; map keys sorted;
 * - HTML escaping on: `<` `>` `&` become `\u003c` `\u003e` `\u0026`; U+2028 and U+2029 are escaped too;
 * - a lone surrogate becomes U+FFFD, as Go does with a `"\ud800"` it decoded (Go writes the raw character);
 * - a trailing newline.
 *
 * Objects without a type keep their own key order, like a struct declared in that order.
 *
 * @example
 * encodeGoJson({ b: '<x>', a: 1 }, struct('T', { a: int32, b: goString }));
 * // '{"a":1,"b":"\\u003cx\\u003e"}\n'
 */
export function encodeGoJson(value: unknown, type?: StructType, options: GoJsonOptions = {}): string {
  const escapes = options.goBefore122 ? LEGACY_ESCAPES : MODERN_ESCAPES;
  if (type !== undefined) {
    if (!isPlainObject(value)) throw new TypeError('a struct type needs an object to encode');
    return `${encodeStruct(value, type, escapes)}\n`;
  }
  return `${encodeValue(value, escapes)}\n`;
}

export interface GoJsonOptions {
  /**
   * Write `\b` and `\f` as `\u0008` and `\u000c`, as Go did before 1.22. OpenIMServer is built with a newer Go, so
   * the default is the short form; the option exists to compare with an older local `go`.
   */
  readonly goBefore122?: boolean;
}

/** A JSON string literal exactly as Go's encoder writes it (HTML escaping on). */
export function goJsonString(text: string, options: GoJsonOptions = {}): string {
  return quote(text, options.goBefore122 ? LEGACY_ESCAPES : MODERN_ESCAPES);
}

type Escapes = readonly string[];

function buildEscapes(shortBackspace: boolean): Escapes {
  const table: string[] = [];
  for (let code = 0; code < 0x20; code += 1) table[code] = `\\u00${code.toString(16).padStart(2, '0')}`;
  table[0x09] = '\\t';
  table[0x0a] = '\\n';
  table[0x0d] = '\\r';
  if (shortBackspace) {
    table[0x08] = '\\b';
    table[0x0c] = '\\f';
  }
  table[0x22] = '\\"';
  table[0x5c] = '\\\\';
  table[0x3c] = '\\u003c';
  table[0x3e] = '\\u003e';
  table[0x26] = '\\u0026';
  table[0x2028] = '\\u2028';
  table[0x2029] = '\\u2029';
  return table;
}

const MODERN_ESCAPES = buildEscapes(true);
const LEGACY_ESCAPES = buildEscapes(false);

// Everything that is not written as is: controls, " \ < > &, U+2028/2029 and surrogates (checked for pairing).
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\u0000-\u001f"\\<>&\u2028\u2029\ud800-\udfff]/;

function quote(text: string, escapes: Escapes): string {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  let out = '"';
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    let replacement: string | undefined;
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i += 1; // a valid pair: written as is
        continue;
      }
      replacement = '\ufffd';
    } else {
      replacement = escapes[code];
    }
    if (replacement === undefined) continue;
    out += text.slice(start, i) + replacement;
    start = i + 1;
  }
  return `${out}${text.slice(start)}"`;
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` as Go writes a field of `type`; a missing value is the zero value, a value of another shape is written as is. */
function encodeTyped(type: GoType, value: unknown, escapes: Escapes): string {
  if (value === undefined) return encodeZero(type, escapes);
  switch (type.kind) {
    case 'struct':
      return isPlainObject(value) ? encodeStruct(value, type, escapes) : encodeValue(value, escapes);
    case 'pointer':
      return value === null ? 'null' : encodeTyped(type.elem, value, escapes);
    case 'slice':
      return Array.isArray(value)
        ? `[${value.map((item: unknown) => encodeTyped(type.elem, item, escapes)).join(',')}]`
        : encodeValue(value, escapes);
    case 'map': {
      if (!isPlainObject(value)) return encodeValue(value, escapes);
      const keys = Object.keys(value).sort(compareGoStrings);
      return `{${keys.map((key) => `${quote(key, escapes)}:${encodeTyped(type.elem, value[key], escapes)}`).join(',')}}`;
    }
    default:
      return encodeValue(value, escapes);
  }
}

function encodeZero(type: GoType, escapes: Escapes): string {
  switch (type.kind) {
    case 'struct':
      return encodeStruct({}, type, escapes);
    case 'string':
      return '""';
    case 'bool':
      return 'false';
    case 'pointer':
    case 'slice':
    case 'map':
    case 'bytes':
      return 'null';
    default:
      return '0';
  }
}

function encodeStruct(value: Readonly<Record<string, unknown>>, type: StructType, escapes: Escapes): string {
  const parts: string[] = [];
  for (const field of writtenFields(type, value))
    parts.push(`${quote(field.name, escapes)}:${encodeTyped(field.type, value[field.name], escapes)}`);
  return `{${parts.join(',')}}`;
}

function encodeNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`json: unsupported value: ${value}`);
  // -0 is an integer zero to Go's int fields, the only numbers in OpenIM's callback structs.
  if (value === 0) return '0';
  // Go's float64 format switches to exponent form at the same bounds as JavaScript (1e-6, 1e21) and writes the
  // exponent the same way ("1e+21", "1e-7").
  return String(value);
}

function encodeValue(value: unknown, escapes: Escapes): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return quote(value, escapes);
    case 'number':
      return encodeNumber(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value))
        return `[${value.map((item: unknown) => encodeValue(item, escapes)).join(',')}]`;
      const parts: string[] = [];
      for (const [key, field] of Object.entries(value))
        parts.push(`${quote(key, escapes)}:${encodeValue(field, escapes)}`);
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TypeError(`json: unsupported type: ${typeof value}`);
  }
}
