import type { CallbackOutcome } from './callback-outcome.js';
import type { AfterCall } from './emitter-types.js';

/** One after-callback, encoded when it was issued (OpenIM snapshots the values at that moment). */
export interface AfterJob {
  readonly command: string;
  readonly requestBody: string;
  readonly operationID: string;
  readonly timeoutMs: number;
}

/** Posts a job once; `headers` are extra request headers (reliable mode's event id). */
export type PostJob = (job: AfterJob, headers?: readonly string[]) => Promise<CallbackOutcome>;

/** How after-callbacks travel: OpenIM's in-memory queue, or the durable, retrying one. */
export interface AfterDelivery {
  readonly mode: 'openim' | 'reliable';
  /** Resolves once the job is accepted (queued, persisted) or refused (dropped). */
  submit(job: AfterJob): Promise<AfterCall>;
  /** Callbacks lost: dropped from a full queue, or given up after the last retry. */
  lost(): number;
  /** Resolves when nothing accepted is still waiting for delivery. */
  drain(): Promise<void>;
  /** Stops posting now: openim mode forgets what is queued (as OpenIM does), reliable mode keeps it on disk. */
  close(): Promise<void>;
}

/** Where after-callbacks go: the webhooks `url`, and each command's effective timeout (webhooks.yml). */
export interface DeliveryTarget {
  readonly url: string;
  timeoutMs(command: string): number;
}

/**
 * Builds a delivery around the emitter's post function. The target matters to a delivery that posts jobs it did
 * not receive in this run (reliable mode's pending callbacks of an earlier run).
 */
export type AfterDeliveryFactory = (post: PostJob, target: DeliveryTarget) => AfterDelivery;
