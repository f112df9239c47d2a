import { findCommand } from '../protocol/index.js';
import type { GoType } from '../protocol/index.js';

/** Splits `users[0].nickname` or `users.0.nickname` into its steps. */
function steps(path: string): string[] {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((step) => step !== '');
}

function typeAt(type: GoType, step: string): GoType | undefined {
  switch (type.kind) {
    case 'pointer':
      return typeAt(type.elem, step);
    case 'slice':
      return /^\d+$/.test(step) ? type.elem : undefined;
    case 'map':
      return type.elem;
    case 'struct':
      return type.fields.find((f) => f.name === step)?.type;
    default:
      return undefined;
  }
}

const isText = (type: GoType): boolean =>
  type.kind === 'string' || type.kind === 'bytes' || (type.kind === 'pointer' && isText(type.elem));

/**
 * `body` with the field at `path` set from command-line text: a string field takes the text as is (`null` for a nil
 * pointer), any other field takes it as JSON (`5`, `true`, `null`, `["a","b"]`, `{"title":"x"}`). Throws a RangeError
 * naming the path when the command's struct has no such field or the text is not JSON where JSON is needed.
 */
export function setRequestField(
  command: string,
  body: Record<string, unknown>,
  path: string,
  text: string,
): Record<string, unknown> {
  const info = findCommand(command);
  if (!info) throw new RangeError(`${command} is not an OpenIM callback command`);
  const parts = steps(path);
  let type: GoType | undefined = info.request;
  for (const step of parts) type = type && typeAt(type, step);
  if (!type || parts.length === 0) throw new RangeError(`${command} has no field ${path}`);
  let value: unknown = text;
  if (!isText(type) || (type.kind === 'pointer' && text === 'null')) {
    try {
      value = JSON.parse(text);
    } catch {
      throw new RangeError(`${path}: ${JSON.stringify(text)} is not JSON (a ${type.go} field)`);
    }
  }
  const next = structuredClone(body);
  let target: Record<string, unknown> | unknown[] = next;
  parts.forEach((step, i) => {
    const key = Array.isArray(target) ? Number(step) : step;
    if (i === parts.length - 1) return void ((target as Record<string, unknown>)[key] = value);
    const current = (target as Record<string, unknown>)[key];
    const child =
      typeof current === 'object' && current !== null ? current : /^\d+$/.test(parts[i + 1] ?? '') ? [] : {};
    (target as Record<string, unknown>)[key] = child;
    target = child as Record<string, unknown>;
  });
  return next;
}
