import { COMMANDS } from '../protocol/index.js';
import type { CallbackOutcome, SimulationStep } from '../emitter/index.js';
import type { EmitterCommandsOutput } from './emitter-options.js';

/** The outcome of every step, after-callbacks once delivered (or their reason for not being sent). */
export type StepOutcome = CallbackOutcome | 'disabled' | 'dropped' | 'pending' | `filtered: ${string}`;

export async function settle(step: SimulationStep, deadline: Promise<'pending'>): Promise<StepOutcome> {
  const { call } = step;
  if ('sent' in call) {
    if (call.sent) return call.outcome;
    return call.reason === 'filtered' ? `filtered: ${call.detail ?? ''}` : call.reason;
  }
  if (call.queued) return Promise.race([call.delivered, deadline]);
  return call.reason === 'filtered' ? `filtered: ${call.detail ?? ''}` : call.reason;
}

export function describeOutcome(step: SimulationStep, outcome: StepOutcome): string {
  if (outcome === 'disabled') return `${step.label}  ${step.command}: not sent, its key is not enabled\n`;
  if (outcome === 'dropped') return `${step.label}  ${step.command}: dropped, the after-queue stayed full\n`;
  if (outcome === 'pending')
    return `${step.label}  ${step.command}: still being retried, kept in the queue file\n`;
  if (typeof outcome === 'string') {
    return `${step.label}  ${step.command}: not sent, OpenIM filters it out (${outcome.slice(10)})\n`;
  }
  const answer =
    outcome.status === null
      ? `no answer after ${outcome.durationMs.toFixed(1)} ms`
      : `${outcome.status} in ${outcome.durationMs.toFixed(1)} ms: ${outcome.responseBody ?? ''}`;
  const verdict =
    outcome.result === 'continue'
      ? 'continue'
      : `${outcome.result} (${outcome.errorKind ?? ''}${outcome.errorMessage ? `: ${outcome.errorMessage}` : ''})`;
  return [
    `${step.label}  POST ${outcome.target}  operationID ${JSON.stringify(outcome.operationID)}`,
    `  request  ${outcome.requestBody.trimEnd()}`,
    `  answer   ${answer.trimEnd()}`,
    `  result   ${verdict}`,
    '',
  ].join('\n');
}

/**
 * The expected success: OpenIM would go on, and the answer says so plainly (a 2xx status, errCode 0). OpenIM itself
 * ignores the status, so a 404 or 401 package with nextCode 0 "continues" there; for a test it is a failure.
 */
export function succeeded(outcome: CallbackOutcome): boolean {
  const status = outcome.status ?? 0;
  return (
    outcome.result === 'continue' && status >= 200 && status < 300 && (outcome.response?.errCode ?? 0) === 0
  );
}

/** `trigger --list`: every command by area, with its kind and webhooks.yml key. */
export function listCommands(output: EmitterCommandsOutput): void {
  let area = '';
  for (const info of COMMANDS) {
    if (info.area !== area) output.out(`${area === '' ? '' : '\n'}${(area = info.area)}\n`);
    output.out(`  ${info.kind.padEnd(6)} ${info.command.padEnd(52)} ${info.configKey}\n`);
  }
}
