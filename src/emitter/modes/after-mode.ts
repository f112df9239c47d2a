import type { CallbackOutcome, EncodedCallback } from '../../wire/index.js';
import type { AfterCall } from '../emitter-types.js';

/**
 * Posts one after-callback, encoded when it was issued (OpenIM snapshots the values at that moment); `headers` are
 * extra request headers (reliable mode's event id).
 */
export type SendEncoded = (job: EncodedCallback, headers?: readonly string[]) => Promise<CallbackOutcome>;

/** An after-callback mode: how after-callbacks travel, OpenIM's in-memory queue or the durable, retrying one. */
export interface AfterMode {
  readonly mode: 'openim' | 'reliable';
  /** Resolves once the job is accepted (queued, persisted) or refused (dropped). */
  submit(job: EncodedCallback): Promise<AfterCall>;
  /** Callbacks lost: dropped from a full queue, or given up after the last retry. */
  lost(): number;
  /** Resolves when nothing accepted is still waiting for delivery. */
  drain(): Promise<void>;
  /** Stops posting now: openim mode forgets what is queued (as OpenIM does), reliable mode keeps it on disk. */
  close(): Promise<void>;
}

/** Where after-callbacks go: the webhooks `url`, and each command's effective timeout (webhooks.yml). */
export interface AfterTarget {
  readonly url: string;
  timeoutMs(command: string): number;
}

/**
 * Builds an after-callback mode around the emitter's post function. The target matters to a mode that posts
 * callbacks it did not receive in this run (reliable mode's pending callbacks of an earlier run).
 */
export type AfterModeFactory = (post: SendEncoded, target: AfterTarget) => AfterMode;
