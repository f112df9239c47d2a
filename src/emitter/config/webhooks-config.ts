import type { CommandInfo } from '../../protocol/index.js';

/** A key under OpenIM's `config/webhooks.yml`, such as `beforeCreateSingleChatConversations`. */
export type ConfigKey = CommandInfo['configKey'];

/**
 * One callback's settings, as OpenIM reads them from `webhooks.yml`. Before-keys carry `failedContinue`
 * (read by no OpenIM code since v3.7.0, docs/protocol.md §1.6); after-keys carry `attentionIds`. `deniedTypes` and
 * `attentionIds` only filter message callbacks.
 */
export interface CallbackConfig {
  readonly enable: boolean;
  /** Seconds; the effective limit is min(timeout, 15 s) and 0 means 15 s (docs/protocol.md §1.4). */
  readonly timeout: number;
  readonly failedContinue: boolean;
  readonly attentionIds: readonly string[];
  readonly deniedTypes: readonly number[];
}

/** The whole of `webhooks.yml`: the base url and the settings of every key (absent keys are disabled, as in Go). */
export interface WebhooksConfig {
  readonly url: string;
  readonly callbacks: Readonly<Partial<Record<ConfigKey, CallbackConfig>>>;
}

/** A key OpenIM has not configured: Go's zero value, so the callback is disabled. */
export const DISABLED_CALLBACK: CallbackConfig = {
  enable: false,
  timeout: 0,
  failedContinue: false,
  attentionIds: [],
  deniedTypes: [],
};
