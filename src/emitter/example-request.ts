import { findCommand } from '../protocol/index.js';

/**
 * A realistic request of `command`, the emitter's default body: the spec's example, `callbackCommand` set, and an
 * `operationID` field (where the struct has one) equal to the header's, as OpenIM fills it from the same context.
 * Fields the example leaves out are Go's zero values when encoded.
 */
export function exampleRequest(command: string, operationID: string): Record<string, unknown> {
  const info = findCommand(command);
  if (!info) throw new RangeError(`${command} is not an OpenIM callback command`);
  const body: Record<string, unknown> = { callbackCommand: info.command, ...structuredClone(info.example) };
  if (info.request.fields.some((f) => f.name === 'operationID') && !('operationID' in info.example))
    body['operationID'] = operationID;
  return body;
}
