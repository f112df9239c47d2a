/**
 * `npm run bench`: the receiver (durable SQLite recording) against the ceiling (a bare node:http server that only
 * parses and answers), in the same run, over loopback, driven by wrk with unique callbacks.
 *   BENCH_SECONDS   duration of each run (default 10)
 *   BENCH_CONNECTIONS  connections of the throughput runs (default 64)
 */
import { execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, memoryOf, spawnNode, stopProcess, waitForHttp } from './lib/processes.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 64);
const PATH = '/callbackExample/callbackAfterCreateSingleChatConversationsCommand';

interface WrkResult {
  requests: number;
  durationUs: number;
  errors: Record<string, number>;
  latencyUs: { p50: number; p90: number; p99: number; p999: number; max: number };
}

function wrk(url: string, wrkConnections: number, delayMs: number): WrkResult {
  const output = execFileSync(
    'wrk',
    [
      '-t1',
      `-c${wrkConnections}`,
      `-d${seconds}s`,
      '--timeout',
      '5s',
      '-s',
      join(root, 'bench/unique-callbacks.lua'),
      url,
      '--',
      String(delayMs),
    ],
    { encoding: 'utf8' },
  );
  const line = output.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`wrk printed no result:\n${output}`);
  return JSON.parse(line.slice('RESULT '.length)) as WrkResult;
}

interface Target {
  name: string;
  start(port: number): ChildProcess;
  readyUrl(port: number): string;
}

const tempDir = mkdtempSync(join(tmpdir(), 'openim-hooks-bench-'));
const targets: Target[] = [
  {
    name: 'ceiling (bare node:http, parse + answer)',
    start: (port) => spawnNode(['--import', 'tsx', join(root, 'bench/ceiling-server.ts'), String(port)]),
    readyUrl: (port) => `http://127.0.0.1:${port}/`,
  },
  {
    name: 'openim-hooks serve (SQLite, durable)',
    start: (port) =>
      spawnNode([
        join(root, 'bin/openim-hooks.js'),
        'serve',
        '--port',
        String(port),
        '--database',
        join(tempDir, `bench-${port}.db`),
      ]),
    readyUrl: (port) => `http://127.0.0.1:${port}/healthz`,
  },
];

interface Row {
  target: string;
  load: string;
  callbacksPerSec: number;
  p50ms: number;
  p99ms: number;
  p999ms: number;
  maxms: number;
  errors: number;
  rssMiB: number;
  peakRssMiB: number;
}

async function measure(target: Target, load: string, wrkConnections: number, delayMs: number): Promise<Row> {
  const port = await freePort();
  const child = target.start(port);
  try {
    await waitForHttp(target.readyUrl(port));
    const result = wrk(`http://127.0.0.1:${port}${PATH}`, wrkConnections, delayMs);
    const memory = memoryOf(child.pid ?? 0);
    const ms = (us: number) => Math.round(us / 10) / 100;
    return {
      target: target.name,
      load,
      callbacksPerSec: Math.round(result.requests / (result.durationUs / 1e6)),
      p50ms: ms(result.latencyUs.p50),
      p99ms: ms(result.latencyUs.p99),
      p999ms: ms(result.latencyUs.p999),
      maxms: ms(result.latencyUs.max),
      errors: Object.values(result.errors).reduce((a, b) => a + b, 0),
      rssMiB: Math.round(memory.rssMiB),
      peakRssMiB: Math.round(memory.peakMiB),
    };
  } finally {
    await stopProcess(child);
  }
}

const rows: Row[] = [];
try {
  for (const target of targets) {
    rows.push(await measure(target, `max, ${connections} connections`, connections, 0));
    rows.push(await measure(target, '~1,000/s: 14 connections, 10 ms pause each', 14, 10));
  }
} finally {
  rmSync(tempDir, { recursive: true, force: true });
}

console.table(rows);
const ceiling = rows[0];
const service = rows[2];
if (ceiling && service) {
  console.log(
    `throughput ratio (durable / ceiling): ${(service.callbacksPerSec / ceiling.callbacksPerSec).toFixed(2)} ` +
      `(target >= 0.50); p99 at ~1,000/s: ${rows[3]?.p99ms} ms (target <= 10 ms)`,
  );
}
console.log(`RESULT ${JSON.stringify(rows)}`);
