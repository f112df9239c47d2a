import { withJitter } from './retry-schedule.js';

export interface BackoffOptions {
  /** Delay before the first retry, ms. Default 500. */
  readonly baseMs?: number;
  /** Growth per attempt. Default 2. */
  readonly factor?: number;
  /** Cap of the delay before jitter, ms. Default 5 minutes. */
  readonly maxMs?: number;
  /** Relative jitter: the delay is multiplied by a uniform factor in [1 - jitter, 1 + jitter]. Default 0.2. */
  readonly jitter?: number;
}

/** The delay before retry number `retry` (1 for the first) without jitter: base × factor^(retry-1), capped. */
export function nominalBackoffMs(retry: number, options: BackoffOptions = {}): number {
  const { baseMs = 500, factor = 2, maxMs = 300_000 } = options;
  return Math.min(maxMs, baseMs * factor ** Math.max(0, Math.floor(retry) - 1));
}

/**
 * How long to wait before retry number `retry` (1 for the first retry): exponential backoff, capped, spread by the
 * relay's own jitter (±20 % by default, `withJitter` of retry-schedule.ts) so that many failed deliveries do not
 * come back in lockstep. `random` is injectable for tests.
 *
 * @example
 * backoffDelayMs(1); // 400..600
 * backoffDelayMs(3, { baseMs: 100 }); // 320..480
 */
export function backoffDelayMs(
  retry: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  return withJitter(nominalBackoffMs(retry, options), options.jitter ?? 0.2, random);
}

/**
 * The same backoff as a relay schedule (`RelaySink.schedule`, delays before each retry; the relay adds the jitter):
 * `retries` entries.
 *
 * @example
 * exponentialSchedule(5, { baseMs: 1000 }); // [1000, 2000, 4000, 8000, 16000]
 */
export function exponentialSchedule(retries: number, options: BackoffOptions = {}): number[] {
  return Array.from({ length: retries }, (_, i) => nominalBackoffMs(i + 1, options));
}
