import type { ErrorName } from '../protocol/index.js';

export type ParseResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; error: Extract<ErrorName, 'INVALID_JSON' | 'FORBIDDEN_KEY'>; detail: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

class ForbiddenKeyError extends Error {}

function refuseForbiddenKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || key === 'constructor') throw new ForbiddenKeyError(key);
  return value;
}

/**
 * Decodes strict UTF-8 and parses one JSON object, refusing `__proto__` and `constructor` keys anywhere (prototype
 * poisoning). The reviver that looks for them costs time, so it only runs when the text could hold one: when it
 * contains either name or any `\u` escape that could spell it.
 */
export function parseJsonObject(bytes: Uint8Array): ParseResult {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, error: 'INVALID_JSON', detail: 'body is not valid UTF-8' };
  }
  const suspicious = text.includes('__proto__') || text.includes('constructor') || text.includes('\\u');
  let value: unknown;
  try {
    value = suspicious ? JSON.parse(text, refuseForbiddenKeys) : JSON.parse(text);
  } catch (error) {
    if (error instanceof ForbiddenKeyError) {
      return {
        ok: false,
        error: 'FORBIDDEN_KEY',
        detail: `key ${JSON.stringify(error.message)} is not allowed`,
      };
    }
    return {
      ok: false,
      error: 'INVALID_JSON',
      detail: error instanceof Error ? error.message : String(error),
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'INVALID_JSON', detail: 'body must be a JSON object' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
