import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../src/store/index.js';
import type { Store } from '../src/store/index.js';
import { JOURNAL_SIZE_LIMIT, openDatabase } from '../src/store/sqlite/open-database.js';
import { accepted } from './fixtures/accepted.js';
import { SEED_COMMAND, singleChatBody } from './fixtures/seed.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';

const dir = tempDir();
const walSize = (path: string) => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);

/** `count` new single chats of about 4 KiB each, recorded and projected. */
async function burst(store: Store, prefix: string, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      store.record(
        accepted(singleChatBody(`${prefix}${i}`, 'peer', SEED_COMMAND, { ex: 'x'.repeat(4096) }), {
          operationID: `${prefix}-${i}`,
        }),
      ),
    ),
  );
  await store.caughtUp();
}

describe('the SQLite WAL stays bounded', () => {
  it('returns to nothing once the writer is idle after a burst', async () => {
    const path = join(dir, 'burst.db');
    const store = openStore(path);
    try {
      await burst(store, 'a', 5000);
      assert.ok(walSize(path) > 0, 'the burst went through the WAL');
      assert.ok(await waitFor(() => walSize(path) === 0, 15_000), `the WAL is ${walSize(path)} bytes`);
    } finally {
      await store.close();
    }
  });

  it('is given back once a reader that pinned it ends its transaction', async () => {
    const path = join(dir, 'pinned.db');
    const store = openStore(path);
    const reader = new Database(path, { readonly: true });
    try {
      await burst(store, 'a', 100);
      // A reader elsewhere (the sqlite3 shell, say) holds a snapshot: the WAL cannot start over meanwhile.
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM events').get();
      await burst(store, 'b', 3000);
      const pinned = walSize(path);
      assert.ok(pinned > JOURNAL_SIZE_LIMIT / 2, `pinned at ${pinned} bytes`);
      reader.exec('COMMIT');
      assert.ok(await waitFor(() => walSize(path) === 0, 15_000), `the WAL is ${walSize(path)} bytes`);
    } finally {
      if (reader.inTransaction) reader.exec('COMMIT');
      reader.close();
      await store.close();
    }
  });

  it('every connection of the store cuts the WAL back to its size limit when it starts over', () => {
    const db = openDatabase(join(dir, 'limit.db'));
    try {
      assert.equal(db.pragma('journal_size_limit', { simple: true }), JOURNAL_SIZE_LIMIT);
    } finally {
      db.close();
    }
  });
});
