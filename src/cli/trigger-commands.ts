import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { COMMANDS, describeFieldErrors, findCommand, validateRequest } from '../protocol/index.js';
import { signBody } from '../receiver/index.js';
import { resolveSetting } from '../service/index.js';
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
} from '../emitter/index.js';
import type {
  AfterModeFactory,
  CallbackOutcome,
  Emitter,
  SimulationResult,
  SimulationStep,
  WebhooksConfig,
} from '../emitter/index.js';
import { formatLoadReport, runLoad } from '../emitter/load/index.js';
import { didYouMean } from './did-you-mean.js';
import type { LoadOptions, LoadProgress } from '../emitter/load/index.js';

/** Where the commands write; the process's streams unless a test captures them. */
export interface EmitterCommandsOutput {
  out(text: string): void;
  err(text: string): void;
}

const PROCESS_OUTPUT: EmitterCommandsOutput = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

const DEFAULT_QUEUE_FILE = './data/emitter-outbox.db';

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

interface LoadCliOptions {
  maxErrors: number;
  url: string;
  rate: number;
  duration: number;
  connections: number;
  mode: string;
  queueFile: string;
  bodyHmacSecret: string[];
  command?: string;
  timeout?: number;
  max?: number;
  warmup?: number;
  json: boolean;
}

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('must be a positive number');
  return number;
}

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a positive integer');
  return Number(value);
}

function nonNegativeNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) {
    throw new InvalidArgumentError('must be a non-negative number');
  }
  return number;
}

function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a non-negative integer');
  return Number(value);
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
  // OpenIM's Go structs cannot hold a string where an int32 goes: refuse what OpenIM could never send. Missing
  // fields go out as zero values; unusual values of the right type (conversationType 2) are allowed.
  const wrong = validateRequest(command, body).filter(
    (e) => e.reason !== 'is required' && !e.reason.startsWith('must be one of'),
  );
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

/** `trigger --list`: every command by area, with its kind and webhooks.yml key. */
function listCommands(output: EmitterCommandsOutput): void {
  let area = '';
  for (const info of COMMANDS) {
    if (info.area !== area) output.out(`${area === '' ? '' : '\n'}${(area = info.area)}\n`);
    output.out(`  ${info.kind.padEnd(6)} ${info.command.padEnd(52)} ${info.configKey}\n`);
  }
}

/**
 * The receiver's body binding (`x-openim-hooks-signature`), signed afresh for every attempt. The secrets resolve
 * like the service's `bodyHmacSecrets` (the flag, else `OPENIM_HOOKS_BODY_HMAC_SECRETS`), so a secret need not
 * appear in the process list.
 */
function signing(given: readonly string[]): { attemptHeaders?: (body: Buffer) => readonly string[] } {
  const secrets = resolveSetting('bodyHmacSecrets', {
    flag: given.length > 0 ? [...given] : undefined,
    env: process.env,
  });
  if (secrets.length === 0) return {};
  return { attemptHeaders: (body) => Object.entries(signBody(secrets, body)).flat() };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Reliable mode (the store and the relay); the SQLite driver is loaded only when asked for. */
async function reliable(queueFile: string, workers?: number): Promise<AfterModeFactory> {
  await mkdir(dirname(queueFile), { recursive: true });
  const { reliableMode } = await import('../emitter/reliable/index.js');
  return reliableMode({ file: queueFile, ...(workers !== undefined ? { workers } : {}) });
}

/** The outcome of every step, after-callbacks once delivered (or their reason for not being sent). */
type StepOutcome = CallbackOutcome | 'disabled' | 'dropped' | 'pending' | `filtered: ${string}`;

/** How long `trigger` waits for reliable mode's retries before leaving the rest to the next run. */
const RELIABLE_WAIT_MS = 30_000;

async function settle(step: SimulationStep, deadline: Promise<'pending'>): Promise<StepOutcome> {
  const { call } = step;
  if ('sent' in call) {
    if (call.sent) return call.outcome;
    return call.reason === 'filtered' ? `filtered: ${call.detail ?? ''}` : call.reason;
  }
  if (call.queued) return Promise.race([call.delivered, deadline]);
  return call.reason === 'filtered' ? `filtered: ${call.detail ?? ''}` : call.reason;
}

function describeOutcome(step: SimulationStep, outcome: StepOutcome): string {
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
function succeeded(outcome: CallbackOutcome): boolean {
  const status = outcome.status ?? 0;
  return (
    outcome.result === 'continue' && status >= 200 && status < 300 && (outcome.response?.errCode ?? 0) === 0
  );
}

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

async function runLoadCommand(options: LoadCliOptions, output: EmitterCommandsOutput): Promise<void> {
  const command = options.command ?? 'callbackAfterCreateSingleChatConversationsCommand';
  const commands: readonly string[] = [
    'callbackAfterCreateSingleChatConversationsCommand',
    'callbackBeforeCreateSingleChatConversationsCommand',
    'callbackAfterCreateGroupChatConversationsCommand',
    'callbackBeforeCreateGroupChatConversationsCommand',
  ];
  if (!commands.includes(command))
    throw new InvalidArgumentError(`--command must be one of ${commands.join(', ')}`);
  const report = await runLoad({
    url: options.url,
    rate: options.rate,
    durationSeconds: options.duration,
    connections: options.connections,
    ...(options.mode === 'reliable'
      ? { afterMode: await reliable(options.queueFile, options.connections) }
      : {}),
    ...signing(options.bodyHmacSecret),
    command: command as NonNullable<LoadOptions['command']>,
    ...(options.timeout !== undefined ? { timeoutSeconds: options.timeout } : {}),
    ...(options.max !== undefined ? { maxCallbacks: options.max } : {}),
    ...(options.warmup !== undefined ? { warmupSeconds: options.warmup } : {}),
    // A person watching a terminal sees the run move; a pipe or a file gets only the report.
    ...(process.stderr.isTTY
      ? {
          onProgress: (p: LoadProgress) =>
            output.err(
              `${p.elapsedSeconds.toFixed(0)} s: ${p.scheduled} scheduled, ${p.answered} answered, backlog ${p.backlog}, dropped ${p.dropped}\n`,
            ),
        }
      : {}),
  });
  output.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatLoadReport(report)}\n`);
  // Every callback that was not plainly a success: errors of any kind, rejections, drops, unfinished ones, and
  // answers with a non-2xx status (a callback refused with a 404 package still "continues" for OpenIM).
  const non2xx = Object.entries(report.statuses)
    .filter(([status]) => !/^2\d\d$/.test(status))
    .reduce((sum, [, count]) => sum + count, 0);
  const failures =
    report.rejected +
    report.dropped +
    report.unfinished +
    non2xx +
    Object.values(report.errors).reduce((a, b) => a + b, 0);
  if (failures > options.maxErrors) {
    output.err(
      `load: ${failures} failed or dropped callbacks, more than --max-errors ${options.maxErrors}\n`,
    );
    process.exitCode = 1;
  }
}

/**
 * Adds `trigger` and `load`: the OpenIMServer side, to test a receiver without running OpenIM.
 *
 * @example
 * openim-hooks trigger single-chat --send alice --recv bob --url http://127.0.0.1:10006/callbackExample
 * openim-hooks trigger callbackAfterCreateGroupChatConversationsCommand --data group.json --config webhooks.yml
 * openim-hooks load --url http://127.0.0.1:10006/callbackExample --rate 2000 --duration 10 --connections 8
 */
/** How after-callbacks go out (`trigger` and `load` alike): OpenIM's way or reliable mode, and their signing. */
function deliveryOptions(command: Command): Command {
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

export function registerEmitterCommands(
  program: Command,
  output: EmitterCommandsOutput = PROCESS_OUTPUT,
): void {
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
  deliveryOptions(trigger)
    .option('--json', 'print JSON', false)
    .action((what: string | undefined, options: TriggerOptions) => runTrigger(what, options, output));

  const load = program
    .command('load')
    .description(
      'open-loop load of unique conversation callbacks; reports rate, latency percentiles, errors, drops',
    )
    .requiredOption('--url <url>', 'the webhooks.yml url')
    .requiredOption('--rate <perSecond>', 'callbacks per second', positiveNumber)
    .requiredOption('--duration <seconds>', 'how long to schedule callbacks', positiveNumber)
    .option('--connections <n>', 'concurrent connections', positiveInteger, 8);
  deliveryOptions(load)
    .option('--command <command>', 'callback command (default the single chat after-callback)')
    .option('--timeout <seconds>', 'per-callback timeout (default 5; 0 = 15 s)', nonNegativeInteger)
    .option('--max <n>', 'at most this many callbacks', positiveInteger)
    .option(
      '--warmup <seconds>',
      'load at the same rate first, left out of the report (default 0)',
      nonNegativeNumber,
    )
    .option(
      '--max-errors <n>',
      'exit 1 when more callbacks than this fail or are dropped (default 0)',
      nonNegativeInteger,
      0,
    )
    .option('--json', 'print JSON', false)
    .action((options: LoadCliOptions) => runLoadCommand(options, output));
}
