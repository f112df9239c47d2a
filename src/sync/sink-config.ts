import { isCallbackCommand } from '../protocol/index.js';
import { DEFAULT_RETRY_SCHEDULE_MS, parseDuration } from './retry-schedule.js';
import { messageOf } from './sink.js';

/** One sink as configured: a name, where it delivers, what it takes, how it retries. */
export interface SinkConfig {
  name: string;
  /**
   * `http(s)://…` (the envelope, signed), `openim+http(s)://…` (the callback re-posted as OpenIM posts it, to
   * `base + "/" + command`), `nats://…` or `redis://…`: the scheme picks the kind.
   */
  url: string;
  /** Only these commands; absent = every command. */
  commands?: string[];
  /** HTTP: Standard Webhooks secrets (`whsec_…`), several during a rotation. */
  secrets?: string[];
  /** HTTP: send without a signature on purpose; otherwise a sink without secrets gets one generated and kept. */
  unsigned?: boolean;
  /** HTTP and OpenIM-format: per attempt, ms. Default 15 s. Written like OpenIM's webhooks.yml: a bare number is seconds. */
  timeoutMs?: number;
  /**
   * How long a delivery this instance claimed stays its own before another instance may take it (when this one
   * died), ms. Longer than an attempt can last. Default: the timeout (15 s if not set) plus 30 s.
   */
  leaseMs?: number;
  /** Delays before each retry, ms. Default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
  retrySchedule: number[];
  concurrency?: number;
  /** NATS: subject, `{command}` is replaced; default `openim.{command}`. */
  subject?: string;
  /** NATS: JetStream stream name; Redis: stream key (default `openim:events`). */
  stream?: string;
  /** NATS: create the stream if it does not exist. */
  createStream?: boolean;
  /** Redis: XADD MAXLEN ~ cap. */
  maxLen?: number;
  /** Redis: a consumer group to keep in existence. */
  group?: string;
  /** Also forward callbacks recorded invalid (they fail OpenIM's types); default false. */
  invalidEvents?: boolean;
}

export class SinkConfigError extends Error {}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

function fail(where: string, message: string): never {
  throw new SinkConfigError(`sink ${where}: ${message}`);
}

function stringList(where: string, key: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    fail(where, `${key} must be a list of strings`);
  return value as string[];
}

/** `openim+http(s)://`: the sink re-posts callbacks as OpenIM does (openim-format-sink.ts). */
export function isOpenimFormatUrl(url: string): boolean {
  return /^openim\+https?:\/\//.test(url);
}

/** Why an OpenIM-format sink takes no secrets. */
export const OPENIM_FORMAT_UNSIGNED =
  'secrets sign the envelope of http(s):// sinks; an openim+ sink posts exactly what OpenIM posts, unsigned';

/** Reads one sink of the config file (or of `--sink NAME=URL`), naming the sink and the key at fault on error. */
export function parseSinkConfig(raw: unknown, index: number): SinkConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail(`#${index + 1}`, 'must be a mapping');
  const entry = raw as Record<string, unknown>;
  const name = entry['name'];
  if (typeof name !== 'string' || !NAME.test(name))
    fail(`#${index + 1}`, 'name must be 1-64 letters, digits, _ . -');
  const url = entry['url'];
  if (typeof url !== 'string' || !/^(https?|openim\+https?|nats|redis|rediss):\/\//.test(url))
    fail(name, 'url must be http(s)://, openim+http(s)://, nats:// or redis://');
  const known = [
    'name',
    'url',
    'commands',
    'secrets',
    'unsigned',
    'timeout',
    'lease',
    'retrySchedule',
    'concurrency',
    'subject',
    'stream',
    'createStream',
    'maxLen',
    'group',
    'invalidEvents',
  ];
  const unknown = Object.keys(entry).filter((key) => !known.includes(key));
  if (unknown.length > 0) fail(name, `unknown key(s) ${unknown.join(', ')}`);

  const commands = stringList(name, 'commands', entry['commands']);
  const notCommands = commands?.filter((c) => !isCallbackCommand(c)) ?? [];
  if (notCommands.length > 0) fail(name, `not OpenIM commands: ${notCommands.join(', ')}`);
  const secrets = stringList(name, 'secrets', entry['secrets']);
  if (secrets?.some((s) => !/^whsec_[A-Za-z0-9+/=]+$/.test(s)))
    fail(name, 'secrets must look like whsec_<base64>');
  if (secrets && isOpenimFormatUrl(url)) fail(name, OPENIM_FORMAT_UNSIGNED);
  const unsigned = entry['unsigned'];
  if (unsigned !== undefined && typeof unsigned !== 'boolean') fail(name, 'unsigned must be true or false');
  if (unsigned && !/^https?:\/\//.test(url))
    fail(name, 'unsigned is for http(s):// sinks (the others are never signed)');
  if (unsigned && secrets) fail(name, 'unsigned and secrets contradict each other');
  const schedule = entry['retrySchedule'];
  if (schedule !== undefined && !Array.isArray(schedule))
    fail(name, 'retrySchedule must be a list of durations');

  const config: SinkConfig = {
    name,
    url,
    retrySchedule:
      schedule === undefined
        ? [...DEFAULT_RETRY_SCHEDULE_MS]
        : (schedule as unknown[]).map((d, i) => durationOf(name, `retrySchedule[${i}]`, d, 'ms')),
  };
  if (commands) config.commands = commands;
  if (secrets) config.secrets = secrets;
  if (unsigned) config.unsigned = true;
  if (entry['timeout'] !== undefined) config.timeoutMs = durationOf(name, 'timeout', entry['timeout'], 's');
  if (entry['lease'] !== undefined) {
    config.leaseMs = durationOf(name, 'lease', entry['lease'], 'ms');
    if (config.leaseMs <= (config.timeoutMs ?? 15_000)) fail(name, 'lease must be longer than the timeout');
  }
  for (const key of ['concurrency', 'maxLen'] as const) {
    const value = entry[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
      fail(name, `${key} must be a positive integer`);
    config[key] = value;
  }
  for (const key of ['subject', 'stream', 'group'] as const) {
    const value = entry[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '') fail(name, `${key} must be a non-empty string`);
    config[key] = value;
  }
  if (entry['createStream'] !== undefined) config.createStream = entry['createStream'] === true;
  if (entry['invalidEvents'] !== undefined) config.invalidEvents = entry['invalidEvents'] === true;
  return config;
}

/**
 * A duration setting of a sink, naming the sink, the key and the value on error. `timeout` reads as in OpenIM's
 * webhooks.yml (a bare number is seconds: `timeout: 5`); the others keep milliseconds for a bare number.
 */
function durationOf(sink: string, key: string, value: unknown, bareUnit: 's' | 'ms'): number {
  if (typeof value !== 'string' && typeof value !== 'number')
    fail(sink, `${key} must be a duration such as 500ms or 5s`);
  const bare = typeof value === 'number' || /^\s*\d+(\.\d+)?\s*$/.test(value);
  try {
    const ms = parseDuration(bare && bareUnit === 's' ? `${value}s` : value);
    if (key === 'timeout' && ms <= 0) throw new Error('must be more than 0');
    return ms;
  } catch (error) {
    return fail(sink, `${key} ${JSON.stringify(value)}: ${messageOf(error)}`);
  }
}

/** `NAME=URL`, the command-line shorthand. */
export function parseSinkFlag(flag: string, index: number): SinkConfig {
  const equals = flag.indexOf('=');
  if (equals < 1) throw new SinkConfigError(`--sink ${flag}: use NAME=URL`);
  return parseSinkConfig({ name: flag.slice(0, equals), url: flag.slice(equals + 1) }, index);
}
