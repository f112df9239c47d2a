import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../src/store/index.js';
import type { RetentionPolicy, Store, StoreOptions } from '../src/store/index.js';
import { migrate } from '../src/store/sqlite/open-database.js';
import { T0, accepted } from './fixtures/accepted.js';
import { SEED_COMMAND, singleChatBody } from './fixtures/seed.js';
import { consistently } from './helpers/consistent-store.js';
import { startPostgres } from './helpers/postgres.js';
import { runCli, startServiceProcess } from './helpers/service-process.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';

const postgres = await startPostgres();
const ONLINE = 'callbackAfterUserOnlineCommand';
const online = (userID: string) => `${JSON.stringify({ callbackCommand: ONLINE, userID, platformID: 1 })}\n`;
const DAY = 86_400_000;
const SINKS = [{ name: 'crm', commands: null }];
const policy = (defaultMs: number, extra: Partial<RetentionPolicy> = {}): RetentionPolicy => ({
  defaultMs,
  byCommand: {},
  retainConversations: true,
  ...extra,
});

let databases = 0;
let dir = '';
const backends = [
  { name: 'SQLite', database: async () => join(dir, `retention-${++databases}.db`) },
  { name: 'PostgreSQL', database: () => postgres.createDatabase(`retention_${++databases}`) },
];

/**
 * Ten days of callbacks, one a day (T0 is day 0), each a new conversation, and an online event on day 0, all queued
 * for the sink: day 0's delivery is delivered after a failed attempt (and its event has a non-success answer), day
 * 1's is dead, day 2's still pending (held for a retry), every other one delivered.
 */
async function tenDays(store: Store): Promise<void> {
  for (let day = 0; day < 10; day++)
    await store.record(
      accepted(singleChatBody(`owner${day}`, 'peer'), {
        operationID: `day-${day}`,
        receivedAt: T0 + day * DAY,
      }),
    );
  await store.record(accepted(online('u1'), { operationID: 'online', receivedAt: T0 }));
  const events = new Map((await store.listEvents({ limit: 1000 })).items.map((e) => [e.id, e.operationID]));
  for (const delivery of await store.pendingDeliveries('crm', 100)) {
    const { deliveryId, eventId } = delivery;
    switch (events.get(eventId)) {
      case 'day-0':
        await store.settleDeliveries([
          {
            deliveryId,
            outcome: 'retry',
            at: T0,
            nextAttemptAt: T0,
            error: 'HTTP 500',
            attempt: {
              eventId,
              sink: 'crm',
              startedAt: T0,
              durationMs: 1,
              result: 'failed',
              httpStatus: 500,
              error: 'HTTP 500',
              responseExcerpt: null,
            },
          },
        ]);
        await store.settleDeliveries([{ deliveryId, outcome: 'delivered', at: T0 + 1 }]);
        await store.recordAnswer(eventId, 200, '{"actionCode":0,"errCode":20001}');
        break;
      case 'day-1':
        await store.settleDeliveries([{ deliveryId, outcome: 'dead', at: T0 + 1, error: 'gone' }]);
        break;
      case 'day-2':
        await store.settleDeliveries([
          { deliveryId, outcome: 'retry', at: T0, nextAttemptAt: T0 + 99 * DAY, error: 'later' },
        ]);
        break;
      default:
        await store.settleDeliveries([{ deliveryId, outcome: 'delivered', at: T0 + 1 }]);
    }
  }
}

describe('retention', () => {
  after(() => postgres.stop());
  dir = tempDir();

  for (const backend of backends) {
    describe(backend.name, () => {
      async function withStore(
        use: (store: Store) => Promise<void>,
        options: StoreOptions = { sinks: SINKS },
      ) {
        const store = consistently(openStore(await backend.database(), options));
        try {
          await use(store);
        } finally {
          await store.close();
        }
      }
      const now = T0 + 10 * DAY;

      it('says what would go, then removes exactly that: old events with their settled deliveries, attempts and answers', () =>
        withStore(async (store) => {
          await tenDays(store);
          const keep = policy(5 * DAY - 1);
          const plan = await store.prune(keep, { now, dryRun: true });
          assert.equal(plan.dryRun, true);
          // Days 0-5 are older than 5 days; day 2 stays (a delivery pending), and the online event of day 0 goes.
          assert.deepEqual(
            plan.commands.map((c) => [c.callbackCommand, c.events, c.held]),
            [
              [SEED_COMMAND, 5, 1],
              [ONLINE, 1, 0],
            ].sort(),
          );
          assert.deepEqual(plan.total, {
            events: 6,
            deliveries: 6,
            attempts: 1,
            answers: 1,
            conversations: 0,
          });
          assert.equal(
            (await store.listEvents({ limit: 1000 })).items.length,
            11,
            'a dry run removes nothing',
          );

          const done = await store.prune(keep, { now, dryRun: false });
          assert.deepEqual(done.total, plan.total);
          const left = (await store.listEvents({ limit: 1000 })).items.map((e) => e.operationID);
          assert.deepEqual(left, ['day-2', 'day-6', 'day-7', 'day-8', 'day-9']);
          assert.deepEqual(
            (await store.listDeliveries({ limit: 1000 })).items.map((d) => d.status),
            ['pending', 'delivered', 'delivered', 'delivered', 'delivered'],
          );
          assert.equal((await store.listAttempts({ limit: 1000 })).items.length, 0);
          assert.equal(
            (await store.listDeliveries({ status: 'dead' })).items.length,
            0,
            'dead letters go with their events',
          );
          // The conversations table is the latest state, not history: it stays, and so do the command counts.
          assert.equal((await store.listConversations({ limit: 1000 })).items.length, 10);
          assert.equal(
            (await store.listCommands()).find((c) => c.callbackCommand === SEED_COMMAND)?.count,
            10,
          );
          assert.deepEqual(
            (await store.prune(keep, { now, dryRun: false })).total.events,
            0,
            'nothing twice',
          );
        }));

      it('keeps each command by its own retention (0: for ever), and prunes conversations only when told', () =>
        withStore(async (store) => {
          await tenDays(store);
          const perCommand = policy(DAY, { byCommand: { [SEED_COMMAND]: 0 }, retainConversations: false });
          const done = await store.prune(perCommand, { now, dryRun: false });
          assert.deepEqual(
            done.commands.map((c) => [c.callbackCommand, c.events]),
            [[ONLINE, 1]],
            'the single chats are kept for ever, the online event goes',
          );
          assert.equal((await store.listEvents({ command: SEED_COMMAND, limit: 1000 })).items.length, 10);
          // Conversations not seen within a day go: those of days 0 to 8.
          assert.equal(done.total.conversations, 9);
          assert.deepEqual(
            (await store.listConversations()).items.map((c) => c.ownerUserId),
            ['owner9'],
          );
        }));

      it('prunes by itself in the background, off the ack path, and counts what it removed', async () => {
        const counted = { events: 0, deliveries: 0 };
        await withStore(
          async (store) => {
            await tenDays(store);
            // "Now" is real time here: everything of 2026-01-01 is older than a minute, except day 2 (pending).
            assert.ok(
              await waitFor(async () => (await store.listEvents({ limit: 1000 })).items.length === 1, 30_000),
              'pruned in the background',
            );
            assert.equal((await store.listEvents()).items[0]?.operationID, 'day-2');
          },
          {
            sinks: SINKS,
            retention: policy(60_000),
            onPruned: (counts) => {
              counted.events += counts.events;
              counted.deliveries += counts.deliveries;
            },
          },
        );
        assert.deepEqual(counted, { events: 10, deliveries: 10 });
      });
    });
  }

  describe('SQLite space', () => {
    it('a new database gives pruned space back to the disk; one made before is converted when the service opens it', async () => {
      const fresh = join(dir, 'fresh.db');
      const store = openStore(fresh);
      await store.close();
      const read = (path: string) => {
        const db = new Database(path, { readonly: true });
        try {
          return db.pragma('auto_vacuum', { simple: true });
        } finally {
          db.close();
        }
      };
      assert.equal(read(fresh), 2, 'incremental');

      const old = join(dir, 'old.db');
      const db = new Database(old); // as an earlier version made it: no auto_vacuum
      db.pragma('journal_mode = WAL');
      migrate(db);
      db.close();
      assert.equal(read(old), 0);
      const notices: string[] = [];
      const opened = openStore(old, { onNotice: (_level, message) => notices.push(message) });
      await opened.close();
      assert.equal(read(old), 2);
      assert.match(notices.join('\n'), /incremental vacuum/);
    });

    it('a steady load at a steady retention stays at a steady file size', async () => {
      const path = join(dir, 'steady.db');
      const store = consistently(openStore(path));
      const size = () => {
        const db = new Database(path, { readonly: true });
        try {
          return (
            (db.pragma('page_count', { simple: true }) as number) *
            (db.pragma('page_size', { simple: true }) as number)
          );
        } finally {
          db.close();
        }
      };
      try {
        const sizes: number[] = [];
        // 20 "minutes" of 500 callbacks with 2 KiB each, each a new conversation, keeping the last 5 minutes of both:
        // the file stops growing. (With the conversations kept, their table would grow with every new one.)
        for (let minute = 0; minute < 20; minute++) {
          await Promise.all(
            Array.from({ length: 500 }, (_, i) =>
              store.record(
                accepted(singleChatBody(`m${minute}u${i}`, 'peer', SEED_COMMAND, { ex: 'x'.repeat(2048) }), {
                  operationID: `m${minute}-${i}`,
                  receivedAt: T0 + minute * 60_000 + i,
                }),
              ),
            ),
          );
          await store.prune(policy(5 * 60_000, { retainConversations: false }), {
            now: T0 + (minute + 1) * 60_000,
            dryRun: false,
          });
          sizes.push(size());
        }
        const [early, late] = [sizes[7] ?? 0, sizes[19] ?? 0];
        assert.ok(
          late <= early * 1.1,
          `file size: ${sizes.map((s) => (s / 2 ** 20).toFixed(1)).join(', ')} MiB`,
        );
      } finally {
        await store.close();
      }
    });
  });

  describe('the service and the CLI', () => {
    it('`prune --dry-run` says what would go; the service prunes with `retention` and counts it in /metrics', async () => {
      const database = join(dir, 'service.db');
      const service = await startServiceProcess(['--database', database, '--retention', '2s']);
      try {
        for (let i = 0; i < 5; i++) {
          const answer = await fetch(`${service.url}/callbackExample/${SEED_COMMAND}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', operationid: `cli-${i}` },
            body: singleChatBody(`cli${i}`, 'peer'),
          });
          assert.equal(answer.status, 200);
        }
        const plan = JSON.parse(
          await runCli(['prune', '--dry-run', '--json', '--database', database, '--retention', '1d']),
        ) as { dryRun: boolean; total: { events: number } };
        assert.deepEqual([plan.dryRun, plan.total.events], [true, 0], 'nothing is a day old');
        const pruned = async () => {
          const text = await (await fetch(`${service.url}/metrics`)).text();
          return Number(/^openim_hooks_pruned_total\{table="events"\} (\d+)$/m.exec(text)?.[1] ?? 0);
        };
        assert.ok(await waitFor(async () => (await pruned()) === 5, 30_000), 'the service pruned all five');
        const events = (await (await fetch(`${service.url}/api/v1/events?consistent=true`)).json()) as {
          items: unknown[];
        };
        assert.equal(events.items.length, 0);
      } finally {
        await service.stop();
      }
    });
  });
});
