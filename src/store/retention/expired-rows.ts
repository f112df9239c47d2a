/** One event as pruning scans them: oldest first within a command. */
export interface ScannedEvent {
  readonly id: number;
  readonly receivedAt: number;
  /** A delivery of it is still pending (due, held for a retry, or leased): it stays, whatever its age. */
  readonly held: boolean;
}

export interface Expired {
  /** Events that may go now. */
  readonly ids: number[];
  /** Where the next scan of this command resumes (0: from its oldest event again). */
  readonly resumeAfter: number;
  /** The scan stopped short of the command's newest expired event: more may go at once. */
  readonly more: boolean;
}

/**
 * Picks, from a scan of one command's events in id order (`limit` rows after `after`), those that may go: older than
 * `cutoff` and not held by a pending delivery. The scan stops at the first event still young enough (ids follow
 * arrival, so what comes after is younger too); held events are stepped over, and found again once a scan reaches
 * the young end and starts over from the oldest. So each scan costs at most `limit` rows, however many events a
 * pending sink holds back.
 */
export function expiredRows(rows: readonly ScannedEvent[], cutoff: number, limit: number): Expired {
  const ids: number[] = [];
  for (const row of rows) {
    if (row.receivedAt >= cutoff) return { ids, resumeAfter: 0, more: false };
    if (!row.held) ids.push(row.id);
  }
  const last = rows[rows.length - 1];
  if (rows.length < limit || !last) return { ids, resumeAfter: 0, more: false };
  return { ids, resumeAfter: last.id, more: true };
}
