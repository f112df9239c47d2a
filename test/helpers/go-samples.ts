import type { GoType } from '../../src/protocol/index.js';

/** Strings Go's encoder treats specially: HTML characters, U+2028/2029, controls, Chinese, emoji, a lone surrogate. */
export const TRICKY = [
  'plain',
  '<script>alert("x&y")</script>',
  '你好，世界',
  'emoji 😀👨‍👩‍👧 flags 🇨🇳',
  'line\u2028separator\u2029paragraph',
  'controls \t\n\r\u0000\u0001\u001f\u007f',
  'quotes " and \\ backslash',
  'lone \ud800 surrogate',
  '{"text":"<b>double-encoded</b>"}',
];

const INT_SAMPLES: Record<string, readonly number[]> = {
  int32: [0, 1, -1, 2 ** 31 - 1, -(2 ** 31)],
  uint32: [0, 1, 2 ** 32 - 1, 7],
  // Exact in a double: beyond 2^53 a JSON number cannot survive JavaScript.
  int64: [0, -1, 1_767_225_600_123, 2 ** 53 - 1, -(2 ** 53 - 1)],
  int: [0, 1, 2 ** 53 - 1, -5],
};

/**
 * A deterministic value of `type` that exercises it (`n` picks among the variants): tricky strings, extreme
 * integers, nil and empty and full lists, nil pointers. `answer`: a value given to OpenIM (no nil pointers, since
 * leaving a field out says that; JSON-text fields hold objects).
 */
export function sampleValue(type: GoType, n: number, answer = false): unknown {
  switch (type.kind) {
    case 'string':
      return type.jsonText
        ? JSON.stringify({ content: TRICKY[n % TRICKY.length] })
        : TRICKY[n % TRICKY.length];
    case 'bool':
      return n % 2 === 0;
    case 'bytes':
      return Buffer.from(TRICKY[n % TRICKY.length] ?? '').toString('base64');
    case 'pointer':
      return !answer && n % 3 === 0 ? null : sampleValue(type.elem, n + 1, answer);
    case 'slice':
      if (!answer && n % 3 === 0) return null;
      return n % 3 === 1
        ? []
        : [sampleValue(type.elem, n + 1, answer), sampleValue(type.elem, n + 2, answer)];
    case 'map':
      return { a: sampleValue(type.elem, n, answer), b: sampleValue(type.elem, n + 1, answer) };
    case 'struct':
      return Object.fromEntries(type.fields.map((f, i) => [f.name, sampleValue(f.type, n + i, answer)]));
    default: {
      if (type.oneOf) return type.oneOf[n % type.oneOf.length];
      const samples = INT_SAMPLES[type.kind] ?? [0];
      return samples[n % samples.length];
    }
  }
}

/** A JSON value Go cannot decode into `type` (for a pointer: into what it points to). */
export function wrongValue(type: GoType): unknown {
  switch (type.kind) {
    case 'string':
    case 'bytes':
      return 12345;
    case 'bool':
      return 'true';
    case 'pointer':
      return wrongValue(type.elem);
    case 'slice':
    case 'map':
    case 'struct':
      return 'not a list or object';
    default:
      return '1';
  }
}
