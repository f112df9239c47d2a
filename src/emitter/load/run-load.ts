import { build } from 'hdr-histogram-js';
import { encodeGoJson, findCommand } from '../../protocol/index.js';
import type { EncodedCallback } from '../../wire/encoded-callback.js';
import type { CallbackErrorKind } from '../../wire/callback-error-kind.js';
import type { CallbackOutcome } from '../../wire/callback-outcome.js';
import { callbackUrl } from '../../wire/callback-url.js';
import { createGoLikeAgent } from '../../wire/create-go-like-agent.js';
import { effectiveTimeoutMs } from '../../wire/effective-timeout.js';
import { newOperationId } from '../../wire/new-operation-id.js';
import { openimMode } from '../modes/openim-mode.js';
import { sendCallback } from '../../wire/send-callback.js';
import { latencySummary } from './latency-summary.js';
import { loadPayload } from './load-payload.js';
import type { LoadOptions, LoadReport } from './load-types.js';

/**
 * Open-loop load as OpenIM produces it: callbacks are scheduled at `rate` whatever the receiver does and handed to
 * the delivery — OpenIM's kind of queue (`slots`, a push blocks up to `pushWaitMs`, then drops) or reliable mode's
 * durable, retrying queue — posted by `connections` workers, byte for byte as OpenIM posts them. Bounded in time
 * (warm-up + duration + drain deadline) and in count.
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
  const fields = findCommand(command)?.request;
  const timeoutMs = effectiveTimeoutMs(options.timeoutSeconds ?? 5);
  const warmupSeconds = options.warmupSeconds ?? 0;
  const warmupTotal = Math.floor(rate * warmupSeconds);
  const total = Math.min(Math.floor(rate * durationSeconds), options.maxCallbacks ?? Number.MAX_SAFE_INTEGER);
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  const agent = createGoLikeAgent(url, connections, connections);
  const runId = Date.now().toString(36);
  const latency = build({ numberOfSignificantValueDigits: 3 });
  const serviceTime = build({ numberOfSignificantValueDigits: 3 });
  const pushWait = build({ numberOfSignificantValueDigits: 3 });
  const errors: Partial<Record<CallbackErrorKind, number>> = {};
  const statuses: Record<string, number> = {};
  const warmupIds = new Set<string>();
  let scheduled = 0;
  let sent = 0;
  let succeeded = 0;
  let rejected = 0;
  let answered = 0;
  let warmupAnswered = 0;
  let lastAnswer = 0;
  let backlog = 0;

  const post = async (
    job: EncodedCallback,
    extraHeaders: readonly string[] = [],
  ): Promise<CallbackOutcome> => {
    const requestBody = job.requestBody; // encoded here, once
    const signed = options.attemptHeaders?.(Buffer.from(requestBody, 'utf8')) ?? [];
    const headers = [...extraHeaders, ...signed];
    const outcome = await sendCallback({
      url,
      command: job.command,
      requestBody,
      operationID: job.operationID,
      timeoutMs: job.timeoutMs,
      agent,
      ...(headers.length > 0 ? { extraHeaders: headers } : {}),
    });
    if (!warmupIds.has(job.operationID)) {
      sent += 1;
      serviceTime.recordValue(Math.max(1, Math.round(outcome.durationMs * 1000)));
      if (outcome.status !== null) statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
    }
    return outcome;
  };
  const afterMode = (
    options.afterMode ??
    options.delivery ??
    openimMode({
      workers: connections,
      slots: options.slots ?? 100,
      pushWaitMs: options.pushWaitMs ?? 3000,
    })
  )(post, { url, timeoutMs: () => timeoutMs });

  const finish = (outcome: CallbackOutcome, due: number, warmup: boolean): void => {
    const now = performance.now();
    if (warmup) {
      warmupAnswered += 1;
      return;
    }
    answered += 1;
    lastAnswer = now;
    latency.recordValue(Math.max(1, Math.round((now - due) * 1000)));
    if (outcome.result === 'continue') succeeded += 1;
    else if (outcome.result === 'rejected') rejected += 1;
    else if (outcome.errorKind !== null) errors[outcome.errorKind] = (errors[outcome.errorKind] ?? 0) + 1;
  };

  const submit = (n: number, due: number): void => {
    const warmup = n < warmupTotal;
    const operationID = newOperationId();
    if (warmup) warmupIds.add(operationID);
    backlog += 1;
    // Like OpenIM, marshal when a worker posts, not when the callback is queued: under overload most callbacks are
    // dropped and were never worth encoding (the reliable queue reads the body at once, to store it).
    const job = {
      command,
      operationID,
      timeoutMs,
      get requestBody(): string {
        return encodeGoJson(loadPayload(command, runId, n), fields);
      },
    };
    const submitted = performance.now();
    void afterMode.submit(job).then(async (call) => {
      if (!warmup) pushWait.recordValue(Math.max(1, Math.round((performance.now() - submitted) * 1000)));
      if (call.queued) finish(await call.delivered, due, warmup);
      backlog -= 1;
    });
  };

  const start = performance.now();
  const measuredStart = start + (warmupTotal * 1000) / rate;
  const progress = setInterval(() => {
    options.onProgress?.({
      elapsedSeconds: Math.round(performance.now() - start) / 1000,
      scheduled: Math.max(0, scheduled - warmupTotal),
      answered,
      backlog,
      dropped: afterMode.lost(),
    });
  }, 1000);

  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsed = performance.now() - start;
      const due = Math.min(warmupTotal + total, Math.floor((elapsed * rate) / 1000) + 1);
      while (scheduled < due) {
        const n = scheduled;
        scheduled += 1;
        submit(n, start + (n * 1000) / rate);
      }
      if (scheduled >= warmupTotal + total || elapsed >= (durationSeconds + warmupSeconds) * 1000) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });

  let deadline: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    afterMode.drain().then(() => true),
    new Promise<false>((resolve) => (deadline = setTimeout(() => resolve(false), drainTimeoutMs))),
  ]);
  clearTimeout(deadline);
  clearInterval(progress);
  const dropped = afterMode.lost();
  agent.destroy();
  await afterMode.close();
  const elapsedSeconds = Math.max(lastAnswer - measuredStart, 1) / 1000;
  const measured = Math.max(0, scheduled - warmupTotal);
  return {
    target: callbackUrl(url, command),
    mode: afterMode.mode,
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
    pushWait: latencySummary(pushWait),
  };
}
