import { prunesAnything, retentionOf } from '../retention/index.js';
import type { RetentionPolicy } from '../retention/index.js';
import { finding, mib, span } from './finding.js';
import type { Finding } from './finding.js';

/** Slack before an event older than its retention counts as "pruning is behind" (a round runs every second). */
const BEHIND_MS = 10 * 60 * 1000;

/** The oldest event of one command, and whether a pending delivery holds it. */
export interface OldestEvent {
  readonly command: string;
  readonly receivedAt: number;
}

/**
 * Whether the retention policy holds: with none, how fast the database grows; with one, whether any command keeps
 * events older than its retention allows (pruning not running, or held back by pending deliveries).
 */
export function retentionFindings(
  policy: RetentionPolicy,
  oldest: readonly OldestEvent[],
  growth: { bytes: number; eventsLastDay: number; events: number },
  now: number,
): Finding[] {
  if (!prunesAnything(policy)) {
    const perDay = growth.events > 0 ? (growth.bytes / growth.events) * growth.eventsLastDay : 0;
    return [
      finding(
        'retention',
        'ok',
        `off: every event is kept (${growth.events} now, ${growth.eventsLastDay} in the last day, about ${mib(perDay)} a day)`,
        perDay > 0
          ? 'set `retention` (e.g. 30d) before the disk fills; `openim-hooks prune --dry-run` shows what would go'
          : undefined,
      ),
    ];
  }
  const late = oldest.filter((o) => {
    const ms = retentionOf(policy, o.command);
    return ms > 0 && now - o.receivedAt > ms + BEHIND_MS;
  });
  if (late.length === 0) return [finding('retention', 'ok', 'no event is older than its retention allows')];
  return late.map((o) =>
    finding(
      `retention ${o.command}`,
      'warn',
      `its oldest event is ${span(now - o.receivedAt)} old; retention ${span(retentionOf(policy, o.command))}`,
      'the service prunes with the retention it is started with (is it?); events with a pending delivery stay: see the sinks; `openim-hooks prune --dry-run` tells',
    ),
  );
}
