/**
 * `npm run bench:openim`: what OpenIM feels. Our emitter's `openim` mode is OpenIM's after-callback queue (2 workers,
 * 100 slots, a push blocks up to 3 s and then the callback is dropped: see src/emitter/create-after-queue.ts); it
 * offers unique single-chat after-callbacks at stepped rates to each target, and counts what OpenIM would drop and
 * how long its callers were held. Targets, in one run: the ceiling (parse + answer), the durable floor (append +
 * fdatasync, bench/durable-floor.ts), openim-hooks with its default settings on SQLite, and on PostgreSQL with one
 * and with three receivers (three OpenIM processes, a queue each, the rate split between them).
 * The servers (receivers, PostgreSQL) run on CPU 1, the load on CPU 0.
 *   BENCH_RATES         offered callbacks/s per step (default 500,1000,1500,2000,2500,3000,4000,5000,6000,8000)
 *   BENCH_STEP_SECONDS  seconds per step, after a 1 s warm-up at the same rate (default 6)
 *   BENCH_TARGETS       subset of: ceiling, floor, sqlite, postgres-1, postgres-3
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The built emitter, as users run it (the tests' tsx loader would add its own work to every post).
import { runLoad } from '../dist/emitter/load/index.js';
import type { LoadReport } from '../dist/emitter/load/index.js';
import { startPostgres } from '../test/helpers/postgres.js';
import type { PostgresServer } from '../test/helpers/postgres.js';
import { freePort, stopProcess, waitForHttp } from './lib/processes.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const rates = (process.env['BENCH_RATES'] ?? '500,1000,1500,2000,2500,3000,4000,5000,6000,8000')
  .split(',')
  .map(Number);
const stepSeconds = Number(process.env['BENCH_STEP_SECONDS'] ?? 6);
const chosen = process.env['BENCH_TARGETS']?.split(',');
const SERVER_CPU = '1';

/** This process (the load) on CPU 0; what it starts for the servers goes to CPU 1 through `taskset`. */
execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });

const tempDir = mkdtempSync(join(tmpdir(), 'openim-hooks-bench-openim-'));
let postgres: PostgresServer | undefined;

interface Target {
  key: string;
  name: string;
  /** Starts the target's servers; resolves with the `url` of each (webhooks.yml), one OpenIM queue per url. */
  start(): Promise<{ urls: string[]; children: ChildProcess[] }>;
}

/** `node args` on the server CPU (taskset execs node: the child's pid is node's). */
function spawnOnServerCpu(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn('taskset', ['-c', SERVER_CPU, process.execPath, ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...env },
  });
}

async function serve(databaseUrl: (port: number) => string, instances: number) {
  const ports = await Promise.all(Array.from({ length: instances }, () => freePort()));
  const children = ports.map((port) =>
    spawnOnServerCpu(
      [join(root, 'bin/openim-hooks.js'), 'serve', '--port', String(port), '--database', databaseUrl(port)],
      { OPENIM_HOOKS_SPOOL: join(tempDir, `spool-${port}.db`), OPENIM_HOOKS_LOG_LEVEL: 'warn' },
    ),
  );
  await Promise.all(ports.map((port) => waitForHttp(`http://127.0.0.1:${port}/readyz`, 60_000)));
  return { urls: ports.map((port) => `http://127.0.0.1:${port}/callbackExample`), children };
}

async function bare(script: string, ...extra: string[]) {
  const port = await freePort();
  const child = spawnOnServerCpu(['--import', 'tsx', join(root, 'bench', script), String(port), ...extra]);
  await waitForHttp(`http://127.0.0.1:${port}/`);
  return { urls: [`http://127.0.0.1:${port}/callbackExample`], children: [child] };
}

async function postgresDatabase(name: string): Promise<string> {
  if (!postgres) {
    postgres = await startPostgres();
    const pid = postgres.pid();
    // The postmaster's backends inherit its CPU: PostgreSQL serves from the server CPU too.
    if (pid) execFileSync('taskset', ['-a', '-p', '-c', SERVER_CPU, String(pid)], { stdio: 'ignore' });
  }
  const url = await postgres.createDatabase(name);
  execFileSync(process.execPath, [join(root, 'bin/openim-hooks.js'), 'migrate', '--database', url]);
  return url;
}

const targets: Target[] = [
  { key: 'ceiling', name: 'ceiling (parse + answer)', start: () => bare('ceiling-server.ts') },
  {
    key: 'floor',
    name: 'durable floor (append + fdatasync)',
    start: () => bare('durable-floor.ts', join(tempDir, 'floor.log')),
  },
  {
    key: 'sqlite',
    name: 'openim-hooks, SQLite (default)',
    start: () => serve(() => join(tempDir, 'bench.db'), 1),
  },
  {
    key: 'postgres-1',
    name: 'openim-hooks, PostgreSQL, 1 receiver',
    start: async () => {
      const url = await postgresDatabase('openim_1');
      return serve(() => url, 1);
    },
  },
  {
    key: 'postgres-3',
    name: 'openim-hooks, PostgreSQL, 3 receivers',
    start: async () => {
      const url = await postgresDatabase('openim_3');
      return serve(() => url, 3);
    },
  },
].filter((target) => !chosen || chosen.includes(target.key));

interface Step {
  target: string;
  offered: number;
  dropped: number;
  droppedPct: number;
  pushWaitP99ms: number;
  postP50ms: number;
  postP99ms: number;
  answeredPerSec: number;
}

/** One step: a queue per url, the rate split between them, all at once. */
async function step(target: Target, urls: string[], rate: number): Promise<Step> {
  const reports: LoadReport[] = await Promise.all(
    urls.map((url) =>
      runLoad({
        url,
        rate: rate / urls.length,
        durationSeconds: stepSeconds,
        warmupSeconds: 1,
        connections: 2,
        slots: 100,
        pushWaitMs: 3000,
        drainTimeoutMs: 15_000,
      }),
    ),
  );
  const sum = (pick: (r: LoadReport) => number) => reports.reduce((total, r) => total + pick(r), 0);
  const max = (pick: (r: LoadReport) => number) => Math.max(...reports.map(pick));
  const scheduled = sum((r) => r.scheduled);
  return {
    target: target.name,
    offered: rate,
    dropped: sum((r) => r.dropped),
    droppedPct: Math.round((sum((r) => r.dropped) / Math.max(1, scheduled)) * 1000) / 10,
    pushWaitP99ms: max((r) => r.pushWait.p99),
    postP50ms: max((r) => r.serviceTime.p50),
    postP99ms: max((r) => r.serviceTime.p99),
    answeredPerSec: Math.round(sum((r) => r.achievedRate)),
  };
}

const steps: Step[] = [];
try {
  for (const target of targets) {
    const { urls, children } = await target.start();
    try {
      for (const rate of rates) {
        const result = await step(target, urls, rate);
        steps.push(result);
        process.stderr.write(`${JSON.stringify(result)}\n`);
        // Past a step that dropped a fifth, higher rates only drop more: the next target.
        if (result.droppedPct > 20) break;
      }
    } finally {
      await Promise.all(children.map((child) => stopProcess(child)));
    }
  }
} finally {
  await postgres?.stop();
  rmSync(tempDir, { recursive: true, force: true });
}

console.table(steps);
/** The highest offered rate at which OpenIM dropped nothing and held no caller past 100 ms (p99). */
const dropFree = (name: string) =>
  Math.max(
    0,
    ...steps
      .filter((s) => s.target === name && s.dropped === 0 && s.pushWaitP99ms <= 100)
      .map((s) => s.offered),
  );
const at2000 = (name: string) => steps.find((s) => s.target === name && s.offered === 2000);
const floor = targets.find((t) => t.key === 'floor');
for (const target of targets) {
  const post = at2000(target.name);
  const line = [
    `${target.key}: drop-free up to ${dropFree(target.name)}/s`,
    post ? `post p50/p99 at 2,000/s ${post.postP50ms}/${post.postP99ms} ms` : '',
  ];
  if (floor && target.key !== 'floor' && target.key !== 'ceiling') {
    const floorPost = at2000(floor.name);
    line.push(
      `drop-free ratio to the floor ${(dropFree(target.name) / Math.max(1, dropFree(floor.name))).toFixed(2)} (target >= 0.80)`,
    );
    if (post && floorPost)
      line.push(
        `post p50 - floor's ${(post.postP50ms - floorPost.postP50ms).toFixed(2)} ms (target <= 0.15)`,
      );
  }
  console.log(line.filter(Boolean).join('; '));
}
console.log(`RESULT ${JSON.stringify(steps)}`);
