import type { LoadReport } from './load-types.js';

/** The report as aligned text lines for a terminal. */
export function formatLoadReport(report: LoadReport): string {
  const errorKinds = Object.entries(report.errors);
  const statusList = Object.entries(report.statuses).map(([status, n]) => `${status}: ${n}`);
  const row = (label: string, value: string | number): string => `${label.padEnd(18)} ${value}`;
  const latencyRow = (label: string, s: LoadReport['latency']): string =>
    row(label, `p50 ${s.p50}  p90 ${s.p90}  p99 ${s.p99}  p99.9 ${s.p999}  max ${s.max}  (ms, n=${s.count})`);
  return [
    row('target', report.target),
    row('mode', report.mode),
    row(
      'requested',
      `${report.requestedRate}/s for ${report.durationSeconds} s on ${report.connections} connections`,
    ),
    row('achieved', `${report.achievedRate}/s over ${report.elapsedSeconds.toFixed(3)} s`),
    row(
      'warm-up',
      `${report.warmupCallbacks} callbacks (${report.warmupAnswered} answered), not counted below`,
    ),
    row('scheduled', report.scheduled),
    row('sent', report.sent),
    row('succeeded', report.succeeded),
    row('rejected', report.rejected),
    row('errors', errorKinds.length ? errorKinds.map(([kind, n]) => `${kind}: ${n}`).join(', ') : 0),
    row('dropped', report.dropped),
    row('unfinished', report.unfinished),
    row('HTTP statuses', statusList.length ? statusList.join(', ') : '-'),
    latencyRow('latency', report.latency),
    latencyRow('service time', report.serviceTime),
    latencyRow('push wait', report.pushWait),
  ].join('\n');
}
