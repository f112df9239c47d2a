import { parse } from 'yaml';
import { COMMANDS } from '../../protocol/index.js';
import type { CallbackConfig, ConfigKey, WebhooksConfig } from './webhooks-config.js';

export interface ParsedWebhooksConfig {
  readonly config: WebhooksConfig;
  /** Keys OpenIM would ignore (unknown, misplaced or obsolete), one sentence each. */
  readonly warnings: readonly string[];
}

const KEY_INFO: ReadonlyMap<string, { configKey: ConfigKey; kind: 'before' | 'after' }> = new Map(
  COMMANDS.map((c) => [c.configKey.toLowerCase(), { configKey: c.configKey, kind: c.kind }]),
);

/**
 * OpenIM's `config/webhooks.yml`, read as OpenIM reads it: keys case-insensitively (viper lower-cases them), absent
 * keys disabled, unknown keys ignored (with a warning here). Wrongly typed values are errors.
 *
 * @example
 * parseWebhooksYaml('url: http://127.0.0.1:10006/callbackExample\nafterCreateSingleChatConversations:\n  enable: true\n');
 */
export function parseWebhooksYaml(text: string, source = 'webhooks.yml'): ParsedWebhooksConfig {
  const document: unknown = parse(text);
  if (!isRecord(document)) throw new TypeError(`${source}: expected a mapping at the top level`);
  const warnings: string[] = [];
  let url: string | undefined;
  const callbacks: Partial<Record<ConfigKey, CallbackConfig>> = {};
  for (const [key, value] of Object.entries(document)) {
    if (key.toLowerCase() === 'url') {
      if (typeof value !== 'string') throw new TypeError(`${source}: url must be a string`);
      url = value;
      continue;
    }
    const info = KEY_INFO.get(key.toLowerCase());
    if (info === undefined) {
      warnings.push(`${source}: unknown key ${JSON.stringify(key)} ignored`);
      continue;
    }
    if (value === null || value === undefined) continue;
    if (!isRecord(value)) throw new TypeError(`${source}: ${key} must be a mapping`);
    callbacks[info.configKey] = readCallback(value, `${source}: ${key}`, info.kind, warnings);
  }
  if (url === undefined) throw new TypeError(`${source}: url is missing`);
  return { config: { url, callbacks }, warnings };
}

function readCallback(
  value: Readonly<Record<string, unknown>>,
  where: string,
  kind: 'before' | 'after',
  warnings: string[],
): CallbackConfig {
  const config = {
    enable: false,
    timeout: 0,
    failedContinue: false,
    attentionIds: [] as string[],
    deniedTypes: [] as number[],
  };
  for (const [key, field] of Object.entries(value)) {
    switch (key.toLowerCase()) {
      case 'enable':
        config.enable = toBool(field, `${where}.enable`);
        break;
      case 'timeout':
        config.timeout = toInt(field, `${where}.timeout`);
        break;
      case 'failedcontinue':
        config.failedContinue = toBool(field, `${where}.failedContinue`);
        if (kind === 'after')
          warnings.push(`${where}.failedContinue ignored: OpenIM's after-callbacks have no such setting`);
        break;
      case 'attentionids':
        config.attentionIds = toList(field, `${where}.attentionIds`).map((item) => String(item));
        if (kind === 'before')
          warnings.push(`${where}.attentionIds ignored: OpenIM reads it for after-callbacks only`);
        break;
      case 'deniedtypes':
        config.deniedTypes = toList(field, `${where}.deniedTypes`).map((item) =>
          toInt(item, `${where}.deniedTypes`),
        );
        break;
      case 'allowedtypes':
        warnings.push(`${where}.allowedTypes ignored: OpenIM removed it in Feb 2025 (#3151)`);
        break;
      default:
        warnings.push(`${where}: unknown key ${JSON.stringify(key)} ignored`);
    }
  }
  return config;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toBool(value: unknown, where: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new TypeError(`${where} must be true or false`);
}

function toInt(value: unknown, where: string): number {
  const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number === 'number' && Number.isSafeInteger(number)) return number;
  throw new TypeError(`${where} must be an integer`);
}

function toList(value: unknown, where: string): readonly unknown[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value as unknown[];
  throw new TypeError(`${where} must be a list`);
}
