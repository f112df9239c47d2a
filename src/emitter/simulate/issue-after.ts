import type { Emitter } from '../emitter-types.js';
import type { SimulationStep } from './simulation-types.js';

/** Queues an after-callback for `conversation` (OpenIM does not wait for it) and records it as a step. */
export async function issueAfter(
  emitter: Emitter,
  steps: SimulationStep[],
  label: string,
  command: string,
  conversation: Readonly<Record<string, unknown>>,
  operationID: string,
): Promise<void> {
  const payload = { callbackCommand: command, ...conversation };
  steps.push({ label, command, payload, call: await emitter.callAfter(command, payload, operationID) });
}
