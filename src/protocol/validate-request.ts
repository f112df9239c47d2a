import { checkStruct } from './check-value.js';
import { findCommand } from './commands.js';
import type { FieldError } from './field-errors.js';

/**
 * Every field of a callback body that is missing or not of OpenIM's Go type, named as OpenIM spells it; extra fields
 * are not errors (a newer OpenIM may add some). Unknown commands have no fields to check.
 *
 * @example
 * validateRequest('callbackAfterQuitGroupCommand', { callbackCommand: 'callbackAfterQuitGroupCommand', groupID: 1 });
 * // [{ field: 'groupID', kind: 'type', reason: 'must be a string' }, { field: 'userID', kind: 'missing', … }]
 */
export function validateRequest(command: string, body: Readonly<Record<string, unknown>>): FieldError[] {
  const info = findCommand(command);
  return info ? checkStruct(info.request, body) : [];
}
