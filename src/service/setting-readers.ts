import { parseSinkConfig, parseSinkFlag, SinkConfigError } from '../sync/sink-config.js';
import type { SinkConfig } from '../sync/sink-config.js';
import { isCallbackCommand } from '../protocol/index.js';
import { parseRetention } from './parse-retention.js';

export class ConfigError extends Error {}

/**
 * How one setting is read: from text (a flag, an environment variable) or from a config file's value, and how its
 * flag takes that text. `name` is the setting's key, for the error message.
 */
export interface SettingReader<T> {
  parse(raw: unknown, name: string): T;
  /** The flag's argument, as help shows it (`<n>`); none for a switch (`--allow-private-sinks`, `--no-relay`). */
  readonly argument?: string;
  /** The values a flag may take, offered by `--help` and checked while parsing. */
  readonly choices?: readonly string[];
  /** The flag is given once per value (`--sink a=… --sink b=…`) instead of a comma-separated list. */
  readonly repeatable?: boolean;
}

export function text(argument = '<text>'): SettingReader<string> {
  return {
    argument,
    parse(raw, name) {
      if (typeof raw !== 'string' || raw === '') throw new ConfigError(`${name} must be a non-empty string`);
      return raw;
    },
  };
}

export function optionalText(argument = '<text>'): SettingReader<string> {
  return {
    argument,
    parse(raw, name) {
      if (typeof raw !== 'string') throw new ConfigError(`${name} must be a string`);
      return raw;
    },
  };
}

/** A list: an array in the file, comma-separated text in flags and environment. Empty entries are refused. */
export function list(argument = '<list>', repeatable = false): SettingReader<string[]> {
  return {
    argument,
    repeatable,
    parse(raw, name) {
      const items =
        typeof raw === 'string' ? (raw.trim() === '' ? [] : raw.split(',').map((item) => item.trim())) : raw;
      if (!Array.isArray(items) || items.some((item) => typeof item !== 'string' || item === '')) {
        throw new ConfigError(
          `${name} must be a list of non-empty strings (comma-separated in flags and environment)`,
        );
      }
      return items as string[];
    },
  };
}

/** Sinks: `NAME=URL` texts (one flag each, or comma-separated in the environment), or mappings in the file. */
export const sinkList: SettingReader<SinkConfig[]> = {
  argument: '<NAME=URL>',
  repeatable: true,
  parse(raw, name) {
    try {
      const entries =
        typeof raw === 'string'
          ? raw
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : raw;
      if (!Array.isArray(entries)) throw new SinkConfigError(`${name} must be a list`);
      const sinks = entries.map((entry: unknown, i) =>
        typeof entry === 'string' ? parseSinkFlag(entry, i) : parseSinkConfig(entry, i),
      );
      const names = sinks.map((sink) => sink.name);
      const repeated = names.find((sinkName, i) => names.indexOf(sinkName) !== i);
      if (repeated) throw new SinkConfigError(`sink ${repeated} is configured twice`);
      return sinks;
    } catch (error) {
      throw new ConfigError(error instanceof Error ? error.message : String(error));
    }
  },
};

/** A switch on the command line; true/false (or 1/0) in the environment and the file. */
export const boolean: SettingReader<boolean> = {
  parse(raw, name) {
    if (raw === true || raw === 'true' || raw === '1') return true;
    if (raw === false || raw === 'false' || raw === '0') return false;
    throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(raw)}`);
  },
};

export function integer(min: number, max: number, argument = '<n>'): SettingReader<number> {
  return {
    argument,
    parse(raw, name) {
      const value = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
      }
      return value;
    },
  };
}

export function oneOf<const T extends readonly string[]>(
  values: T,
  argument = '<value>',
): SettingReader<T[number]> {
  return {
    argument,
    choices: values,
    parse(raw, name) {
      if (typeof raw !== 'string' || !values.includes(raw)) {
        throw new ConfigError(`${name} must be one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
      }
      return raw;
    },
  };
}

/** A retention: `30d`, `12h`, `90m` (see parse-retention.ts), or `0` for ever; milliseconds out. */
export const retention: SettingReader<number> = {
  argument: '<duration>',
  parse(raw, name) {
    try {
      return parseRetention(raw);
    } catch (error) {
      throw new ConfigError(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  },
};

/** `command=30d` pairs: comma-separated text in flags and environment, a mapping in the file. */
export const retentionByCommand: SettingReader<Record<string, number>> = {
  argument: '<list>',
  parse(raw, name) {
    let entries: [string, unknown][];
    if (typeof raw === 'string') {
      entries = raw
        .split(',')
        .map((pair) => pair.trim())
        .filter(Boolean)
        .map((pair) => {
          const at = pair.indexOf('=');
          if (at <= 0) throw new ConfigError(`${name}: ${JSON.stringify(pair)} is not command=duration`);
          return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
        });
    } else if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
      entries = Object.entries(raw);
    } else {
      throw new ConfigError(`${name} must map callback commands to durations`);
    }
    const result: Record<string, number> = {};
    for (const [command, value] of entries) {
      if (!isCallbackCommand(command))
        throw new ConfigError(`${name}: ${JSON.stringify(command)} is not an OpenIM callback command`);
      result[command] = retention.parse(value, `${name}.${command}`);
    }
    return result;
  },
};
