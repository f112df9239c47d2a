export * from './durable-queue.js';
export * from './open-durable-queue.js';
export * from './is-retryable.js';
export * from './reliable-delivery.js';
export { backoffDelayMs, exponentialSchedule, nominalBackoffMs } from '../../sync/backoff.js';
export type { BackoffOptions } from '../../sync/backoff.js';
export * from './openim-format-sink.js';
