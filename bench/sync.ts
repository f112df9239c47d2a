/**
 * `npm run bench:sync`: lag from reception to arrival at each sink (HTTP, NATS JetStream, Redis Streams) while
 * wrk drives about 1,000 callbacks/s at the service (16 connections, each pausing 10 ms between callbacks). Brokers are
 * Debian's nats-server and redis-server, started as the tests start them. Lag is measured by the consumers: arrival time minus the envelope's `receivedAt`
 * (taken before the commit, so it slightly overstates the lag from the ack).
 *   BENCH_SECONDS  duration of the load (default 20)
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { startNatsServer, startRedisServer } from '../test/helpers/brokers.js';
import { freePort, spawnNode, stopProcess, waitForHttp } from './lib/processes.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const seconds = Number(process.env['BENCH_SECONDS'] ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'openim-hooks-bench-sync-'));
const children: ChildProcess[] = [];
const execFileAsync = promisify(execFile);

const lags: Record<string, number[]> = { http: [], nats: [], redis: [] };
const lagOf = (envelope: string) =>
  Date.now() - Date.parse((JSON.parse(envelope) as { receivedAt: string }).receivedAt);

// The same brokers the tests use: Debian's servers on free ports in temp dirs, Redis with an fsync per write.
const natsServer = await startNatsServer();
const redisServer = await startRedisServer();

try {
  const [natsPort, redisPort, servicePort] = [natsServer.port, redisServer.port, await freePort()];
  const nc = await connect({ servers: natsServer.url });
  const redis = new Redis(redisPort, '127.0.0.1');

  // The consumers: each notes when an envelope arrives.
  const http = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      lags.http?.push(lagOf(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const httpPort = (http.address() as AddressInfo).port;
  const subscription = nc.subscribe('openim.>');
  void (async () => {
    for await (const message of subscription) lags.nats?.push(lagOf(message.string()));
  })();
  const reader = new Redis(redisPort, '127.0.0.1');
  let readingRedis = true;
  void (async () => {
    let last = '$';
    while (readingRedis) {
      const reply = (await reader.xread('BLOCK', 500, 'STREAMS', 'openim:events', last).catch(() => null)) as
        [string, [string, string[]][]][] | null;
      for (const [id, fields] of reply?.[0]?.[1] ?? []) {
        last = id;
        lags.redis?.push(lagOf(fields[fields.indexOf('envelope') + 1] ?? '{}'));
      }
    }
  })();

  const service = spawnNode([
    join(root, 'bin/openim-hooks.js'),
    'serve',
    '--port',
    String(servicePort),
    '--database',
    join(dir, 'sync.db'),
    '--allow-private-sinks',
    '--log-level',
    'warn',
    '--sink',
    `http=http://127.0.0.1:${httpPort}/hooks`,
    '--sink',
    `nats=nats://127.0.0.1:${natsPort}`,
    '--sink',
    `redis=redis://127.0.0.1:${redisPort}`,
  ]);
  children.push(service);
  const base = `http://127.0.0.1:${servicePort}`;
  await waitForHttp(`${base}/healthz`);

  // Asynchronously: the consumers above live in this process and must keep reading while the load runs.
  const { stdout: wrkOutput } = await execFileAsync(
    'wrk',
    [
      '-t1',
      '-c16',
      `-d${seconds}s`,
      '-s',
      join(root, 'bench/unique-callbacks.lua'),
      `${base}/callbackExample/callbackAfterCreateSingleChatConversationsCommand`,
      '--',
      '10',
    ],
    { encoding: 'utf8' },
  );
  const sent = JSON.parse(
    wrkOutput
      .split('\n')
      .find((l) => l.startsWith('RESULT '))
      ?.slice(7) ?? '{}',
  ) as { requests: number; durationUs: number };
  const backlogAtEnd = (await (await fetch(`${base}/api/v1/sinks`)).json()) as {
    items: { name: string; backlog: number }[];
  };
  await new Promise((resolve) => setTimeout(resolve, 3000));

  const pct = (values: number[], p: number) =>
    values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? NaN;
  const rows = Object.entries(lags).map(([sink, values]) => {
    values.sort((a, b) => a - b);
    return {
      sink,
      delivered: values.length,
      lagP50ms: pct(values, 50),
      lagP99ms: pct(values, 99),
      lagMaxMs: values[values.length - 1] ?? NaN,
      backlogWhenLoadEnded: backlogAtEnd.items.find((s) => s.name === sink)?.backlog ?? NaN,
    };
  });
  console.log(
    `load: ${sent.requests} callbacks in ${(sent.durationUs / 1e6).toFixed(1)} s = ${Math.round(sent.requests / (sent.durationUs / 1e6))}/s`,
  );
  console.table(rows);
  console.log(
    `RESULT ${JSON.stringify({ callbacksPerSec: Math.round(sent.requests / (sent.durationUs / 1e6)), rows })}`,
  );

  readingRedis = false;
  subscription.unsubscribe();
  await nc.close();
  redis.disconnect();
  reader.disconnect();
  http.close();
} finally {
  for (const child of children.reverse()) await stopProcess(child);
  await Promise.all([natsServer.dispose(), redisServer.dispose()]);
  rmSync(dir, { recursive: true, force: true });
}
