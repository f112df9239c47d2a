/**
 * A child process for the crash tests of the projection: opens the SQLite store at argv[2] (one sink, `all`) and
 * records single-chat callbacks `<prefix>-<n>` as fast as it can, up to argv[4] of them, printing the number of each
 * one acknowledged (`acked n`). It starts once the store is open (`ready`) and a line arrives on stdin, so that a
 * test can lock the database in between. It never exits by itself: the test kills it.
 */
import { openStore } from '../../src/store/index.js';
import { accepted } from '../fixtures/accepted.js';
import { singleChatBody } from '../fixtures/seed.js';

const [path = '', prefix = 'kill', limit = '1000'] = process.argv.slice(2);
const store = openStore(path, { sinks: [{ name: 'all', commands: null }] });
const max = Number(limit);
let next = 0;
async function worker(): Promise<void> {
  while (next < max) {
    const n = next++;
    await store.record(
      accepted(singleChatBody(`${prefix}-${n}`, `peer-${n}`), { operationID: `${prefix}-${n}` }),
    );
    process.stdout.write(`acked ${n}\n`);
  }
}
await store.checkWritable();
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
await Promise.all(Array.from({ length: 16 }, worker));
process.stdout.write('done\n');
setInterval(() => undefined, 1000); // wait for the kill
