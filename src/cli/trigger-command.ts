import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { COMMANDS, describeFieldErrors, findCommand } from '../protocol/index.js';
import {
  createEmitter,
  exampleRequest,
  loadWebhooksConfig,
  newOperationId,
  resolveWebhooksConfig,
  setRequestField,
  simulateGroupChatCreation,
  simulateNotificationChatCreation,
  simulateSingleChatCreation,
  stopsOperation,
  unsendableFields,
} from '../emitter/index.js';
import type { Emitter, SimulationResult, SimulationStep, WebhooksConfig } from '../emitter/index.js';
import { didYouMean } from './did-you-mean.js';
import { afterModeOptions, collect, nonNegativeInteger, reliable, signing } from './emitter-options.js';
import type { EmitterCommandsOutput } from './emitter-options.js';
import { describeOutcome, listCommands, settle, succeeded } from './trigger-output.js';

const SIMULATIONS = ['single-chat', 'notification-chat', 'group-chat'] as const;

interface TriggerOptions {
  url?: string;
  config?: string;
  send?: string;
  recv?: string;
  group?: string;
  data?: string;
  set: string[];
  list: boolean;
  operationId?: string;
  timeout?: number;
  fixOpenimBugs: boolean;
  mode: string;
  queueFile: string;
  bodyHmacSecret: string[];
  json: boolean;
}

/** webhooks.yml from --config (its url replaced by --url if both are given), or every key enabled at --url. */
async function emitterConfig(
  options: TriggerOptions,
  output: EmitterCommandsOutput,
): Promise<WebhooksConfig> {
  if (options.config !== undefined) {
    const { config, warnings } = await loadWebhooksConfig(options.config);
    for (const warning of warnings) output.err(`warning: ${warning}\n`);
    return options.url === undefined ? config : { ...config, url: options.url };
  }
  if (options.url === undefined)
    throw new InvalidArgumentError('give --url <url> or --config <webhooks.yml>');
  return resolveWebhooksConfig({ url: options.url, enableAll: true, defaultTimeout: options.timeout ?? 5 });
}

function required(value: string | undefined, flag: string, what: string): string {
  if (value === undefined) throw new InvalidArgumentError(`${what} needs ${flag}`);
  return value;
}

async function simulate(what: string, emitter: Emitter, options: TriggerOptions): Promise<SimulationResult> {
  const operationID = options.operationId ?? newOperationId();
  switch (what) {
    case 'single-chat':
      return simulateSingleChatCreation(emitter, {
        sendID: required(options.send, '--send', what),
        recvID: required(options.recv, '--recv', what),
        operationID,
      });
    case 'notification-chat':
      return simulateNotificationChatCreation(emitter, {
        sendID: required(options.send, '--send', what),
        recvID: required(options.recv, '--recv', what),
        operationID,
      });
    default:
      return simulateGroupChatCreation(emitter, {
        groupID: required(options.group, '--group', what),
        operationID,
      });
  }
}

/** The request of one catalog command: its realistic default, then the keys of --data, then each --set. */
async function triggerBody(command: string, options: TriggerOptions, operationID: string) {
  let body = exampleRequest(command, operationID);
  if (options.data !== undefined) {
    const data = JSON.parse(await readFile(options.data, 'utf8')) as unknown;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new InvalidArgumentError(`${options.data}: expected a JSON object`);
    }
    body = { ...body, ...(data as Record<string, unknown>), callbackCommand: command };
  }
  for (const assignment of options.set) {
    const equals = assignment.indexOf('=');
    if (equals < 1) throw new InvalidArgumentError(`--set ${assignment}: use field=value`);
    try {
      body = setRequestField(command, body, assignment.slice(0, equals), assignment.slice(equals + 1));
    } catch (error) {
      throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
    }
  }
  // Refuse what OpenIM could never send; missing fields go out as zero values, unusual values are allowed.
  const wrong = unsendableFields(command, body);
  if (wrong.length > 0) throw new InvalidArgumentError(`${command}: ${describeFieldErrors(wrong)}`);
  return body;
}

/** One callback of any catalog command, with a realistic body (see triggerBody). */
async function triggerOne(
  command: string,
  emitter: Emitter,
  options: TriggerOptions,
): Promise<SimulationResult> {
  const info = findCommand(command);
  if (info === undefined) {
    const names = [...SIMULATIONS, ...COMMANDS.map((c) => c.command)];
    const guess = didYouMean(command, names);
    throw new InvalidArgumentError(
      `unknown command ${JSON.stringify(command)}${guess ? `; did you mean ${guess}?` : ''}: use ${SIMULATIONS.join(', ')} or a command of \`trigger --list\``,
    );
  }
  const operationID = options.operationId ?? newOperationId();
  const body = await triggerBody(info.command, options, operationID);
  const call =
    info.kind === 'before'
      ? await emitter.callBefore(command, body, operationID)
      : await emitter.callAfter(command, body, operationID);
  const step: SimulationStep = { label: info.kind, command, payload: body, call };
  const stopped = 'sent' in call && stopsOperation(call);
  const conversationId = typeof body['conversationId'] === 'string' ? body['conversationId'] : '';
  return { operationID, conversationId, steps: [step], stoppedAt: stopped ? step : null };
}

/** How long `trigger` waits for reliable mode's retries before leaving the rest to the next run. */
const RELIABLE_WAIT_MS = 30_000;

async function runTrigger(
  what: string | undefined,
  options: TriggerOptions,
  output: EmitterCommandsOutput,
): Promise<void> {
  if (options.list) return listCommands(output);
  if (what === undefined) throw new InvalidArgumentError('give <what> (or --list)');
  const config = await emitterConfig(options, output);
  const emitter = createEmitter({
    config,
    fixOpenimBugs: options.fixOpenimBugs,
    ...signing(options.bodyHmacSecret),
    ...(options.mode === 'reliable' ? { afterMode: await reliable(options.queueFile) } : {}),
  });
  try {
    const result = (SIMULATIONS as readonly string[]).includes(what)
      ? await simulate(what, emitter, options)
      : await triggerOne(what, emitter, options);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'pending'>(
      (resolve) => (timer = setTimeout(() => resolve('pending'), RELIABLE_WAIT_MS)),
    );
    const outcomes = await Promise.all(result.steps.map((step) => settle(step, deadline)));
    clearTimeout(timer);
    const failed = outcomes.some(
      (o) => o === 'dropped' || o === 'pending' || (typeof o === 'object' && !succeeded(o)),
    );
    if (options.json) {
      const steps = result.steps.map((step, i) => ({
        label: step.label,
        command: step.command,
        outcome: outcomes[i],
      }));
      const stoppedAt = result.stoppedAt?.label ?? null;
      output.out(
        `${JSON.stringify({ operationID: result.operationID, conversationId: result.conversationId, stoppedAt, steps }, null, 2)}\n`,
      );
    } else {
      result.steps.forEach((step, i) => output.out(describeOutcome(step, outcomes[i] ?? 'disabled')));
      if (result.stoppedAt) output.out(`stopped after ${result.stoppedAt.label}\n`);
    }
    if (failed) process.exitCode = 1;
  } finally {
    await emitter.close();
  }
}

/**
 * Adds `trigger`: the OpenIMServer side, to test a receiver without running OpenIM.
 *
 * @example
 * openim-hooks trigger single-chat --send alice --recv bob --url http://127.0.0.1:10006/callbackExample
 * openim-hooks trigger callbackAfterCreateGroupChatConversationsCommand --data group.json --config webhooks.yml
 */
export function registerTriggerCommand(program: Command, output: EmitterCommandsOutput): void {
  const trigger = program
    .command('trigger')
    .description(
      'send callbacks exactly as OpenIMServer does: single-chat | notification-chat | group-chat simulate a ' +
        "conversation's creation; any other <what> is a command name, sent once with a realistic body",
    )
    .argument('[what]', `${SIMULATIONS.join(' | ')} | <callback command>`)
    .option('--list', 'list the callback commands by area', false)
    .option('--url <url>', 'the webhooks.yml url (every callback enabled, timeout --timeout)')
    .option('--config <webhooks.yml>', "OpenIM's config/webhooks.yml (url, enable, timeout per key)")
    .option('--send <userID>', 'sender (single-chat, notification-chat)')
    .option('--recv <userID>', 'receiver (single-chat, notification-chat)')
    .option('--group <groupID>', 'group (group-chat)')
    .option('--data <file.json>', "fields of a <callback command>'s body, over its realistic default")
    .option(
      '--set <field=value>',
      'set one field of the body (repeatable; JSON for non-strings, users[0].nickname=x for nested)',
      collect,
      [] as string[],
    )
    .option('--operation-id <id>', 'operationID header (default: a fresh one; "" is sent as empty)')
    .option(
      '--timeout <seconds>',
      'timeout with --url (default 5, as in OpenIM; 0 = 15 s)',
      nonNegativeInteger,
    )
    .option('--fix-openim-bugs', 'send before(B) instead of before(A) again for single chats', false);
  afterModeOptions(trigger)
    .option('--json', 'print JSON', false)
    .action((what: string | undefined, options: TriggerOptions) => runTrigger(what, options, output));
}
