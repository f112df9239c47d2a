import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import {
  isOpenimFormatUrl,
  OPENIM_FORMAT_UNSIGNED,
  parseSinkConfig,
  parseSinkFlag,
  SinkConfigError,
} from '../sync/sink-config.js';
import type { SinkConfig } from '../sync/sink-config.js';
import { SIGNATURE_ALGORITHMS } from '../receiver/index.js';
import type { SignatureAlgorithm } from '../receiver/index.js';
import { isCallbackCommand } from '../protocol/index.js';
import { parseRetention } from './parse-retention.js';

/** `signatureAlgorithm` values: one of the receiver's algorithms, or `none`. */
export const SIGNATURE_ALGORITHM_SETTINGS = ['none', ...SIGNATURE_ALGORITHMS] as const;

/** Everything `openim-hooks serve` needs, resolved once: flags, then OPENIM_HOOKS_* variables, then file, then defaults. */
export interface ServiceConfig {
  host: string;
  port: number;
  /** OpenIM's default `url: http://127.0.0.1:10006/callbackExample` works unchanged. */
  basePath: string;
  /** A SQLite file path, or a `postgres://` URL for the PostgreSQL backend. */
  database: string;
  /** With a `postgres://` database: the local SQLite file that keeps callbacks while PostgreSQL is unreachable. */
  spool: string;
  maxBodyBytes: number;
  beforeDeadlineMs: number;
  beforeFailure: 'open' | 'closed';
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** Authentication (SECURITY.md). Lists: comma-separated in flags and environment, arrays in the file. */
  pathSecrets: string[];
  basicAuth: string[];
  allowIps: string[];
  trustedProxies: string[];
  signatureAlgorithm: 'none' | SignatureAlgorithm;
  signatureKeys: string[];
  signatureHeader: string;
  nonceHeader: string;
  timestampHeader: string;
  signatureToleranceSeconds: number;
  bodyHmacSecrets: string[];
  apiTokens: string[];
  allowUnauthenticated: boolean;
  /** Limits. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConcurrentRequests: number;
  rateLimitPerIp: number;
  /** Where recorded events are forwarded (the relay); `NAME=URL` in flags and environment, mappings in the file. */
  sinks: SinkConfig[];
  /** `NAME=whsec_…`: Standard Webhooks signing secrets of HTTP sinks, several per sink during a rotation. */
  sinkSecrets: string[];
  /** Let sinks reach loopback and private addresses (SSRF guard off). */
  allowPrivateSinks: boolean;
  /** Drain the outbox from this instance. With several instances on one PostgreSQL, run it on one of them. */
  relay: boolean;
  /** `/readyz` says `degraded` while the projection trails the acknowledgements by more than this. */
  maxProjectionLagSeconds: number;
  /** How long events are kept, ms (`30d` in flags and files); 0 keeps them for ever. */
  retention: number;
  /** Per command, instead of `retention`, ms; 0 keeps that command's events for ever. */
  retentionByCommand: Record<string, number>;
  /** Keep every conversation row whatever its age (false: rows not seen within `retention` go too). */
  retainConversations: boolean;
  /** A file of this many bytes beside the database, released when the disk fills so that recording goes on. */
  diskReserveBytes: number;
}

export const DEFAULT_CONFIG: ServiceConfig = {
  host: '127.0.0.1',
  port: 10006,
  basePath: '/callbackExample',
  database: './data/openim-hooks.db',
  spool: './data/openim-hooks-spool.db',
  maxBodyBytes: 1024 * 1024,
  beforeDeadlineMs: 1000,
  beforeFailure: 'open',
  logLevel: 'info',
  pathSecrets: [],
  basicAuth: [],
  allowIps: [],
  trustedProxies: [],
  signatureAlgorithm: 'none',
  signatureKeys: [],
  signatureHeader: 'x-signature',
  nonceHeader: 'x-nonce',
  timestampHeader: '',
  signatureToleranceSeconds: 300,
  bodyHmacSecrets: [],
  apiTokens: [],
  allowUnauthenticated: false,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConcurrentRequests: 256,
  rateLimitPerIp: 0,
  sinks: [],
  sinkSecrets: [],
  allowPrivateSinks: false,
  relay: true,
  maxProjectionLagSeconds: 10,
  retention: 0,
  retentionByCommand: {},
  retainConversations: true,
  diskReserveBytes: 64 << 20,
};

type Key = keyof ServiceConfig;

/** Each setting: its environment variable and how to read a raw (string or file) value of it. */
const SETTINGS: {
  [K in Key]: {
    env: string;
    parse: (raw: unknown) => ServiceConfig[K];
    doc: string;
    /** The `serve` flag, where it is not the setting's name in kebab case (one flag per sink reads better). */
    flag?: string;
  };
} = {
  host: { env: 'OPENIM_HOOKS_HOST', parse: text('host'), doc: 'address to listen on' },
  port: {
    env: 'OPENIM_HOOKS_PORT',
    parse: integer('port', 0, 65535),
    doc: 'port to listen on (0 = any free port)',
  },
  basePath: { env: 'OPENIM_HOOKS_BASE_PATH', parse: text('basePath'), doc: 'path of OpenIM `url`' },
  database: {
    env: 'OPENIM_HOOKS_DATABASE',
    parse: text('database'),
    doc: 'SQLite file path, or a `postgres://` URL',
  },
  spool: {
    env: 'OPENIM_HOOKS_SPOOL',
    parse: text('spool'),
    doc: 'with a `postgres://` database: SQLite file that keeps callbacks while PostgreSQL is unreachable (one per instance)',
  },
  maxBodyBytes: {
    env: 'OPENIM_HOOKS_MAX_BODY_BYTES',
    parse: integer('maxBodyBytes', 1, 64 * 1024 * 1024),
    doc: 'largest accepted body, bytes',
  },
  beforeDeadlineMs: {
    env: 'OPENIM_HOOKS_BEFORE_DEADLINE_MS',
    parse: integer('beforeDeadlineMs', 1, 15_000),
    doc: 'deadline of a before-callback answer, ms',
  },
  beforeFailure: {
    env: 'OPENIM_HOOKS_BEFORE_FAILURE',
    parse: oneOf('beforeFailure', ['open', 'closed'] as const),
    doc: '`open`: let the action go on when recording fails; `closed`: reject it',
  },
  logLevel: {
    env: 'OPENIM_HOOKS_LOG_LEVEL',
    parse: oneOf('logLevel', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const),
    doc: 'pino log level',
  },
  pathSecrets: {
    env: 'OPENIM_HOOKS_PATH_SECRETS',
    parse: list('pathSecrets'),
    doc: 'secret path segments: OpenIM `url` becomes `…/callbackExample/<secret>`; several for rotation',
  },
  basicAuth: {
    env: 'OPENIM_HOOKS_BASIC_AUTH',
    parse: list('basicAuth'),
    doc: 'HTTP Basic `user:password` pairs (OpenIM `url` `http://user:password@host…`)',
  },
  allowIps: {
    env: 'OPENIM_HOOKS_ALLOW_IPS',
    parse: list('allowIps'),
    doc: 'client addresses or CIDR ranges allowed to post callbacks',
  },
  trustedProxies: {
    env: 'OPENIM_HOOKS_TRUSTED_PROXIES',
    parse: list('trustedProxies'),
    doc: 'proxies (addresses or CIDR) whose X-Forwarded-For is believed',
  },
  signatureAlgorithm: {
    env: 'OPENIM_HOOKS_SIGNATURE_ALGORITHM',
    parse: oneOf('signatureAlgorithm', SIGNATURE_ALGORITHM_SETTINGS),
    doc: 'OpenIM commercial edition signature over the nonce header',
  },
  signatureKeys: {
    env: 'OPENIM_HOOKS_SIGNATURE_KEYS',
    parse: list('signatureKeys'),
    doc: 'HMAC secrets, or PEM public key files (RSA/ECDSA); several for rotation',
  },
  signatureHeader: {
    env: 'OPENIM_HOOKS_SIGNATURE_HEADER',
    parse: text('signatureHeader'),
    doc: 'header holding the signature (hex or base64)',
  },
  nonceHeader: {
    env: 'OPENIM_HOOKS_NONCE_HEADER',
    parse: text('nonceHeader'),
    doc: 'header holding the signed nonce',
  },
  timestampHeader: {
    env: 'OPENIM_HOOKS_TIMESTAMP_HEADER',
    parse: optionalText('timestampHeader'),
    doc: "header with the nonce's epoch time; empty: the first 10- or 13-digit run inside the nonce",
  },
  signatureToleranceSeconds: {
    env: 'OPENIM_HOOKS_SIGNATURE_TOLERANCE_SECONDS',
    parse: integer('signatureToleranceSeconds', 1, 86_400),
    doc: 'freshness window of nonces and timestamps, both directions (replays remembered for twice as long)',
  },
  bodyHmacSecrets: {
    env: 'OPENIM_HOOKS_BODY_HMAC_SECRETS',
    parse: list('bodyHmacSecrets'),
    doc: 'secrets of the body-binding HMAC our emitter sends (`x-openim-hooks-signature`)',
  },
  apiTokens: {
    env: 'OPENIM_HOOKS_API_TOKENS',
    parse: list('apiTokens'),
    doc: 'bearer tokens of the query API; required when not listening on loopback',
  },
  allowUnauthenticated: {
    env: 'OPENIM_HOOKS_ALLOW_UNAUTHENTICATED',
    parse: boolean('allowUnauthenticated'),
    doc: 'start on a non-loopback address with no callback authentication',
  },
  headersTimeoutMs: {
    env: 'OPENIM_HOOKS_HEADERS_TIMEOUT_MS',
    parse: integer('headersTimeoutMs', 100, 600_000),
    doc: 'time to receive the request headers (slowloris)',
  },
  requestTimeoutMs: {
    env: 'OPENIM_HOOKS_REQUEST_TIMEOUT_MS',
    parse: integer('requestTimeoutMs', 100, 600_000),
    doc: 'time to receive the whole request',
  },
  maxConcurrentRequests: {
    env: 'OPENIM_HOOKS_MAX_CONCURRENT_REQUESTS',
    parse: integer('maxConcurrentRequests', 1, 1_000_000),
    doc: 'callbacks in flight at once; more get 503 + JSON package',
  },
  rateLimitPerIp: {
    env: 'OPENIM_HOOKS_RATE_LIMIT_PER_IP',
    parse: integer('rateLimitPerIp', 0, 1_000_000),
    doc: 'callbacks per second per client address (0 = unlimited); more get 429',
  },
  sinks: {
    env: 'OPENIM_HOOKS_SINKS',
    flag: '--sink',
    parse: sinkList,
    doc: 'forward every event to these sinks: `NAME=URL` (repeatable flag; comma-separated variable; see Sync)',
  },
  sinkSecrets: {
    env: 'OPENIM_HOOKS_SINK_SECRETS',
    flag: '--sink-secret',
    parse: list('sinkSecrets'),
    doc: '`NAME=whsec_…` signing secrets of HTTP sinks (repeatable)',
  },
  allowPrivateSinks: {
    env: 'OPENIM_HOOKS_ALLOW_PRIVATE_SINKS',
    parse: boolean('allowPrivateSinks'),
    doc: 'let sinks reach loopback and private addresses (SSRF guard off)',
  },
  relay: {
    env: 'OPENIM_HOOKS_RELAY',
    parse: boolean('relay'),
    doc: 'drain the outbox to the sinks from this instance (`false`: only record and queue)',
  },
  maxProjectionLagSeconds: {
    env: 'OPENIM_HOOKS_MAX_PROJECTION_LAG_SECONDS',
    parse: integer('maxProjectionLagSeconds', 1, 86_400),
    doc: '`/readyz` says `degraded` while reads trail the acknowledged callbacks by more than this, seconds',
  },
  retention: {
    env: 'OPENIM_HOOKS_RETENTION',
    parse: retention('retention'),
    doc: 'keep events this long (`30d`, `12h`, `90m`; `0` = for ever): older ones are pruned with their settled deliveries, never one with a delivery still pending',
  },
  retentionByCommand: {
    env: 'OPENIM_HOOKS_RETENTION_BY_COMMAND',
    parse: retentionByCommand,
    doc: 'per command, instead of `retention`: `callbackAfterUserOnlineCommand=1d` (comma-separated in flags and environment, a mapping in the file; `0` keeps that command for ever)',
  },
  retainConversations: {
    env: 'OPENIM_HOOKS_RETAIN_CONVERSATIONS',
    parse: boolean('retainConversations'),
    doc: 'keep every conversation row (its latest state) whatever its age; `false`: rows not seen within `retention` are pruned too',
  },
  diskReserveBytes: {
    env: 'OPENIM_HOOKS_DISK_RESERVE_BYTES',
    parse: integer('diskReserveBytes', 0, 2 ** 40),
    doc: 'a file this large beside the database (or the spool), deleted when the disk fills so that recording goes on while you make room, made again once there is room (0 = none)',
  },
};

export class ConfigError extends Error {}

function text(name: string) {
  return (raw: unknown): string => {
    if (typeof raw !== 'string' || raw === '') throw new ConfigError(`${name} must be a non-empty string`);
    return raw;
  };
}

function retention(name: string) {
  return (raw: unknown): number => {
    try {
      return parseRetention(raw);
    } catch (error) {
      throw new ConfigError(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

/** `command=30d` pairs: comma-separated text in flags and environment, a mapping in the file. */
function retentionByCommand(raw: unknown): Record<string, number> {
  let entries: [string, unknown][];
  if (typeof raw === 'string') {
    entries = raw
      .split(',')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=');
        if (at <= 0)
          throw new ConfigError(`retentionByCommand: ${JSON.stringify(pair)} is not command=duration`);
        return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      });
  } else if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    entries = Object.entries(raw);
  } else {
    throw new ConfigError('retentionByCommand must map callback commands to durations');
  }
  const result: Record<string, number> = {};
  for (const [command, value] of entries) {
    if (!isCallbackCommand(command))
      throw new ConfigError(
        `retentionByCommand: ${JSON.stringify(command)} is not an OpenIM callback command`,
      );
    result[command] = retention(`retentionByCommand.${command}`)(value);
  }
  return result;
}

function optionalText(name: string) {
  return (raw: unknown): string => {
    if (typeof raw !== 'string') throw new ConfigError(`${name} must be a string`);
    return raw;
  };
}

/** A list: an array in the file, comma-separated text in flags and environment. Empty entries are refused. */
function sinkList(raw: unknown): SinkConfig[] {
  try {
    const entries =
      typeof raw === 'string'
        ? raw
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : raw;
    if (!Array.isArray(entries)) throw new SinkConfigError('sinks must be a list');
    const sinks = entries.map((entry: unknown, i) =>
      typeof entry === 'string' ? parseSinkFlag(entry, i) : parseSinkConfig(entry, i),
    );
    const names = sinks.map((sink) => sink.name);
    const repeated = names.find((name, i) => names.indexOf(name) !== i);
    if (repeated) throw new SinkConfigError(`sink ${repeated} is configured twice`);
    return sinks;
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
}

/** Adds each `NAME=whsec_…` to its HTTP sink's secrets. */
function withSinkSecrets(sinks: SinkConfig[], secrets: string[]): SinkConfig[] {
  for (const entry of secrets) {
    const [name, secret] = [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)];
    const sink = sinks.find((s) => s.name === name);
    if (!sink) throw new ConfigError(`sinkSecrets: no sink named ${JSON.stringify(name)}`);
    if (isOpenimFormatUrl(sink.url)) throw new ConfigError(`sinkSecrets: ${name}: ${OPENIM_FORMAT_UNSIGNED}`);
    if (!/^whsec_[A-Za-z0-9+/=]+$/.test(secret))
      throw new ConfigError(`sinkSecrets: ${name}'s secret must look like whsec_<base64>`);
    sink.secrets = [...(sink.secrets ?? []), secret];
  }
  return sinks;
}

function list(name: string) {
  return (raw: unknown): string[] => {
    const items =
      typeof raw === 'string' ? (raw.trim() === '' ? [] : raw.split(',').map((item) => item.trim())) : raw;
    if (!Array.isArray(items) || items.some((item) => typeof item !== 'string' || item === '')) {
      throw new ConfigError(
        `${name} must be a list of non-empty strings (comma-separated in flags and environment)`,
      );
    }
    return items as string[];
  };
}

function boolean(name: string) {
  return (raw: unknown): boolean => {
    if (raw === true || raw === 'true' || raw === '1') return true;
    if (raw === false || raw === 'false' || raw === '0') return false;
    throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(raw)}`);
  };
}

function integer(name: string, min: number, max: number) {
  return (raw: unknown): number => {
    const value = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    }
    return value;
  };
}

function oneOf<const T extends readonly string[]>(name: string, values: T) {
  return (raw: unknown): T[number] => {
    if (typeof raw !== 'string' || !values.includes(raw)) {
      throw new ConfigError(`${name} must be one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
    }
    return raw;
  };
}

function readConfigFile(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `cannot read config file ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigError(`${path} must hold a mapping`);
  const unknown = Object.keys(parsed).filter((key) => !(key in SETTINGS));
  if (unknown.length > 0) throw new ConfigError(`${path}: unknown setting(s) ${unknown.join(', ')}`);
  return parsed as Record<string, unknown>;
}

export interface ConfigSources {
  /** Values given as command-line flags (strings or already typed). */
  flags?: Partial<Record<Key, unknown>> & { config?: string | undefined };
  env?: Readonly<Record<string, string | undefined>>;
}

/** Resolves the configuration once; throws a ConfigError naming the setting at fault. */
export function resolveConfig({ flags = {}, env = {} }: ConfigSources = {}): ServiceConfig {
  const configPath = flags.config ?? env['OPENIM_HOOKS_CONFIG'];
  const file = configPath ? readConfigFile(configPath) : {};
  const resolved: Record<string, unknown> = {};
  for (const key of Object.keys(SETTINGS) as Key[]) {
    const setting = SETTINGS[key];
    const raw = flags[key] ?? env[setting.env] ?? file[key];
    resolved[key] = raw === undefined ? DEFAULT_CONFIG[key] : setting.parse(raw);
  }
  const config = resolved as unknown as ServiceConfig;
  config.sinks = withSinkSecrets(config.sinks, config.sinkSecrets);
  return config;
}

/** The settings table of the README: name, flag, environment variable, default, meaning. */
export function configReference(): { key: Key; flag: string; env: string; default: string; doc: string }[] {
  return (Object.keys(SETTINGS) as Key[]).map((key) => ({
    key,
    flag:
      SETTINGS[key].flag ??
      `--${DEFAULT_CONFIG[key] === true ? 'no-' : ''}${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    env: SETTINGS[key].env,
    default: showDefault(DEFAULT_CONFIG[key]),
    doc: SETTINGS[key].doc,
  }));
}

function showDefault(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(',');
  if (value !== null && typeof value === 'object')
    return Object.keys(value).length === 0 ? 'none' : JSON.stringify(value);
  return value === '' ? 'none' : String(value);
}

/**
 * The example config file (openim-hooks.example.yaml): every setting with its meaning and its default, so that
 * loading it unchanged gives the defaults. Generated by `npm run docs`; a test loads it.
 */
export function exampleConfigFile(): string {
  const lines = [
    '# openim-hooks: every setting with its default. Copy, keep what you change, pass with --config FILE.',
    '# Flags win over OPENIM_HOOKS_* variables, which win over this file. Generated by `npm run docs`.',
    '',
  ];
  for (const key of Object.keys(SETTINGS) as Key[]) {
    const { env, doc } = SETTINGS[key];
    const value = DEFAULT_CONFIG[key];
    lines.push(`# ${doc.replaceAll('`', '')} (${env})`);
    lines.push(`${key}: ${Array.isArray(value) ? '[]' : JSON.stringify(value)}`, '');
  }
  return lines.join('\n');
}
