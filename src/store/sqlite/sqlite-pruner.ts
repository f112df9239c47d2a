import type Database from 'better-sqlite3';
import {
  addPruneCounts,
  conversationCutoff,
  cutoffOf,
  expiredRows,
  noPruneCounts,
  PRUNE_BATCH,
  PRUNE_SQL,
  retentionOf,
} from '../retention/index.js';
import type { PruneCounts, PruneReport, RetentionPolicy, ScannedEvent } from '../retention/index.js';

export interface SqlitePruner {
  /**
   * One round: for each command, at most PRUNE_BATCH of its oldest events scanned and those expired removed, each
   * command in a transaction of its own; then as many conversation rows, when they are pruned. `more`: some command
   * has more to go at once (the caller goes on soon, after the work that matters more).
   */
  pass(now: number): { counts: PruneCounts; byCommand: Record<string, number>; more: boolean };
  /** What a prune would remove now, without removing it. */
  plan(now: number): PruneReport;
}

/**
 * Pruning of a SQLite database by its retention policy, in small transactions (no long write lock): events older
 * than their command's retention go with their deliveries, attempts and answers, except those with a delivery still
 * pending. Conversation rows go only when `retainConversations` is false. Freed pages are reused by new rows; with
 * `auto_vacuum = INCREMENTAL`, pages beyond a tenth of the file go back to the disk, a few MiB per round.
 */
export function createSqlitePruner(db: Database.Database, policy: RetentionPolicy): SqlitePruner {
  const commands = db.prepare(PRUNE_SQL.commands).pluck();
  const scan = db.prepare<[string, number, number], { id: number; receivedAt: number; held: number }>(
    PRUNE_SQL.scan,
  );
  // The event goes first, and only while nothing of it is pending (a replay may have come since the scan).
  const deleteEvent = db.prepare(
    `DELETE FROM events WHERE id = ? AND NOT EXISTS
       (SELECT 1 FROM deliveries d WHERE d.event_id = events.id AND d.status = 'pending')`,
  );
  const deleteAttempts = db.prepare(
    'DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE event_id = ?)',
  );
  const deleteDeliveries = db.prepare('DELETE FROM deliveries WHERE event_id = ?');
  const deleteAnswer = db.prepare('DELETE FROM event_answers WHERE event_id = ?');
  const deleteConversations = db.prepare(PRUNE_SQL.conversations);
  const planOne = db.prepare(PRUNE_SQL.plan);
  const planConversations = db.prepare(PRUNE_SQL.planConversations).pluck();
  const autoVacuum = db.pragma('auto_vacuum', { simple: true }) as number;
  /** Per command, where its next scan resumes. */
  const cursors = new Map<string, number>();

  const removeEvents = db.transaction((ids: readonly number[]) => {
    const counts = noPruneCounts();
    for (const id of ids) {
      // The event's row first (nothing of an event with a pending delivery goes); its attempts are found through
      // its deliveries, so they go before those.
      if (deleteEvent.run(id).changes === 0) continue;
      counts.events += 1;
      counts.attempts += deleteAttempts.run(id).changes;
      counts.deliveries += deleteDeliveries.run(id).changes;
      counts.answers += deleteAnswer.run(id).changes;
    }
    return counts;
  });

  /** Returns to the disk what the free list holds beyond a tenth of the file, 8 MiB at most per round. */
  function giveBackSpace(): void {
    if (autoVacuum !== 2) return;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const beyond = free - Math.floor(pages / 10);
    if (beyond * pageSize < 1 << 20) return;
    db.pragma(`incremental_vacuum(${Math.min(beyond, Math.floor((8 << 20) / pageSize))})`);
  }

  return {
    pass(now) {
      const total = noPruneCounts();
      const byCommand: Record<string, number> = {};
      let more = false;
      for (const command of commands.all() as string[]) {
        const cutoff = cutoffOf(policy, command, now);
        if (cutoff === undefined) continue;
        const rows: ScannedEvent[] = scan
          .all(command, cursors.get(command) ?? 0, PRUNE_BATCH)
          .map((row) => ({ id: row.id, receivedAt: row.receivedAt, held: row.held === 1 }));
        const expired = expiredRows(rows, cutoff, PRUNE_BATCH);
        cursors.set(command, expired.resumeAfter);
        if (expired.ids.length > 0) {
          const removed = removeEvents.immediate(expired.ids);
          addPruneCounts(total, removed);
          byCommand[command] = removed.events;
        }
        more ||= expired.more;
      }
      const seenBefore = conversationCutoff(policy, now);
      if (seenBefore !== undefined) {
        const gone = deleteConversations.run(seenBefore, PRUNE_BATCH).changes;
        total.conversations += gone;
        more ||= gone === PRUNE_BATCH;
      }
      if (total.events + total.conversations > 0) giveBackSpace();
      return { counts: total, byCommand, more };
    },

    plan(now) {
      const total = noPruneCounts();
      const perCommand = (commands.all() as string[]).sort().flatMap((command) => {
        const cutoff = cutoffOf(policy, command, now);
        if (cutoff === undefined) return [];
        const row = planOne.get(command, cutoff, command, cutoff) as PruneCounts & { held: number };
        addPruneCounts(total, row);
        return [
          {
            callbackCommand: command,
            retentionMs: retentionOf(policy, command),
            events: row.events,
            held: row.held,
          },
        ];
      });
      const seenBefore = conversationCutoff(policy, now);
      if (seenBefore !== undefined) total.conversations = planConversations.get(seenBefore) as number;
      return { dryRun: true, commands: perCommand, total };
    },
  };
}
