/**
 * Delays before each retry (the first attempt is immediate): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, as Svix does;
 * eight attempts spanning about 27.5 hours before an event is dead-lettered.
 */
export const DEFAULT_RETRY_SCHEDULE_MS = [
  5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
];

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration such as `500ms`, `5s`, `30m`, `2h`, `1d`, or a number of milliseconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(String(value).trim());
  if (!match) throw new Error(`not a duration: ${JSON.stringify(value)} (use e.g. 500ms, 5s, 30m, 2h)`);
  return Number(match[1]) * (UNITS[match[2] ?? 'ms'] ?? 1);
}

/** `delay` spread uniformly over ±`jitter` (0.2 = ±20 %), so retries of many events do not come back in lockstep. */
export function withJitter(delay: number, jitter = 0.2, random: () => number = Math.random): number {
  return Math.round(delay * (1 - jitter + 2 * jitter * random()));
}

/**
 * When the next attempt is due after `attemptsMade` failed attempts, or undefined when the schedule is exhausted
 * (the delivery is then dead-lettered). A sink's Retry-After is honoured, clamped to [1 s, 1 h].
 */
export function nextAttemptDelay(
  attemptsMade: number,
  schedule: readonly number[],
  retryAfterMs?: number,
): number | undefined {
  const scheduled = schedule[attemptsMade - 1];
  if (scheduled === undefined) return undefined;
  if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, 1_000), 3_600_000);
  return withJitter(scheduled);
}
