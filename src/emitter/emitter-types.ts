import type { CallbackErrorKind } from './callback-error-kind.js';
import type { CallbackOutcome } from './callback-outcome.js';
import type { WebhooksConfig } from './webhooks-config.js';

/** What became of a before-callback: not sent because its key is disabled, or sent and judged. */
export type BeforeCall =
  | { readonly sent: false; readonly reason: 'disabled' }
  | { readonly sent: true; readonly outcome: CallbackOutcome };

/**
 * What became of an after-callback: not queued (key disabled, or dropped after waiting for a full queue), or
 * queued, with its delivery to come. OpenIM discards the delivery's result; it is reported here.
 */
export type AfterCall =
  | { readonly queued: false; readonly reason: 'disabled' | 'dropped' }
  | { readonly queued: true; readonly delivered: Promise<CallbackOutcome> };

export interface EmitterStats {
  readonly sent: number;
  readonly continued: number;
  readonly rejected: number;
  readonly errors: Readonly<Partial<Record<CallbackErrorKind, number>>>;
  /** After-callbacks lost because the queue stayed full for `pushWaitMs` (OpenIM drops them silently). */
  readonly dropped: number;
  /** Callbacks skipped because their key is not enabled. */
  readonly disabled: number;
}

export interface Emitter {
  readonly config: WebhooksConfig;
  /** Send B to the second before-callback of a single chat instead of A again (PROTOCOL.md §2 step 5). */
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
  /** Drains, then closes the connections. */
  close(): Promise<void>;
}
