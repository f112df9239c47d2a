/** One thing `openim-hooks doctor` looked at: what it found, and what to do about it. */
export interface Finding {
  readonly check: string;
  /** `problem`: something is wrong now (doctor exits 1); `warn`: worth a look; `ok`: fine. */
  readonly status: 'ok' | 'warn' | 'problem';
  readonly detail: string;
  /** What to do; absent when nothing is to be done. */
  readonly fix?: string;
}

export const finding = (check: string, status: Finding['status'], detail: string, fix?: string): Finding =>
  fix === undefined ? { check, status, detail } : { check, status, detail, fix };

export const MiB = 2 ** 20;
export const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

/** A span in the largest unit that says it well: `90 s`, `12 min`, `3.5 h`, `30 d`. */
export function span(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}
