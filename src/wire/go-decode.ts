import type { GoType, ScalarType, StructType } from '../protocol/index.js';
import { jsonArrayItems, jsonObjectMembers } from './json-object-members.js';

/** Decoding stopped: the value of this JSON text cannot go into that Go type (Go's json.Unmarshal fails too). */
export class GoDecodeError extends Error {}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const INT_LITERAL = /^-?(0|[1-9]\d*)$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const RANGES: Record<string, readonly [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  int: [-(2n ** 63n), 2n ** 63n - 1n],
};

function mismatch(raw: string, type: GoType): never {
  throw new GoDecodeError(
    `cannot decode ${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw} into a Go value of type ${type.go}`,
  );
}

/** Go's case folding for field names, including its two special cases (long s, Kelvin sign). */
export function foldName(name: string): string {
  return name
    .replace(/\u017f/g, 's')
    .replace(/\u212a/g, 'k')
    .toLowerCase();
}

/** Go's zero value of a type, as its JSON would show it. */
export function goZero(type: GoType): unknown {
  switch (type.kind) {
    case 'struct':
      return Object.fromEntries(type.fields.map((f) => [f.name, goZero(f.type)]));
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'pointer':
    case 'slice':
    case 'map':
    case 'bytes':
      return null;
    default:
      return 0;
  }
}

function decodeScalar(type: ScalarType, raw: string): unknown {
  switch (type.kind) {
    case 'string':
      // Go decodes an escaped lone surrogate ("\ud800") to U+FFFD.
      if (!raw.startsWith('"')) mismatch(raw, type);
      return (JSON.parse(raw) as string).replace(LONE_SURROGATE, '\ufffd');
    case 'bool':
      if (raw !== 'true' && raw !== 'false') mismatch(raw, type);
      return raw === 'true';
    default: {
      const range = RANGES[type.kind];
      if (!range || !INT_LITERAL.test(raw)) mismatch(raw, type);
      const value = BigInt(raw);
      if (value < range[0] || value > range[1]) mismatch(raw, type);
      return Number(value); // "-0" is the integer 0
    }
  }
}

/**
 * One JSON value decoded into a Go value of `type` as json.Unmarshal does into a fresh variable: `null` leaves
 * pointers, slices, maps and []byte nil and anything else at its zero value; struct keys match case-insensitively
 * (an exact match first), unknown keys are ignored, the last matching key wins; a mismatch throws GoDecodeError.
 */
export function decodeGoValue(type: GoType, raw: string): unknown {
  if (raw === 'null') return goZero(type);
  switch (type.kind) {
    case 'pointer':
      return decodeGoValue(type.elem, raw);
    case 'slice':
      if (!raw.startsWith('[')) mismatch(raw, type);
      return jsonArrayItems(raw).map((item) => decodeGoValue(type.elem, item));
    case 'map': {
      if (!raw.startsWith('{')) mismatch(raw, type);
      const map: Record<string, unknown> = {};
      for (const { key, raw: item } of jsonObjectMembers(raw)) map[key] = decodeGoValue(type.elem, item);
      return map;
    }
    case 'bytes': {
      if (!raw.startsWith('"')) mismatch(raw, type);
      const text = JSON.parse(raw) as string;
      if (!BASE64.test(text.replace(/[\r\n]/g, ''))) mismatch(raw, type);
      return text;
    }
    case 'struct':
      return { ...(goZero(type) as object), ...decodeGoStruct(type, raw) };
    default:
      return decodeScalar(type, raw);
  }
}

/**
 * The members of a JSON object that land in fields of `type`, decoded, by field name (fields that were absent are
 * not in the result; a `null` for a pointer, slice or map is, as null). Throws GoDecodeError on the first mismatch,
 * whose verdict Go shares (it goes on decoding, then fails).
 */
export function decodeGoStruct(type: StructType, raw: string): Record<string, unknown> {
  if (!raw.startsWith('{')) mismatch(raw, type);
  const exact = new Map(type.fields.map((f) => [f.name, f]));
  const folded = new Map(type.fields.map((f) => [foldName(f.name), f]));
  const out: Record<string, unknown> = {};
  let firstError: GoDecodeError | undefined;
  for (const { key, raw: item } of jsonObjectMembers(raw)) {
    const field = exact.get(key) ?? folded.get(foldName(key));
    if (field === undefined) continue;
    // null into a non-pointer leaves what was there.
    if (item === 'null' && !['pointer', 'slice', 'map', 'bytes'].includes(field.type.kind)) continue;
    try {
      out[field.name] = decodeGoValue(field.type, item);
    } catch (error) {
      if (!(error instanceof GoDecodeError)) throw error;
      firstError ??= error;
    }
  }
  if (firstError) throw firstError;
  return out;
}
