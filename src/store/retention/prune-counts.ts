/** What one pruning removed (or, in a dry run, would remove), table by table. */
export interface PruneCounts {
  events: number;
  deliveries: number;
  attempts: number;
  answers: number;
  conversations: number;
}

export const noPruneCounts = (): PruneCounts => ({
  events: 0,
  deliveries: 0,
  attempts: 0,
  answers: 0,
  conversations: 0,
});

/** Adds `more` into `total` (in place) and returns it. */
export function addPruneCounts(total: PruneCounts, more: Partial<PruneCounts>): PruneCounts {
  total.events += more.events ?? 0;
  total.deliveries += more.deliveries ?? 0;
  total.attempts += more.attempts ?? 0;
  total.answers += more.answers ?? 0;
  total.conversations += more.conversations ?? 0;
  return total;
}

export const prunedAnything = (counts: PruneCounts) =>
  counts.events + counts.deliveries + counts.attempts + counts.answers + counts.conversations > 0;
