import type { Command } from 'commander';
import { PROCESS_OUTPUT } from './emitter-options.js';
import type { EmitterCommandsOutput } from './emitter-options.js';
import { registerLoadCommand } from './load-command.js';
import { registerTriggerCommand } from './trigger-command.js';

export type { EmitterCommandsOutput } from './emitter-options.js';

/** Adds `trigger` and `load`: the OpenIMServer side, to test a receiver without running OpenIM. */
export function registerEmitterCommands(
  program: Command,
  output: EmitterCommandsOutput = PROCESS_OUTPUT,
): void {
  registerTriggerCommand(program, output);
  registerLoadCommand(program, output);
}
