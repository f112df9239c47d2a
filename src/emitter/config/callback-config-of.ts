import { findCommand } from '../../protocol/index.js';
import { DISABLED_CALLBACK } from './webhooks-config.js';
import type { CallbackConfig, WebhooksConfig } from './webhooks-config.js';

/** The settings OpenIM applies to `command`: those of its config key, or disabled when the key is absent. */
export function callbackConfigOf(config: WebhooksConfig, command: string): CallbackConfig {
  const info = findCommand(command);
  return (info && config.callbacks[info.configKey]) ?? DISABLED_CALLBACK;
}
