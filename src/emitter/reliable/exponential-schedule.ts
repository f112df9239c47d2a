export interface BackoffOptions {
  /** Delay before the first retry, ms. Default 500. */
  readonly baseMs?: number;
  /** Growth per retry. Default 2. */
  readonly factor?: number;
  /** Cap of a delay, ms. Default 5 minutes. */
  readonly maxMs?: number;
}

/**
 * An exponential relay schedule (`RelaySink.schedule`: the delays before each retry, `retries` of them), for
 * short-lived uses such as the emitter's reliable mode; the relay spreads each delay by ±20 % jitter so that many
 * failed deliveries do not come back in lockstep.
 *
 * @example
 * exponentialSchedule(5, { baseMs: 1000 }); // [1000, 2000, 4000, 8000, 16000]
 */
export function exponentialSchedule(retries: number, options: BackoffOptions = {}): number[] {
  const { baseMs = 500, factor = 2, maxMs = 300_000 } = options;
  return Array.from({ length: Math.max(0, retries) }, (_, i) => Math.min(maxMs, baseMs * factor ** i));
}
