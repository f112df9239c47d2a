import { build } from 'hdr-histogram-js';
import { encodeGoJson, fieldsOf } from '../../protocol/index.js';
import type { CallbackErrorKind } from '../callback-error-kind.js';
import { callbackUrl } from '../callback-url.js';
import { createAfterQueue } from '../create-after-queue.js';
import { createGoLikeAgent } from '../create-go-like-agent.js';
import { effectiveTimeoutMs } from '../effective-timeout.js';
import { newOperationId } from '../new-operation-id.js';
import { sendEncodedCallback } from '../send-encoded-callback.js';
import { latencySummary } from './latency-summary.js';
import { loadPayload } from './load-payload.js';
import type { LoadOptions, LoadReport } from './load-types.js';

/**
 * Open-loop load as OpenIM produces it: callbacks are scheduled at `rate` whatever the receiver does, pushed into
 * OpenIM's kind of queue (`slots`, push blocks up to `pushWaitMs`, then drops) and posted by `connections` workers,
 * byte for byte as OpenIM posts them. Bounded in time (duration + drain deadline) and in count.
 *
 * @example
 * const report = await runLoad({ url: 'http://127.0.0.1:10006/callbackExample', rate: 1000, durationSeconds: 10,
 *   connections: 8 });
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const { url, rate, durationSeconds, connections } = options;
  if (!(rate > 0) || !(durationSeconds > 0) || !(connections >= 1)) {
    throw new RangeError('rate and duration must be positive, connections at least 1');
  }
  const command = options.command ?? 'callbackAfterCreateSingleChatConversationsCommand';
  const fields = fieldsOf(command);
  const timeoutMs = effectiveTimeoutMs(options.timeoutSeconds ?? 5);
  const warmupTotal = Math.floor(rate * (options.warmupSeconds ?? 0));
  const total = Math.min(Math.floor(rate * durationSeconds), options.maxCallbacks ?? Number.MAX_SAFE_INTEGER);
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  const agent = createGoLikeAgent(url, connections, connections);
  const queue = createAfterQueue({
    workers: connections,
    slots: options.slots ?? 100,
    pushWaitMs: options.pushWaitMs ?? 3000,
  });
  const runId = Date.now().toString(36);
  const latency = build({ numberOfSignificantValueDigits: 3 });
  const serviceTime = build({ numberOfSignificantValueDigits: 3 });
  const errors: Partial<Record<CallbackErrorKind, number>> = {};
  const statuses: Record<string, number> = {};
  let scheduled = 0;
  let warmupAnswered = 0;
  let sent = 0;
  let succeeded = 0;
  let rejected = 0;
  let answered = 0;
  let lastAnswer = 0;
  let stopped = false;

  const start = performance.now();
  const measuredStart = start + (warmupTotal * 1000) / rate;
  const progress = setInterval(() => {
    const stats = queue.stats();
    options.onProgress?.({
      elapsedSeconds: Math.round(performance.now() - start) / 1000,
      scheduled: Math.max(0, scheduled - warmupTotal),
      answered,
      backlog: stats.waiting + stats.blockedPushes,
      dropped: stats.dropped,
    });
  }, 1000);
  const post = (n: number, due: number) => async (): Promise<void> => {
    if (stopped) return;
    const warmup = n < warmupTotal;
    if (!warmup) sent += 1;
    const requestBody = encodeGoJson(loadPayload(command, runId, n), fields);
    const outcome = await sendEncodedCallback({
      url,
      command,
      requestBody,
      operationID: newOperationId(),
      timeoutMs,
      agent,
    });
    const now = performance.now();
    if (warmup) {
      warmupAnswered += 1;
      return;
    }
    answered += 1;
    lastAnswer = now;
    latency.recordValue(Math.max(1, Math.round((now - due) * 1000)));
    serviceTime.recordValue(Math.max(1, Math.round(outcome.durationMs * 1000)));
    if (outcome.status !== null) statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
    if (outcome.result === 'continue') succeeded += 1;
    else if (outcome.result === 'rejected') rejected += 1;
    else if (outcome.errorKind !== null) errors[outcome.errorKind] = (errors[outcome.errorKind] ?? 0) + 1;
  };

  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsed = performance.now() - start;
      const due = Math.min(warmupTotal + total, Math.floor((elapsed * rate) / 1000) + 1);
      while (scheduled < due) {
        const n = scheduled;
        scheduled += 1;
        void queue.push(post(n, start + (n * 1000) / rate));
      }
      if (
        scheduled >= warmupTotal + total ||
        elapsed >= (durationSeconds + (options.warmupSeconds ?? 0)) * 1000
      ) {
        resolve();
      } else setTimeout(tick, 1);
    };
    tick();
  });

  const drained = await Promise.race([
    queue.drain().then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), drainTimeoutMs).unref()),
  ]);
  stopped = true;
  clearInterval(progress);
  const { dropped } = queue.stats();
  agent.destroy();
  const elapsedSeconds = Math.max(lastAnswer - measuredStart, 1) / 1000;
  const measured = Math.max(0, scheduled - warmupTotal);
  return {
    target: callbackUrl(url, command),
    mode: 'openim',
    requestedRate: rate,
    durationSeconds,
    connections,
    warmupCallbacks: Math.min(scheduled, warmupTotal),
    warmupAnswered,
    scheduled: measured,
    sent,
    succeeded,
    rejected,
    errors,
    dropped,
    unfinished: drained ? 0 : Math.max(0, measured - dropped - answered),
    statuses,
    elapsedSeconds,
    achievedRate: Math.round((answered / elapsedSeconds) * 10) / 10,
    latency: latencySummary(latency),
    serviceTime: latencySummary(serviceTime),
  };
}
