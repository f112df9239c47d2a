import { InvalidArgumentError } from 'commander';

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A time on the command line, as epoch ms: ISO 8601, epoch milliseconds, or a span back from now (`90s`, `30m`,
 * `1h`, `2d`, `1w`, so `--since 1h` means the last hour).
 */
export function parseTimeArg(value: string, now = Date.now()): number {
  const relative = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(value.trim());
  if (relative) return now - Number(relative[1]) * (UNITS[relative[2] ?? 's'] ?? 1_000);
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(ms))
    throw new InvalidArgumentError('must be ISO 8601, epoch ms, or a span ago such as 30m, 1h, 2d');
  return ms;
}
