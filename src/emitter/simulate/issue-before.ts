import type { BeforeCall, Emitter } from '../emitter-types.js';
import type { SimulationStep } from './simulation-types.js';

/** Sends a before-callback for `conversation`, records it as a step and returns its judgement. */
export async function issueBefore(
  emitter: Emitter,
  steps: SimulationStep[],
  label: string,
  command: string,
  conversation: Readonly<Record<string, unknown>>,
  operationID: string,
): Promise<BeforeCall> {
  const payload = { callbackCommand: command, ...conversation };
  const call = await emitter.callBefore(command, payload, operationID);
  steps.push({ label, command, payload, call });
  return call;
}
