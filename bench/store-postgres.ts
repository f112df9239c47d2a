/**
 * `node --import tsx bench/store-postgres.ts`: callbacks/s that `store.record` sustains, each durably committed
 * before it resolves, with many callbacks in flight (as a busy receiver has them): SQLite (one file, its writer
 * thread), PostgreSQL with one store, and PostgreSQL with three stores on one database (three receivers' worth of
 * pools in this process). PostgreSQL is Debian's, started here in a temp dir on a free loopback port with fsync=on.
 *   BENCH_CALLBACKS    callbacks per backend (default 20000)
 *   BENCH_CONCURRENCY  records in flight (default 256)
 *   BENCH_SECONDS      time limit per backend; the count stops there (default 30)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AcceptedCallback, ConversationCallback } from '../src/protocol/index.js';
import { idempotencyKey } from '../src/receiver/idempotency-key.js';
import { openStore } from '../src/store/index.js';
import type { Store } from '../src/store/index.js';
import { SEED_COMMAND, singleChatBody } from '../test/fixtures/seed.js';
import { startPostgres } from '../test/helpers/postgres.js';

const total = Number(process.env['BENCH_CALLBACKS'] ?? 20_000);
const concurrency = Number(process.env['BENCH_CONCURRENCY'] ?? 256);
const seconds = Number(process.env['BENCH_SECONDS'] ?? 30);

function callback(i: number): AcceptedCallback {
  const body = singleChatBody(`owner${i % 5000}`, `peer${i % 7}`);
  const rawBody = new TextEncoder().encode(body);
  const payload = JSON.parse(body) as Record<string, unknown>;
  const operationID = `bench-${i}`;
  return {
    command: SEED_COMMAND,
    kind: 'after',
    operationID,
    receivedAt: Date.now(),
    idempotencyKey: idempotencyKey(SEED_COMMAND, operationID, rawBody),
    rawBody,
    payload,
    conversation: payload as unknown as ConversationCallback,
    fieldErrors: [],
    warnings: [],
  };
}

interface Result {
  backend: string;
  recorded: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** `concurrency` loops, each recording the next callback as soon as its last one committed, round-robin over stores. */
async function run(backend: string, stores: Store[]): Promise<Result> {
  await Promise.all(stores.map((store) => store.checkWritable())); // connected and migrated
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total && performance.now() < deadline) {
        const i = next++;
        const t = performance.now();
        await stores[i % stores.length]?.record(callback(i));
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round((latencies[Math.floor(q * (latencies.length - 1))] ?? 0) * 10) / 10;
  return {
    backend,
    recorded: latencies.length,
    seconds: Math.round(elapsed * 10) / 10,
    perSecond: Math.round(latencies.length / elapsed),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'openim-hooks-bench-store-'));
const postgres = await startPostgres();
try {
  const results: Result[] = [];
  const sqlite = openStore(join(dir, 'bench.db'));
  results.push(await run('SQLite', [sqlite]));
  await sqlite.close();

  const one = openStore(await postgres.createDatabase('bench_one'));
  results.push(await run('PostgreSQL, 1 store', [one]));
  await one.close();

  const url = await postgres.createDatabase('bench_three');
  const three = [openStore(url), openStore(url), openStore(url)];
  results.push(await run('PostgreSQL, 3 stores', three));
  await Promise.all(three.map((store) => store.close()));

  console.log(`${total} callbacks max, ${concurrency} in flight, ${seconds} s max per backend`);
  console.table(results);
} finally {
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}
