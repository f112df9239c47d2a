import { validateRequest } from '../protocol/index.js';
import type { FieldError } from '../protocol/index.js';

/**
 * The fields of a body OpenIM could never send for `command`: a value its Go struct cannot hold (a string where an
 * int32 goes, a number out of range). Missing fields are not among them (they go out as Go's zero values), nor are
 * undocumented values of the right type (`conversationType: 2`): a test may want to send those.
 *
 * @example
 * unsendableFields('callbackAfterQuitGroupCommand', { callbackCommand: 'callbackAfterQuitGroupCommand', groupID: 1 });
 * // [{ field: 'groupID', kind: 'type', reason: 'must be a string' }]
 */
export function unsendableFields(command: string, body: Readonly<Record<string, unknown>>): FieldError[] {
  return validateRequest(command, body).filter((e) => e.kind === 'type' || e.kind === 'range');
}
