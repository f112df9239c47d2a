/**
 * `npm run crashtest`: the built service (real SQLite file in a temp dir, an HTTP sink through the outbox relay)
 * takes ≥ 1,000 callbacks/s while it is SIGKILLed at random moments (CRASH_KILLS, default 25) and restarted. At the
 * end every callback that got a 200 must be stored exactly once, pass `PRAGMA integrity_check`, have reached the
 * sink, and be projected exactly once (its command count, its outbox row, its conversation row seen once). Prints
 * sent, acked, stored, missing, duplicated and the projections' counts; exits 1 if anything is missing or doubled.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { freePort, waitForHttp } from '../bench/lib/processes.js';
import { singleChatBody } from '../test/fixtures/seed.js';

const BIN = fileURLToPath(new URL('../bin/openim-hooks.js', import.meta.url));
const KILLS = Number(process.env['CRASH_KILLS'] ?? 25);
const RATE = Number(process.env['CRASH_RATE'] ?? 1500);
const CONNECTIONS = Number(process.env['CRASH_CONNECTIONS'] ?? 128);
/** CRASH_SINK=0: no sink, so the relay takes no CPU from ingest (it costs more per event than ingest does). */
const WITH_SINK = process.env['CRASH_SINK'] !== '0';
const SUCCESS = '{"actionCode":0,"errCode":0,"errMsg":"","errDlt":"","nextCode":0}';
const deadline = Date.now() + 20 * 60_000; // every loop below is bounded by this too

const dir = mkdtempSync(join(tmpdir(), 'openim-hooks-crash-'));
const database = join(dir, 'crash.db');

// The sink: records every operationID it is handed (at-least-once: it may see one twice after a kill).
const delivered = new Map<string, number>();
const sink = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    const op = /"operationID":"(crash-\d+)"/.exec(body)?.[1];
    if (op) delivered.set(op, (delivered.get(op) ?? 0) + 1);
    res.writeHead(200).end('ok');
  });
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/sink`;

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
let child: ChildProcess | undefined;

async function startService(): Promise<void> {
  const args = [BIN, 'serve', '--port', String(port), '--database', database, '--log-level', 'error'];
  args.push('--max-concurrent-requests', '4096');
  if (WITH_SINK) args.push('--sink', `crash=${sinkUrl}`, '--allow-private-sinks');
  child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForHttp(`${base}/healthz`, 30_000);
}

async function kill(): Promise<void> {
  const running = child;
  if (!running || running.exitCode !== null || running.signalCode !== null) return;
  const exited = new Promise((resolve) => running.once('exit', resolve));
  running.kill('SIGKILL');
  await exited;
}

// The load: each callback is a new single chat conversation, with its own operationID.
let sent = 0;
let nextId = 0;
const acked = new Set<string>();
const retry: number[] = [];
let loadRunning = true;
let up = false;
const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });

function post(id: number): Promise<boolean> {
  const body = singleChatBody(`crash-owner-${id}`, 'crash-peer');
  const operationID = `crash-${id}`;
  return new Promise((resolve) => {
    const req = request(
      `${base}/callbackExample/callbackAfterCreateSingleChatConversationsCommand`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          operationid: operationID,
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(res.statusCode === 200 && text === SUCCESS));
        res.on('error', () => resolve(false));
      },
    );
    req.setTimeout(5000, () => req.destroy());
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

let upMs = 0;
let ackedWhileUp = 0;
let windowStart = Date.now();
let windowSent = 0;
let peakRate = 0;
const rates: number[] = [];

async function worker(): Promise<void> {
  while (loadRunning && Date.now() < deadline) {
    if (!up) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      continue;
    }
    // Open-loop pacing: at most RATE per second across all workers.
    const now = Date.now();
    if (now - windowStart >= 1000) {
      rates.push(windowSent);
      peakRate = Math.max(peakRate, windowSent);
      windowStart = now;
      windowSent = 0;
    }
    if (windowSent >= RATE) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      continue;
    }
    windowSent += 1;
    // A callback that got no 200 is sent again later, byte for byte: the store must keep it once.
    const id = retry.length > 0 && Math.random() < 0.2 ? (retry.shift() as number) : nextId++;
    sent += 1;
    if (await post(id)) acked.add(`crash-${id}`);
    else if (!acked.has(`crash-${id}`)) retry.push(id);
  }
}

await startService();
up = true;
const started = Date.now();
const workers = Array.from({ length: CONNECTIONS }, worker);
for (let k = 0; k < KILLS && Date.now() < deadline; k++) {
  const upSince = Date.now();
  const ackedBefore = acked.size;
  await new Promise((resolve) => setTimeout(resolve, 1000 + Math.random() * 2000));
  upMs += Date.now() - upSince;
  ackedWhileUp += acked.size - ackedBefore;
  up = false;
  await kill();
  agent.destroy();
  await startService();
  up = true;
  process.stdout.write(`kill ${k + 1}/${KILLS}: acked so far ${acked.size}, sent ${sent}\n`);
}
await new Promise((resolve) => setTimeout(resolve, 1000));
loadRunning = false;
await Promise.all(workers);
const loadSeconds = (Date.now() - started) / 1000;

// Let the relay drain to the sink (bounded), then stop the service cleanly and read the file directly.
const drainUntil = Math.min(deadline, Date.now() + 120_000);
while (WITH_SINK && Date.now() < drainUntil && [...acked].some((op) => !delivered.has(op))) {
  await new Promise((resolve) => setTimeout(resolve, 250));
}
const exited = new Promise((resolve) => child?.once('exit', resolve));
child?.kill('SIGTERM');
await exited;
agent.destroy();
sink.close();

const db = new Database(database, { readonly: true });
const integrity = (db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[])
  .map((r) => r.integrity_check)
  .join(', ');
const counts = new Map<string, number>();
for (const row of db
  .prepare(
    "SELECT operation_id AS op, COUNT(*) AS n FROM events WHERE operation_id LIKE 'crash-%' GROUP BY operation_id",
  )
  .iterate() as Iterable<{ op: string; n: number }>) {
  counts.set(row.op, row.n);
}
const pendingDeliveries = (
  db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE status <> 'delivered'").get() as { n: number }
).n;
// The projections, each counted once per event whatever the kills interrupted (see src/store/sqlite/project-records.ts).
const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
const eventsTotal = one('SELECT COUNT(*) AS n FROM events');
const projections = {
  commandCount: one('SELECT COALESCE(SUM(count), 0) AS n FROM command_stats'),
  deliveries: WITH_SINK ? one('SELECT COUNT(*) AS n FROM deliveries') : eventsTotal,
  // Each callback is a new owner: one conversation row per event, seen once.
  conversations: one("SELECT COUNT(*) AS n FROM conversations WHERE owner_user_id LIKE 'crash-owner-%'"),
  conversationsSeenTwice: one('SELECT COUNT(*) AS n FROM conversations WHERE times_seen <> 1'),
};
db.close();
const projectedOnce =
  projections.commandCount === eventsTotal &&
  projections.deliveries === eventsTotal &&
  projections.conversations === eventsTotal &&
  projections.conversationsSeenTwice === 0;

const missing = [...acked].filter((op) => !counts.has(op));
const duplicated = [...counts.values()].filter((n) => n > 1).length;
const notDelivered = WITH_SINK ? [...acked].filter((op) => !delivered.has(op)) : [];
const sortedRates = rates.filter((r) => r > 0).sort((a, b) => a - b);
const report = {
  kills: KILLS,
  seconds: Math.round(loadSeconds),
  sent,
  acked: acked.size,
  stored: counts.size,
  missing: missing.length,
  duplicated,
  integrity,
  sink: WITH_SINK ? 'HTTP sink through the outbox relay' : 'none (CRASH_SINK=0)',
  deliveredToSink: WITH_SINK ? [...acked].length - notDelivered.length : null,
  notDeliveredToSink: notDelivered.length,
  sinkDuplicates: [...delivered.values()].filter((n) => n > 1).length,
  pendingDeliveries,
  events: eventsTotal,
  ...projections,
  // Callbacks acknowledged per second while the service was up (between a restart and the next kill).
  ackedPerSecondWhileUp: Math.round(ackedWhileUp / (upMs / 1000)),
  medianSentPerSecond: sortedRates[Math.floor(sortedRates.length / 2)] ?? 0,
  peakSentPerSecond: peakRate,
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
rmSync(dir, { recursive: true, force: true });
if (missing.length > 0 || duplicated > 0 || integrity !== 'ok' || notDelivered.length > 0 || !projectedOnce) {
  process.stderr.write(`crashtest FAILED: missing ${missing.slice(0, 5).join(',')} …\n`);
  process.exitCode = 1;
}
