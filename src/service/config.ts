import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { isOpenimFormatUrl, OPENIM_FORMAT_UNSIGNED } from '../sync/sink-config.js';
import type { SinkConfig } from '../sync/sink-config.js';
import { SIGNATURE_ALGORITHMS } from '../receiver/index.js';
import {
  boolean,
  ConfigError,
  integer,
  list,
  oneOf,
  optionalText,
  retention,
  retentionByCommand,
  sinkList,
  text,
} from './setting-readers.js';
import type { SettingReader } from './setting-readers.js';

export { ConfigError } from './setting-readers.js';

/** `signatureAlgorithm` values: one of the receiver's algorithms, or `none`. */
export const SIGNATURE_ALGORITHM_SETTINGS = ['none', ...SIGNATURE_ALGORITHMS] as const;

/** One setting of `openim-hooks serve`: everything the file, the environment, the CLI and the README say of it. */
interface Setting<T> {
  readonly default: NoInfer<T>;
  /** One line: `--help`, the README table and the example file all show it. */
  readonly doc: string;
  readonly read: SettingReader<T>;
  /** The `serve` flag, where it is not the key in kebab case (one flag per sink reads better than a plural). */
  readonly flag?: string;
}

const setting = <T>(entry: Setting<T>): Setting<T> => entry;

/**
 * The settings registry: adding a setting is adding an entry here. Its key is the config file's key; its
 * environment variable is `OPENIM_HOOKS_` + the key in upper snake case; its flag is the key in kebab case (or
 * `flag`), `--no-…` for a switch that defaults to true. Resolved once: flags, then environment, then file, then
 * the default.
 */
const SETTINGS = {
  host: setting({ default: '127.0.0.1', read: text('<host>'), doc: 'address to listen on' }),
  port: setting({
    default: 10006,
    read: integer(0, 65535, '<port>'),
    doc: 'port to listen on (0 = any free port)',
  }),
  basePath: setting({
    // OpenIM's default `url: http://127.0.0.1:10006/callbackExample` works unchanged.
    default: '/callbackExample',
    read: text('<path>'),
    doc: 'path of OpenIM `url`',
  }),
  database: setting({
    default: './data/openim-hooks.db',
    read: text('<path>'),
    doc: 'SQLite file path, or a `postgres://` URL',
  }),
  spool: setting({
    default: './data/openim-hooks-spool.db',
    read: text('<path>'),
    doc: 'with a `postgres://` database: SQLite file that keeps callbacks while PostgreSQL is unreachable (one per instance)',
  }),
  maxBodyBytes: setting({
    default: 1024 * 1024,
    read: integer(1, 64 * 1024 * 1024),
    doc: 'largest accepted body, bytes',
  }),
  beforeDeadlineMs: setting({
    default: 1000,
    read: integer(1, 15_000, '<ms>'),
    doc: 'deadline of a before-callback answer, ms',
  }),
  beforeFailure: setting({
    default: 'open',
    read: oneOf(['open', 'closed'] as const, '<mode>'),
    doc: '`open`: let the action go on when recording fails; `closed`: reject it',
  }),
  logLevel: setting({
    default: 'info',
    read: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, '<level>'),
    doc: 'pino log level',
  }),
  // Authentication (SECURITY.md). Lists: comma-separated in flags and environment, arrays in the file.
  pathSecrets: setting({
    default: [],
    read: list(),
    doc: 'secret path segments: OpenIM `url` becomes `…/callbackExample/<secret>`; several for rotation',
  }),
  basicAuth: setting({
    default: [],
    read: list(),
    doc: 'HTTP Basic `user:password` pairs (OpenIM `url` `http://user:password@host…`)',
  }),
  allowIps: setting({
    default: [],
    read: list(),
    doc: 'client addresses or CIDR ranges allowed to post callbacks',
  }),
  trustedProxies: setting({
    default: [],
    read: list(),
    doc: 'proxies (addresses or CIDR) whose X-Forwarded-For is believed',
  }),
  signatureAlgorithm: setting({
    default: 'none',
    read: oneOf(SIGNATURE_ALGORITHM_SETTINGS, '<alg>'),
    doc: 'OpenIM commercial edition signature over the nonce header',
  }),
  signatureKeys: setting({
    default: [],
    read: list(),
    doc: 'HMAC secrets, or PEM public key files (RSA/ECDSA); several for rotation',
  }),
  signatureHeader: setting({
    default: 'x-signature',
    read: text('<name>'),
    doc: 'header holding the signature (hex or base64)',
  }),
  nonceHeader: setting({ default: 'x-nonce', read: text('<name>'), doc: 'header holding the signed nonce' }),
  timestampHeader: setting({
    default: '',
    read: optionalText('<name>'),
    doc: "header with the nonce's epoch time; empty: the first 10- or 13-digit run inside the nonce",
  }),
  signatureToleranceSeconds: setting({
    default: 300,
    read: integer(1, 86_400, '<s>'),
    doc: 'freshness window of nonces and timestamps, both directions (replays remembered for twice as long)',
  }),
  bodyHmacSecrets: setting({
    default: [],
    read: list(),
    doc: 'secrets of the body-binding HMAC our emitter sends (`x-openim-hooks-signature`)',
  }),
  apiTokens: setting({
    default: [],
    read: list(),
    doc: 'bearer tokens of the query API; required when not listening on loopback',
  }),
  allowUnauthenticated: setting({
    default: false,
    read: boolean,
    doc: 'start on a non-loopback address with no callback authentication',
  }),
  // Limits.
  headersTimeoutMs: setting({
    default: 10_000,
    read: integer(100, 600_000, '<ms>'),
    doc: 'time to receive the request headers (slowloris)',
  }),
  requestTimeoutMs: setting({
    default: 30_000,
    read: integer(100, 600_000, '<ms>'),
    doc: 'time to receive the whole request',
  }),
  maxConcurrentRequests: setting({
    default: 256,
    read: integer(1, 1_000_000),
    doc: 'callbacks in flight at once; more get 503 + JSON package',
  }),
  rateLimitPerIp: setting({
    default: 0,
    read: integer(0, 1_000_000),
    doc: 'callbacks per second per client address (0 = unlimited); more get 429',
  }),
  // Where recorded events are forwarded (the relay).
  sinks: setting<SinkConfig[]>({
    default: [],
    read: sinkList,
    flag: '--sink',
    doc: 'forward every event to these sinks: `NAME=URL` (repeatable flag; comma-separated variable; see Sync)',
  }),
  sinkSecrets: setting({
    default: [],
    read: list('<NAME=whsec_…>', true),
    flag: '--sink-secret',
    doc: '`NAME=whsec_…` signing secrets of HTTP sinks (repeatable)',
  }),
  allowPrivateSinks: setting({
    default: false,
    read: boolean,
    doc: 'let sinks reach loopback and private addresses (SSRF guard off)',
  }),
  relay: setting({
    // With several instances on one PostgreSQL, the relays share the outbox; `false` leaves it to the others.
    default: true,
    read: boolean,
    doc: 'drain the outbox to the sinks from this instance (`false`: only record and queue)',
  }),
  maxProjectionLagSeconds: setting({
    default: 10,
    read: integer(1, 86_400, '<s>'),
    doc: '`/readyz` says `degraded` while reads trail the acknowledged callbacks by more than this, seconds',
  }),
  retention: setting({
    default: 0,
    read: retention,
    doc: 'keep events this long (`30d`, `12h`, `90m`; `0` = for ever): older ones are pruned with their settled deliveries, never one with a delivery still pending',
  }),
  retentionByCommand: setting({
    default: {} as Record<string, number>,
    read: retentionByCommand,
    doc: 'per command, instead of `retention`: `callbackAfterUserOnlineCommand=1d` (comma-separated in flags and environment, a mapping in the file; `0` keeps that command for ever)',
  }),
  retainConversations: setting({
    default: true,
    read: boolean,
    doc: 'keep every conversation row (its latest state) whatever its age; `false`: rows not seen within `retention` are pruned too',
  }),
  diskReserveBytes: setting({
    default: 64 << 20,
    read: integer(0, 2 ** 40),
    doc: 'a file this large beside the database (or the spool), deleted when the disk fills so that recording goes on while you make room, made again once there is room (0 = none)',
  }),
};

type Key = keyof typeof SETTINGS;
const KEYS = Object.keys(SETTINGS) as Key[];

/** Everything `openim-hooks serve` needs, resolved once: flags, then OPENIM_HOOKS_* variables, then file, then defaults. */
export type ServiceConfig = {
  -readonly [K in Key]: (typeof SETTINGS)[K] extends Setting<infer T> ? T : never;
};

export const DEFAULT_CONFIG: ServiceConfig = Object.fromEntries(
  KEYS.map((key) => [key, SETTINGS[key].default]),
) as ServiceConfig;

/** `OPENIM_HOOKS_` + the key in upper snake case: `maxBodyBytes` is `OPENIM_HOOKS_MAX_BODY_BYTES`. */
export function envNameOf(key: string): string {
  return `OPENIM_HOOKS_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** The `serve` flag of a setting: its `flag`, or the key in kebab case, `--no-…` for a switch that is on by default. */
function flagOf(key: Key): string {
  const entry: Setting<unknown> = SETTINGS[key];
  if (entry.flag) return entry.flag;
  const negated = entry.read.argument === undefined && entry.default === true;
  return `--${negated ? 'no-' : ''}${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
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
  for (const key of KEYS) resolved[key] = resolveValue(key, flags[key], env, file);
  const config = resolved as unknown as ServiceConfig;
  config.sinks = withSinkSecrets(config.sinks, config.sinkSecrets);
  return config;
}

function resolveValue(
  key: Key,
  flag: unknown,
  env: Readonly<Record<string, string | undefined>>,
  file: Record<string, unknown>,
): unknown {
  const raw = flag ?? env[envNameOf(key)] ?? file[key];
  return raw === undefined ? SETTINGS[key].default : SETTINGS[key].read.parse(raw, key);
}

/**
 * One setting resolved as `serve` resolves it (flag, then environment, then default), for the commands that need
 * a setting of the service without being the service: `trigger` and `load` sign with `bodyHmacSecrets`.
 */
export function resolveSetting<K extends Key>(
  key: K,
  { flag, env = {} }: { flag?: unknown; env?: Readonly<Record<string, string | undefined>> },
): ServiceConfig[K] {
  return resolveValue(key, flag, env, {}) as ServiceConfig[K];
}

/** What the README table, the example file and `serve --help` say of a setting. */
export interface SettingReference {
  readonly key: Key;
  readonly flag: string;
  readonly env: string;
  /** As the README shows it: `none` for an empty list or text. */
  readonly default: string;
  readonly doc: string;
  readonly argument: string | undefined;
  readonly choices: readonly string[] | undefined;
  readonly repeatable: boolean;
}

/** Every setting, in the registry's order: the README table, the example file and the `serve` flags come from it. */
export function configReference(): SettingReference[] {
  return KEYS.map((key) => {
    const entry: Setting<unknown> = SETTINGS[key];
    return {
      key,
      flag: flagOf(key),
      env: envNameOf(key),
      default: showDefault(entry.default),
      doc: entry.doc,
      argument: entry.read.argument,
      choices: entry.read.choices,
      repeatable: entry.read.repeatable ?? false,
    };
  });
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
  for (const key of KEYS) {
    const { doc } = SETTINGS[key];
    const value = DEFAULT_CONFIG[key];
    lines.push(`# ${doc.replaceAll('`', '')} (${envNameOf(key)})`);
    lines.push(`${key}: ${Array.isArray(value) ? '[]' : JSON.stringify(value)}`, '');
  }
  return lines.join('\n');
}
