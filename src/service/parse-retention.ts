const UNITS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * A retention as the settings write it: a number and a unit (`90s`, `30m`, `12h`, `30d`, `2w`), or `0` to keep for
 * ever; milliseconds out. A bare number other than 0 is refused: is `30` seconds or days? A unit says.
 */
export function parseRetention(raw: unknown): number {
  if (raw === 0 || raw === '0') return 0;
  const match = typeof raw === 'string' ? /^(\d+)\s*([smhdw])$/.exec(raw.trim()) : null;
  if (!match)
    throw new Error(
      `must be a duration such as 30d, 12h or 90m (0 keeps for ever), got ${JSON.stringify(raw)}`,
    );
  const ms = Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1_000);
  if (ms <= 0) return 0;
  return ms;
}
