const UNITS: [string, number][] = [
  ['w', 604_800_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** A retention as the settings write it: `30d`, `12h`, `90m`; `for ever` for 0. */
export function formatRetention(ms: number): string {
  if (ms <= 0) return 'for ever';
  for (const [unit, size] of UNITS) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
