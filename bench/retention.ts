/**
 * `npm run bench:retention`: a steady load at a steady retention reaches a steady size. The service (SQLite, its
 * default) records `--rate` callbacks a second for `--seconds`, each a new single chat, keeping `--retention` of them
 * (and of their conversations: `--no-retain-conversations`, or the conversations table would grow with every new one).
 * Every 5 s: the database file, its WAL, the inbox folder, free pages, events kept, rows pruned, projection lag.
 * Latency of the callbacks per window (`--window` seconds): those before the first retention has passed are the
 * baseline without pruning, the rest run beside it. The server runs on CPU 1, the load on CPU 0.
 *   --seconds    how long (default 300)        --rate      callbacks a second (default 1000)
 *   --retention  e.g. 1m (default 1m)          --window    seconds per latency window (default 30)
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { runLoad } from '../dist/emitter/load/index.js';
import { freePort, memoryOf, stopProcess, waitForHttp } from './lib/processes.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '300' },
    rate: { type: 'string', default: '1000' },
    retention: { type: 'string', default: '1m' },
    window: { type: 'string', default: '30' },
  },
});
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const windowSeconds = Math.min(Number(values.window), seconds);
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const [, amount = '60', unit = 's'] = /^(\d+)([smhd])$/.exec(values.retention) ?? [];
const retentionSeconds = Number(amount) * (UNIT_SECONDS[unit] ?? 1);
const root = fileURLToPath(new URL('..', import.meta.url));

execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
const dir = mkdtempSync(join(tmpdir(), 'openim-hooks-bench-retention-'));
const database = join(dir, 'bench.db');
const port = await freePort();
const child = spawn(
  'taskset',
  [
    '-c',
    '1',
    process.execPath,
    join(root, 'bin/openim-hooks.js'),
    'serve',
    '--port',
    String(port),
    '--database',
    database,
    '--retention',
    values.retention,
    '--no-retain-conversations',
    '--log-level',
    'warn',
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const sizeOf = (path: string) => (existsSync(path) ? statSync(path).size : 0);
const folderSize = (path: string) =>
  existsSync(path) ? readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0) : 0;

async function metrics(): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (pattern: string) => Number(new RegExp(`^${pattern} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    pruned: value('openim_hooks_pruned_total\\{table="events"\\}'),
    lagSeconds: value('openim_hooks_projection_lag_seconds'),
  };
}

interface Sample {
  second: number;
  dbMiB: number;
  walMiB: number;
  inboxMiB: number;
  freeMiB: number;
  events: number;
  pruned: number;
  lagSeconds: number;
  rssMiB: number;
}

const samples: Sample[] = [];
const windows: {
  from: number;
  to: number;
  answeredPerSec: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
}[] = [];
let walPeak = 0;
try {
  await waitForHttp(`http://127.0.0.1:${port}/readyz`, 60_000);
  const reader = () => new Database(database, { readonly: true, fileMustExist: true });
  const started = performance.now();
  const sample = async () => {
    const db = reader();
    try {
      const pages = db.pragma('page_count', { simple: true }) as number;
      const free = db.pragma('freelist_count', { simple: true }) as number;
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      const events = db.prepare('SELECT count(*) FROM events').pluck().get() as number;
      const { pruned, lagSeconds } = await metrics();
      const wal = sizeOf(`${database}-wal`);
      walPeak = Math.max(walPeak, wal);
      samples.push({
        second: Math.round((performance.now() - started) / 1000),
        dbMiB: mib(pages * pageSize),
        walMiB: mib(wal),
        inboxMiB: mib(folderSize(`${database}-inbox`)),
        freeMiB: mib(free * pageSize),
        events,
        pruned: pruned ?? 0,
        lagSeconds: lagSeconds ?? 0,
        rssMiB: Math.round(memoryOf(child.pid ?? 0).rssMiB),
      });
    } finally {
      db.close();
    }
  };
  // The WAL is looked at more often than the rest: its peak is short.
  const walWatch = setInterval(() => (walPeak = Math.max(walPeak, sizeOf(`${database}-wal`))), 250);
  const sampler = setInterval(() => void sample().catch(() => undefined), 5000);
  for (let from = 0; from < seconds; from += windowSeconds) {
    const duration = Math.min(windowSeconds, seconds - from);
    const report = await runLoad({
      url: `http://127.0.0.1:${port}/callbackExample`,
      rate,
      durationSeconds: duration,
      connections: 32,
      slots: 100_000,
      drainTimeoutMs: 30_000,
    });
    windows.push({
      from,
      to: from + duration,
      answeredPerSec: Math.round(report.achievedRate),
      p50: report.latency.p50,
      p99: report.latency.p99,
      max: report.latency.max,
      errors: Object.values(report.errors).reduce((a: number, b) => a + (b ?? 0), 0) + report.dropped,
    });
  }
  clearInterval(sampler);
  await sample();
  // After the load: the idle writer lets the checkpointer give the WAL back.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  clearInterval(walWatch);
  await sample();
} finally {
  await stopProcess(child);
  rmSync(dir, { recursive: true, force: true });
}

console.table(samples.filter((s, i) => i === samples.length - 1 || s.second % 30 < 5));
console.table(windows);
const after = (second: number) => samples.filter((s) => s.second >= second);
const steady = after(Math.min(2 * retentionSeconds, seconds / 2));
// The first window is a cold process (JIT, new connections): left out of the baseline.
const baseline = windows.filter((w) => w.from > 0 && w.to <= retentionSeconds);
const pruning = windows.filter((w) => w.from >= retentionSeconds);
const summary = {
  rate,
  seconds,
  retention: values.retention,
  dbMiB: {
    afterRetention: after(retentionSeconds)[0]?.dbMiB,
    steadyMin: Math.min(...steady.map((s) => s.dbMiB)),
    steadyMax: Math.max(...steady.map((s) => s.dbMiB)),
    last: samples.at(-1)?.dbMiB,
  },
  walMiB: {
    peak: mib(walPeak),
    steadyMax: Math.max(...steady.map((s) => s.walMiB)),
    last: samples.at(-1)?.walMiB,
  },
  inboxMiBMax: Math.max(...samples.map((s) => s.inboxMiB)),
  eventsKept: {
    steadyMin: Math.min(...steady.map((s) => s.events)),
    steadyMax: Math.max(...steady.map((s) => s.events)),
  },
  p99ms: {
    beforePruning: Math.max(0, ...baseline.map((w) => w.p99)),
    whilePruning: Math.max(0, ...pruning.map((w) => w.p99)),
  },
  errors: windows.reduce((sum, w) => sum + w.errors, 0),
};
console.log(`retention: ${JSON.stringify(summary)}`);
console.log(`RESULT ${JSON.stringify({ summary, samples, windows })}`);
