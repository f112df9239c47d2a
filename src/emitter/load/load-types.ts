import type { AfterModeFactory } from '../modes/after-mode.js';
import type { CallbackErrorKind } from '../../wire/callback-error-kind.js';

export interface LoadOptions {
  /** The `url` of webhooks.yml: callbacks go to `url + "/" + command`. */
  readonly url: string;
  /** Callbacks per second, scheduled open-loop (the schedule does not wait for answers). */
  readonly rate: number;
  readonly durationSeconds: number;
  /** Concurrent connections, each with one callback in flight at a time (OpenIM: 2 per process). */
  readonly connections: number;
  /**
   * How callbacks travel. Default: OpenIM's in-memory queue with `connections` workers, `slots` and `pushWaitMs`;
   * `reliableMode({ file, workers: connections })` of `openim-hooks/emitter/reliable` for the durable, retrying one.
   */
  readonly afterMode?: AfterModeFactory;
  /** @deprecated the earlier name of `afterMode`, still read when `afterMode` is not given. */
  readonly delivery?: AfterModeFactory;
  /** Default: the single chat after-callback; each callback is a new conversation. */
  readonly command?:
    | 'callbackAfterCreateSingleChatConversationsCommand'
    | 'callbackBeforeCreateSingleChatConversationsCommand'
    | 'callbackAfterCreateGroupChatConversationsCommand'
    | 'callbackBeforeCreateGroupChatConversationsCommand';
  /** Seconds, as in webhooks.yml (effective limit min(timeout, 15 s)); default 5. */
  readonly timeoutSeconds?: number;
  /** Callbacks waiting for a connection before pushes block; OpenIM: 100. */
  readonly slots?: number;
  /** How long a push blocks on a full queue before the callback is dropped; OpenIM: 3000. */
  readonly pushWaitMs?: number;
  /**
   * Seconds of load at the same rate before the measured run, left out of every figure: the first second of a
   * cold process (JIT, new connections) otherwise leaves a backlog in the percentiles. Default 0.
   */
  readonly warmupSeconds?: number;
  /** Hard bound on the number of measured callbacks; default rate × duration. */
  readonly maxCallbacks?: number;
  /** After the schedule ends, how long to wait for callbacks still queued or in flight; default 10 s. */
  readonly drainTimeoutMs?: number;
  /** Headers added to every attempt, computed from the exact body bytes (see EmitterOptions.attemptHeaders). */
  readonly attemptHeaders?: (body: Buffer) => readonly string[];
  /** Called every second while the run lasts (for a live display, or to see when a backlog formed). */
  readonly onProgress?: (progress: LoadProgress) => void;
}

export interface LoadProgress {
  readonly elapsedSeconds: number;
  readonly scheduled: number;
  readonly answered: number;
  /** Callbacks waiting for a connection, blocked pushes included. */
  readonly backlog: number;
  readonly dropped: number;
}

/** Milliseconds, from an HDR histogram with 3 significant digits. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

export interface LoadReport {
  readonly target: string;
  readonly mode: 'openim' | 'reliable';
  readonly requestedRate: number;
  readonly durationSeconds: number;
  readonly connections: number;
  /** Warm-up callbacks scheduled before the measured run (not in any other figure), and how many were answered. */
  readonly warmupCallbacks: number;
  readonly warmupAnswered: number;
  /** Callbacks the measured schedule produced (bounded by rate × duration and maxCallbacks). */
  readonly scheduled: number;
  /** Posts made, retries included (reliable mode). */
  readonly sent: number;
  /** Answered and judged `continue`. */
  readonly succeeded: number;
  readonly rejected: number;
  readonly errors: Readonly<Partial<Record<CallbackErrorKind, number>>>;
  /**
   * openim mode: dropped because the queue stayed full for pushWaitMs, as OpenIM drops them (silently, there);
   * reliable mode: given up after the last attempt.
   */
  readonly dropped: number;
  /** Still queued or in flight at the drain deadline. */
  readonly unfinished: number;
  /** HTTP status of every answer, counted (OpenIM ignores them). */
  readonly statuses: Readonly<Record<string, number>>;
  /** Seconds from the first scheduled callback to the last answer. */
  readonly elapsedSeconds: number;
  /** Answers (of any kind) per second over elapsedSeconds. */
  readonly achievedRate: number;
  /** From the scheduled time to the answer: includes time queued (no coordinated omission). */
  readonly latency: LatencySummary;
  /** From the start of the post to the answer. */
  readonly serviceTime: LatencySummary;
  /**
   * How long handing a callback to the delivery held the caller: OpenIM's RPC waits this long on a full queue (up to
   * pushWaitMs, then the callback is dropped); reliable mode's, until the callback is on disk.
   */
  readonly pushWait: LatencySummary;
}
