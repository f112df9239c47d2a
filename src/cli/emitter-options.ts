import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import type { AfterModeFactory } from '../emitter/index.js';
import { signBody } from '../receiver/index.js';
import { resolveSetting } from '../service/index.js';

/** Where the commands write; the process's streams unless a test captures them. */
export interface EmitterCommandsOutput {
  out(text: string): void;
  err(text: string): void;
}

export const PROCESS_OUTPUT: EmitterCommandsOutput = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

const DEFAULT_QUEUE_FILE = './data/emitter-outbox.db';

export function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('must be a positive number');
  return number;
}

export function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a positive integer');
  return Number(value);
}

export function nonNegativeNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) {
    throw new InvalidArgumentError('must be a non-negative number');
  }
  return number;
}

export function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a non-negative integer');
  return Number(value);
}

/**
 * The receiver's body binding (`x-openim-hooks-signature`), signed afresh for every attempt. The secrets resolve
 * like the service's `bodyHmacSecrets` (the flag, else `OPENIM_HOOKS_BODY_HMAC_SECRETS`), so a secret need not
 * appear in the process list.
 */
export function signing(given: readonly string[]): { attemptHeaders?: (body: Buffer) => readonly string[] } {
  const secrets = resolveSetting('bodyHmacSecrets', {
    flag: given.length > 0 ? [...given] : undefined,
    env: process.env,
  });
  if (secrets.length === 0) return {};
  return { attemptHeaders: (body) => Object.entries(signBody(secrets, body)).flat() };
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Reliable mode (the store and the relay); the SQLite driver is loaded only when asked for. */
export async function reliable(queueFile: string, workers?: number): Promise<AfterModeFactory> {
  await mkdir(dirname(queueFile), { recursive: true });
  const { reliableMode } = await import('../emitter/reliable/index.js');
  return reliableMode({ file: queueFile, ...(workers !== undefined ? { workers } : {}) });
}

/** How after-callbacks go out (`trigger` and `load` alike): OpenIM's way or reliable mode, and their signing. */
export function afterModeOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--mode <mode>',
        'openim: like OpenIM; reliable: a durable outbox and the relay, retries, failedContinue honoured',
      )
        .choices(['openim', 'reliable'])
        .default('openim'),
    )
    .option('--queue-file <path>', "reliable mode's outbox (a SQLite file)", DEFAULT_QUEUE_FILE)
    .option(
      '--body-hmac-secret <secret>',
      "sign each attempt for the receiver's bodyHmacSecrets (repeatable; default $OPENIM_HOOKS_BODY_HMAC_SECRETS; OpenIM never signs)",
      collect,
      [] as string[],
    );
}
