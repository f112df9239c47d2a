import type { CallbackErrorKind } from '../wire/callback-error-kind.js';
import type { CallbackOutcome } from '../wire/callback-outcome.js';
import type { WebhooksConfig } from './config/webhooks-config.js';

/**
 * What became of a before-callback: not sent because its key is disabled, or sent and judged. `proceed` says
 * whether the operation goes on: only after `continue` in openim mode (HEAD ignores failedContinue); in reliable
 * mode also after a failure (not a rejection) when the key has failedContinue.
 */
export type BeforeCall =
  | { readonly sent: false; readonly reason: 'disabled' | 'filtered'; readonly detail?: string }
  | { readonly sent: true; readonly outcome: CallbackOutcome; readonly proceed: boolean };

/**
 * What became of an after-callback: not queued (key disabled, filtered out as OpenIM does, or dropped after waiting
 * for a full queue), or
 * queued, with its delivery to come. OpenIM discards the delivery's result; it is reported here.
 */
export type AfterCall =
  | { readonly queued: false; readonly reason: 'disabled' | 'dropped' | 'filtered'; readonly detail?: string }
  | { readonly queued: true; readonly delivered: Promise<CallbackOutcome> };

export interface EmitterStats {
  readonly sent: number;
  readonly continued: number;
  readonly rejected: number;
  readonly errors: Readonly<Partial<Record<CallbackErrorKind, number>>>;
  /**
   * After-callbacks lost: in openim mode dropped because the queue stayed full for `pushWaitMs` (OpenIM drops them
   * silently); in reliable mode given up after the last retry.
   */
  readonly dropped: number;
  /** Callbacks skipped because their key is not enabled. */
  readonly disabled: number;
  /** Message callbacks OpenIM filters out (typing, notifications, deniedTypes, attentionIds). */
  readonly filtered: number;
}

export interface Emitter {
  readonly config: WebhooksConfig;
  readonly mode: 'openim' | 'reliable';
  /** Send B to the second before-callback of a single chat instead of A again (docs/protocol.md §2). */
  readonly fixOpenimBugs: boolean;
  /** A before-callback: sent now, the caller waits for its judgement. */
  callBefore(
    command: string,
    payload: Readonly<Record<string, unknown>>,
    operationID: string,
  ): Promise<BeforeCall>;
  /** An after-callback: encoded now (OpenIM snapshots the values), posted by a queue worker. */
  callAfter(
    command: string,
    payload: Readonly<Record<string, unknown>>,
    operationID: string,
  ): Promise<AfterCall>;
  stats(): EmitterStats;
  /** Resolves when every queued after-callback has been delivered or dropped. */
  drain(): Promise<void>;
  /**
   * Stops and closes the connections: in openim mode after draining the queue (it would be lost otherwise), in
   * reliable mode at once (what is pending stays in the queue file and is delivered by the next run).
   */
  close(): Promise<void>;
}
