import { readFile } from 'node:fs/promises';
import { parseWebhooksYaml } from './parse-webhooks-yaml.js';
import type { ParsedWebhooksConfig } from './parse-webhooks-yaml.js';

/**
 * Reads OpenIM's own `config/webhooks.yml`.
 *
 * @example
 * const { config, warnings } = await loadWebhooksConfig('openim/config/webhooks.yml');
 */
export async function loadWebhooksConfig(path: string): Promise<ParsedWebhooksConfig> {
  return parseWebhooksYaml(await readFile(path, 'utf8'), path);
}
