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

/**
 * How long to wait before retry number `retry` (1 for the first retry): exponential backoff, capped, with ±20 %
 * jitter by default so that many failed deliveries do not come back in lockstep. `random` is injectable for tests.
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
  const { baseMs = 500, factor = 2, maxMs = 300_000, jitter = 0.2 } = options;
  const exponent = Math.max(0, Math.floor(retry) - 1);
  const delay = Math.min(maxMs, baseMs * factor ** exponent);
  return Math.round(delay * (1 - jitter + 2 * jitter * random()));
}
