import { finding } from './finding.js';
import type { Finding } from './finding.js';
import { span } from './finding.js';

/** Deliveries of one sink and status, as both backends count them. */
export interface DeliveryCount {
  readonly sink: string;
  readonly status: string;
  readonly n: number;
  /** When the oldest of them was created, epoch ms. */
  readonly oldest: number | null;
}

/** How far behind pending deliveries are before doctor says so. */
const PENDING_AGE_WARN_MS = 60 * 60 * 1000;

/** Pending and dead deliveries, per sink: what is owed, what was given up. */
export function outboxFindings(counts: readonly DeliveryCount[], now: number): Finding[] {
  const sinks = [...new Set(counts.map((c) => c.sink))].sort();
  if (sinks.length === 0) return [finding('deliveries', 'ok', 'no sink has deliveries in this database')];
  return sinks.flatMap((sink) => {
    const of = (status: string) => counts.find((c) => c.sink === sink && c.status === status);
    const pending = of('pending');
    const dead = of('dead');
    const findings: Finding[] = [];
    const age = pending?.oldest === null || pending === undefined ? 0 : now - pending.oldest;
    findings.push(
      age > PENDING_AGE_WARN_MS
        ? finding(
            `sink ${sink}: pending`,
            'warn',
            `${pending?.n ?? 0} pending, the oldest for ${span(age)}`,
            `see \`openim-hooks sinks\` (its last error); once the sink is fixed, \`openim-hooks sinks retry ${sink}\``,
          )
        : finding(
            `sink ${sink}: pending`,
            'ok',
            `${pending?.n ?? 0} pending${age > 0 ? `, the oldest for ${span(age)}` : ''}`,
          ),
    );
    findings.push(
      (dead?.n ?? 0) > 0
        ? finding(
            `sink ${sink}: dead`,
            'warn',
            `${dead?.n} dead-lettered deliveries`,
            `fix the sink, then \`openim-hooks replay --dead --sink ${sink}\` (retention prunes dead letters with their events)`,
          )
        : finding(`sink ${sink}: dead`, 'ok', 'no dead letter'),
    );
    return findings;
  });
}
