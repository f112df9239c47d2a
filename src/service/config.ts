import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** Everything `openim-hooks serve` needs, resolved once: flags, then OPENIM_HOOKS_* variables, then file, then defaults. */
export interface ServiceConfig {
  host: string;
  port: number;
  /** OpenIM's default `url: http://127.0.0.1:10006/callbackExample` works unchanged. */
  basePath: string;
  /** A SQLite file path (a `postgres://` URL once that backend lands). */
  database: string;
  maxBodyBytes: number;
  beforeDeadlineMs: number;
  beforeFailure: 'open' | 'closed';
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
}

export const DEFAULT_CONFIG: ServiceConfig = {
  host: '127.0.0.1',
  port: 10006,
  basePath: '/callbackExample',
  database: './data/openim-hooks.db',
  maxBodyBytes: 1024 * 1024,
  beforeDeadlineMs: 1000,
  beforeFailure: 'open',
  logLevel: 'info',
};

type Key = keyof ServiceConfig;

/** Each setting: its environment variable and how to read a raw (string or file) value of it. */
const SETTINGS: { [K in Key]: { env: string; parse: (raw: unknown) => ServiceConfig[K]; doc: string } } = {
  host: { env: 'OPENIM_HOOKS_HOST', parse: text('host'), doc: 'address to listen on' },
  port: { env: 'OPENIM_HOOKS_PORT', parse: integer('port', 0, 65535), doc: 'port to listen on (0 = any free port)' },
  basePath: { env: 'OPENIM_HOOKS_BASE_PATH', parse: text('basePath'), doc: 'path of OpenIM `url`' },
  database: { env: 'OPENIM_HOOKS_DATABASE', parse: text('database'), doc: 'SQLite file path' },
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
};

export class ConfigError extends Error {}

function text(name: string) {
  return (raw: unknown): string => {
    if (typeof raw !== 'string' || raw === '') throw new ConfigError(`${name} must be a non-empty string`);
    return raw;
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
    throw new ConfigError(`cannot read config file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`${path} must hold a mapping`);
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
  return resolved as unknown as ServiceConfig;
}

/** The settings table of the README: name, flag, environment variable, default, meaning. */
export function configReference(): { key: Key; flag: string; env: string; default: string; doc: string }[] {
  return (Object.keys(SETTINGS) as Key[]).map((key) => ({
    key,
    flag: `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    env: SETTINGS[key].env,
    default: String(DEFAULT_CONFIG[key]),
    doc: SETTINGS[key].doc,
  }));
}
