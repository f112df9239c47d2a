import { COMMANDS } from '../../protocol/index.js';
import type { CallbackConfig, ConfigKey, WebhooksConfig } from './webhooks-config.js';

/** The programmatic form of `webhooks.yml`: any key may be left out. */
export interface WebhooksConfigInput {
  readonly url: string;
  /** Settings per key; a key left out is disabled (as in OpenIM) unless `enableAll` is set. */
  readonly callbacks?: Readonly<Partial<Record<ConfigKey, Partial<CallbackConfig>>>>;
  /** Enable every key not given in `callbacks`, with `defaultTimeout`: handy to point the emitter at a receiver. */
  readonly enableAll?: boolean;
  /** Timeout in seconds of keys enabled by `enableAll`; 5, as in OpenIM's shipped `webhooks.yml`. */
  readonly defaultTimeout?: number;
}

/**
 * The full config from its programmatic form.
 *
 * @example
 * resolveWebhooksConfig({ url: 'http://127.0.0.1:10006/callbackExample', enableAll: true });
 */
export function resolveWebhooksConfig(input: WebhooksConfigInput): WebhooksConfig {
  const callbacks: Partial<Record<ConfigKey, CallbackConfig>> = {};
  for (const { configKey } of COMMANDS) {
    const given = input.callbacks?.[configKey];
    if (given === undefined && !input.enableAll) continue;
    callbacks[configKey] = {
      enable: given?.enable ?? input.enableAll === true,
      timeout: given?.timeout ?? (input.enableAll ? (input.defaultTimeout ?? 5) : 0),
      failedContinue: given?.failedContinue ?? false,
      attentionIds: given?.attentionIds ?? [],
      deniedTypes: given?.deniedTypes ?? [],
    };
  }
  return { url: input.url, callbacks };
}
