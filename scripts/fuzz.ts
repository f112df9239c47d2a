/**
 * `npm run fuzz`: at least 100,000 generated requests through the whole receiver (SQLite store included), with a
 * fresh seed each run (or FUZZ_SEED); FUZZ_COUNT sets the count. Prints the count, the time and the seed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createReceiver } from '../src/receiver/index.js';
import { openSqliteStore } from '../src/store/index.js';
import { fuzzReceiver } from '../test/helpers/fuzz-requests.js';

const count = Math.max(1, Number(process.env['FUZZ_COUNT'] ?? 100_000));
const seed = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const dir = mkdtempSync(join(tmpdir(), 'openim-hooks-fuzz-'));
const store = openSqliteStore(join(dir, 'fuzz.db'));
const started = performance.now();
try {
  const tally = await fuzzReceiver(createReceiver({ recorder: store }), { seed, count, concurrency: 128 });
  const stored = (await store.listCommands()).reduce((sum, c) => sum + c.count, 0);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `fuzz: ${tally.requests} requests in ${seconds.toFixed(1)} s (${Math.round(tally.requests / seconds)}/s), seed ${seed}: ` +
      `${tally.recorded} recorded, ${tally.refused} refused, ${stored} events stored; 0 throws, hangs or non-JSON answers\n`,
  );
  if (stored !== tally.recorded)
    throw new Error(`store holds ${stored} events but ${tally.recorded} were acknowledged`);
  if (({} as Record<string, unknown>)['polluted'] !== undefined) throw new Error('a prototype was polluted');
} catch (error) {
  process.stderr.write(`fuzz FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
