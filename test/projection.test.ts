import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createReceiver } from '../src/receiver/index.js';
import { openStore } from '../src/store/index.js';
import type { Page, Store } from '../src/store/index.js';
import { T0, accepted } from './fixtures/accepted.js';
import { SEED_BODY, SEED_COMMAND, singleChatBody } from './fixtures/seed.js';
import { consistently } from './helpers/consistent-store.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';

const SINKS = [{ name: 'all', commands: null }];
const CHILD = new URL('./helpers/record-until-killed.ts', import.meta.url).pathname;

/** Every item of a paged list. */
async function all<T>(list: (cursor?: string) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    const page = await list(cursor);
    items.push(...page.items);
    if (page.nextCursor === null) return items;
    cursor = page.nextCursor;
  }
  throw new Error('cursor never ended');
}

/**
 * What a user checks after a crash: every acknowledged callback is one event (others, acknowledged to no one, may be
 * there once too), counted once, queued once for the sink, and one conversation row seen once.
 */
async function assertProjectedOnce(store: Store, acked: readonly string[]): Promise<void> {
  await store.caughtUp();
  const events = await all((cursor) => store.listEvents({ limit: 1000, ...(cursor ? { cursor } : {}) }));
  const perOperation = new Map<string, number>();
  for (const event of events)
    perOperation.set(event.operationID, (perOperation.get(event.operationID) ?? 0) + 1);
  assert.deepEqual(
    acked.filter((op) => perOperation.get(op) !== 1),
    [],
    'each acknowledged callback is exactly one event',
  );
  assert.ok(
    [...perOperation.values()].every((n) => n === 1),
    'no event twice',
  );
  assert.deepEqual(
    (await store.listCommands()).map((c) => [c.callbackCommand, c.count]),
    [[SEED_COMMAND, events.length]],
  );
  const deliveries = await all((cursor) =>
    store.listDeliveries({ limit: 1000, ...(cursor ? { cursor } : {}) }),
  );
  assert.equal(new Set(deliveries.map((d) => d.eventId)).size, events.length, 'one outbox row per event');
  assert.equal(deliveries.length, events.length);
  const conversations = await all((cursor) =>
    store.listConversations({ limit: 1000, ...(cursor ? { cursor } : {}) }),
  );
  assert.equal(conversations.length, events.length);
  assert.ok(
    conversations.every((c) => c.timesSeen === 1),
    'no conversation counted twice',
  );
}

/** Holds SQLite's write lock on the database file: the projection waits, the inbox does not. */
function holdWriteLock(path: string): () => void {
  const blocker = new Database(path);
  blocker.pragma('busy_timeout = 5000');
  blocker.exec('BEGIN IMMEDIATE');
  return () => {
    blocker.exec('COMMIT');
    blocker.close();
  };
}

/** Runs the recording child until it acknowledged `ackedAtLeast` callbacks (or all), kills it, returns what it acked. */
async function recordThenKill(
  path: string,
  prefix: string,
  count: number,
  ackedAtLeast: number,
  whenReady: () => void = () => undefined,
): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, prefix, String(count)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const acked: string[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('acked ')) acked.push(`${prefix}-${line.slice(6)}`);
      if (line === 'ready') {
        whenReady();
        child.stdin.write('go\n');
      }
    }
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const reached = await waitFor(() => acked.length >= ackedAtLeast || child.exitCode !== null, 60_000);
  child.kill('SIGKILL');
  await exited;
  assert.ok(reached, `the child acknowledged ${acked.length} of ${ackedAtLeast}`);
  return acked;
}

describe('the projection of the inbox', () => {
  it('acknowledges while the tables are locked; caughtUp then shows each callback once', async () => {
    const path = join(tempDir(), 'locked.db');
    const store = openStore(path, { sinks: SINKS });
    await store.checkWritable();
    const release = holdWriteLock(path);
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          store.record(
            accepted(singleChatBody(`l${i}`, 'peer'), { operationID: `l${i}`, receivedAt: T0 + i }),
          ),
        ),
      );
      assert.ok(results.every((r) => !r.duplicate));
      assert.equal((await store.listEvents()).items.length, 0, 'not projected yet: reads trail');
      assert.equal((await store.projectionLag()).events, 200);
    } finally {
      release();
    }
    await assertProjectedOnce(
      store,
      Array.from({ length: 200 }, (_, i) => `l${i}`),
    );
    assert.deepEqual(await store.projectionLag(), { events: 0, seconds: 0 });
    await store.close();
  });

  it('a process killed after acknowledging, before projecting: the next open projects each callback once', async () => {
    const path = join(tempDir(), 'before.db');
    let release = () => undefined as void;
    let acked: string[];
    try {
      acked = await recordThenKill(path, 'before', 500, 500, () => (release = holdWriteLock(path)));
    } finally {
      release();
    }
    const store = openStore(path, { sinks: SINKS });
    await assertProjectedOnce(store, acked);
    await store.close();
  });

  it('killed at random moments while projecting: every acknowledged callback is projected exactly once', async () => {
    const path = join(tempDir(), 'random.db');
    const acked: string[] = [];
    for (let round = 0; round < 5; round++) {
      acked.push(...(await recordThenKill(path, `r${round}`, 3000, 200 + Math.floor(Math.random() * 1500))));
    }
    const store = openStore(path, { sinks: SINKS });
    await assertProjectedOnce(store, acked);
    await store.close();
  });

  it('an exact redelivery is one event and one delivery per sink, before or after the original was projected', async () => {
    const path = join(tempDir(), 'redelivery.db');
    const first = consistently(openStore(path, { sinks: SINKS }));
    const [original, atOnce] = await Promise.all([
      first.record(accepted(SEED_BODY)),
      first.record(accepted(SEED_BODY)),
    ]);
    assert.equal(original?.duplicate, false);
    assert.deepEqual(
      atOnce,
      { eventId: original?.eventId, duplicate: true },
      'known before it was projected',
    );
    assert.equal((await first.listEvents()).items.length, 1);
    await first.close();

    // After a restart the store no longer remembers the key: asked to be exact, it reads the database.
    const second = consistently(openStore(path, { sinks: SINKS }));
    assert.deepEqual(
      await second.record(accepted(SEED_BODY, { receivedAt: T0 + 5 }), { exactDuplicate: true }),
      {
        eventId: original?.eventId,
        duplicate: true,
      },
    );
    // Not asked to be exact, the answer may say new; the projection still makes it the same one event.
    await second.record(accepted(SEED_BODY, { receivedAt: T0 + 9 }));
    assert.equal((await second.listEvents()).items.length, 1);
    assert.equal((await second.listDeliveries({ sink: 'all' })).items.length, 1);
    assert.equal((await second.listCommands())[0]?.count, 1);
    assert.equal((await second.getConversation('123228123', 'si_123228123_622925731'))?.timesSeen, 1);
    await second.close();
  });

  it('tells a handler `duplicate` for a redelivery of a callback projected before a restart', async () => {
    const path = join(tempDir(), 'handler.db');
    const before = 'callbackBeforeCreateSingleChatConversationsCommand';
    const body = singleChatBody('123228123', '622925731', before);
    const request = (store: Store, seen: boolean[]) =>
      createReceiver({
        recorder: store,
        handlers: { [before]: ({ duplicate }: { duplicate: boolean }) => void seen.push(duplicate) },
      }).handle({
        method: 'POST',
        url: `/callbackExample/${before}`,
        header: (name) => ({ 'content-type': 'application/json; charset=utf-8', operationid: 'h-1' })[name],
        body: new TextEncoder().encode(body),
      });
    const seen: boolean[] = [];
    const first = openStore(path);
    assert.equal((await request(first, seen)).status, 200);
    await first.caughtUp();
    await first.close();
    const second = openStore(path);
    assert.equal((await request(second, seen)).status, 200);
    await second.close();
    assert.deepEqual(seen, [false, true]);
  });
});
