import type { PruneCounts } from './prune-counts.js';

/** What `openim-hooks prune` did, or with `--dry-run` would do, per command and in total. */
export interface PruneReport {
  readonly dryRun: boolean;
  readonly commands: readonly {
    readonly callbackCommand: string;
    /** The command's retention, ms (0: kept for ever). */
    readonly retentionMs: number;
    /** Events that go (or would). */
    readonly events: number;
    /** Events old enough that stay because a delivery of theirs is still pending. */
    readonly held: number;
  }[];
  readonly total: PruneCounts;
}
