import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { idempotencyKey } from '../src/receiver/idempotency-key.js';
import { migrateDatabase, openStore, redactDatabase } from '../src/store/index.js';
import { openPool } from '../src/store/postgres/open-pool.js';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/postgres-migrations.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.js';
import type { OutboxSink, Page, Store, StoreOptions } from '../src/store/index.js';
import { T0, accepted } from './fixtures/accepted.js';
import { SEED_BODY, SEED_COMMAND, groupChatBody, singleChatBody } from './fixtures/seed.js';
import { startPostgres } from './helpers/postgres.js';
import { runCli } from './helpers/service-process.js';
import { tempDir } from './helpers/temp-dir.js';
import { consistently } from './helpers/consistent-store.js';

// Started at the top level (node:test would run an `after` registered inside a hook at once), stopped by the `after`
// of the one top-level suite (Node 20 runs a file-level `after` as soon as the first of several suites ends).
const postgres = await startPostgres();

const ONLINE = 'callbackAfterUserOnlineCommand';
const GROUP_COMMAND = 'callbackAfterCreateGroupChatConversationsCommand';

const onlineBody = (userID: string) =>
  `${JSON.stringify({ callbackCommand: ONLINE, userID, platformID: 1 })}\n`;

/** Every page of a paged list, following `nextCursor`. */
async function allPages<T>(list: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await list(cursor);
    pages.push(page.items);
    if (page.nextCursor === null) return pages;
    cursor = page.nextCursor;
  }
  throw new Error('cursor never ended');
}

interface Backend {
  name: string;
  /** A fresh, empty database: its `--database` value. */
  database(): Promise<string>;
  /** A store on a fresh, empty database. */
  open(options?: StoreOptions): Promise<Store>;
}

let databases = 0;
let dir = '';
const backendOf = (name: string, database: () => Promise<string>): Backend => ({
  name,
  database,
  open: async (options) => consistently(openStore(await database(), options)),
});
const sqlite = backendOf('SQLite', async () => join(dir, `contract-${++databases}.db`));
const postgresql = backendOf('PostgreSQL', () => postgres.createDatabase(`contract_${++databases}`));

const SINKS: OutboxSink[] = [
  { name: 'all', commands: null },
  { name: 'conversations', commands: [SEED_COMMAND, GROUP_COMMAND] },
];

describe('store', () => {
  after(() => postgres.stop());
  dir = tempDir();

  for (const backend of [sqlite, postgresql]) {
    describe(`contract: ${backend.name}`, () => {
      /** Opens a fresh store, runs `use`, closes it. */
      async function withStore(use: (store: Store) => Promise<void>, options?: StoreOptions): Promise<void> {
        const store = await backend.open(options);
        try {
          await use(store);
        } finally {
          await store.close();
        }
      }

      it('records once; an exact redelivery resolves to the original, a distinct delivery is a new event', () =>
        withStore(async (store) => {
          const first = await store.record(accepted(SEED_BODY));
          assert.deepEqual(first, { eventId: first.eventId, duplicate: false });
          assert.deepEqual(await store.record(accepted(SEED_BODY, { receivedAt: T0 + 5 })), {
            eventId: first.eventId,
            duplicate: true,
          });
          const other = await store.record(accepted(SEED_BODY, { operationID: 'op-2', receivedAt: T0 + 10 }));
          assert.equal(other.duplicate, false);
          assert.ok(other.eventId > first.eventId);
          assert.equal((await store.listEvents()).items.length, 2);
          assert.deepEqual(
            (await store.listCommands()).map((c) => [c.callbackCommand, c.count]),
            [[SEED_COMMAND, 2]],
          );
          assert.equal((await store.getConversation('123228123', 'si_123228123_622925731'))?.timesSeen, 2);
        }));

      it('concurrent redeliveries make one event each, in one batch or across batches', () =>
        withStore(async (store) => {
          const callbacks = Array.from({ length: 60 }, (_, i) =>
            accepted(singleChatBody(`u${i % 3}`, 'peer'), { operationID: `op-${i % 3}`, receivedAt: T0 + i }),
          );
          const results = await Promise.all(callbacks.map((c) => store.record(c)));
          for (let key = 0; key < 3; key++) {
            const mine = results.filter((_, i) => i % 3 === key);
            assert.equal(mine.filter((r) => !r.duplicate).length, 1, 'one original per key');
            assert.equal(new Set(mine.map((r) => r.eventId)).size, 1, 'every copy answers the original id');
          }
          // A later redelivery of all of them, again at once, still adds nothing.
          const again = await Promise.all(callbacks.map((c) => store.record(c)));
          assert.ok(again.every((r) => r.duplicate));
          assert.equal((await store.listEvents()).items.length, 3);
          const conversations = (await store.listConversations()).items;
          assert.deepEqual(
            conversations.map((c) => c.timesSeen),
            [1, 1, 1],
          );
        }));

      it('keeps the latest values of a conversation, the span it was seen in and how often', () =>
        withStore(async (store) => {
          const { eventId: firstId } = await store.record(accepted(SEED_BODY, { receivedAt: T0 + 1000 }));
          const update = singleChatBody(
            '123228123',
            '622925731',
            'callbackBeforeCreateSingleChatConversationsCommand',
            {
              isPinned: true,
              recvMsgOpt: 2,
              burnDuration: 30,
              attachedInfo: 'info',
              ex: '新的',
            },
          );
          // Arrives later but was received earlier (another instance, a retry): first seen moves back, last stays.
          const { eventId: secondId } = await store.record(
            accepted(update, { operationID: 'op-2', receivedAt: T0 }),
          );
          assert.ok(secondId > firstId);
          assert.deepEqual(await store.getConversation('123228123', 'si_123228123_622925731'), {
            ownerUserId: '123228123',
            conversationId: 'si_123228123_622925731',
            conversationType: 1,
            userId: '622925731',
            groupId: '',
            recvMsgOpt: 2,
            isPinned: true,
            isPrivateChat: false,
            burnDuration: 30,
            groupAtType: 0,
            attachedInfo: 'info',
            ex: '新的',
            firstSeenAt: new Date(T0).toISOString(),
            lastSeenAt: new Date(T0 + 1000).toISOString(),
            timesSeen: 2,
            lastCommand: 'callbackBeforeCreateSingleChatConversationsCommand',
            lastEventId: secondId,
          });
          assert.equal(await store.getConversation('123228123', 'si_nobody'), undefined);
        }));

      it('keeps group conversations under the empty owner', () =>
        withStore(async (store) => {
          const { eventId } = await store.record(accepted(groupChatBody('g1')));
          const group = await store.getConversation('', 'sg_g1');
          assert.equal(group?.groupId, 'g1');
          assert.equal(group?.userId, '');
          assert.equal(group?.ownerUserId, '');
          assert.equal(group?.conversationType, 3);
          assert.equal(group?.lastEventId, eventId);
        }));

      it('lists conversations by filter and pages them with stable cursors', () =>
        withStore(async (store) => {
          for (let i = 0; i < 5; i++) {
            await store.record(
              accepted(singleChatBody(`owner${i}`, 'peer'), {
                operationID: `s${i}`,
                receivedAt: T0 + i * 1000,
              }),
            );
          }
          await store.record(accepted(groupChatBody('g1'), { operationID: 'g', receivedAt: T0 + 9000 }));

          const owners = (filter: Parameters<Store['listConversations']>[0]) =>
            store.listConversations(filter).then((page) => page.items.map((c) => c.ownerUserId || c.groupId));
          assert.deepEqual(await owners({ ownerUserId: 'owner3' }), ['owner3']);
          assert.deepEqual(await owners({ userId: 'peer' }), [
            'owner0',
            'owner1',
            'owner2',
            'owner3',
            'owner4',
          ]);
          assert.deepEqual(await owners({ groupId: 'g1' }), ['g1']);
          assert.deepEqual(await owners({ conversationType: 3 }), ['g1']);
          assert.deepEqual(await owners({ conversationId: 'si_owner2_peer' }), ['owner2']);
          assert.deepEqual(await owners({ seenAfter: T0 + 1000, seenBefore: T0 + 3000 }), [
            'owner1',
            'owner2',
          ]);
          assert.deepEqual(await owners({ order: 'desc', limit: 2 }), ['g1', 'owner4']);

          const pages = await allPages((cursor) =>
            store.listConversations({ limit: 2, ...(cursor ? { cursor } : {}) }),
          );
          assert.deepEqual(
            pages.map((page) => page.map((c) => c.ownerUserId || c.groupId)),
            [
              ['owner0', 'owner1'],
              ['owner2', 'owner3'],
              ['owner4', 'g1'],
            ],
          );
          const descending = await allPages((cursor) =>
            store.listConversations({ limit: 4, order: 'desc', ...(cursor ? { cursor } : {}) }),
          );
          assert.deepEqual(
            descending.map((page) => page.length),
            [4, 2],
          );
          await assert.rejects(store.listConversations({ cursor: 'not-a-cursor' }), { name: 'Error' });
        }));

      it('lists events by filter with their body byte for byte, trailing newline included', () =>
        withStore(async (store) => {
          await store.record(
            accepted(SEED_BODY, {
              operationID: 'op-seed',
              receivedAt: T0,
              warnings: ['conversationId does not match'],
            }),
          );
          for (let i = 0; i < 4; i++) {
            await store.record(
              accepted(onlineBody(`user${i}`), {
                operationID: `op-online-${i}`,
                receivedAt: T0 + 1000 * (i + 1),
              }),
            );
          }
          const [seed] = (await store.listEvents({ operationID: 'op-seed' })).items;
          assert.ok(seed);
          assert.equal(seed.rawBody, SEED_BODY);
          assert.ok(seed.rawBody.endsWith('}\n'));
          assert.deepEqual(seed, {
            id: seed.id,
            callbackCommand: SEED_COMMAND,
            kind: 'after',
            operationID: 'op-seed',
            receivedAt: new Date(T0).toISOString(),
            eventId: `evt_${idempotencyKey(SEED_COMMAND, 'op-seed', new TextEncoder().encode(SEED_BODY)).slice(0, 32)}`,
            idempotencyKey: idempotencyKey(SEED_COMMAND, 'op-seed', new TextEncoder().encode(SEED_BODY)),
            warnings: ['conversationId does not match'],
            invalid: false,
            fieldErrors: [],
            rawBody: SEED_BODY,
            payload: JSON.parse(SEED_BODY),
          });
          const ids = (filter: Parameters<Store['listEvents']>[0]) =>
            store.listEvents(filter).then((page) => page.items.map((e) => e.operationID));
          assert.deepEqual(await ids({ command: ONLINE }), [
            'op-online-0',
            'op-online-1',
            'op-online-2',
            'op-online-3',
          ]);
          assert.deepEqual(await ids({ receivedAfter: T0 + 2000, receivedBefore: T0 + 4000 }), [
            'op-online-1',
            'op-online-2',
          ]);
          assert.deepEqual(await ids({ command: ONLINE, order: 'desc', limit: 1 }), ['op-online-3']);
          const pages = await allPages((cursor) =>
            store.listEvents({ limit: 2, ...(cursor ? { cursor } : {}) }),
          );
          assert.deepEqual(
            pages.map((page) => page.length),
            [2, 2, 1],
          );
          assert.deepEqual((await store.listEvents({ operationID: 'op-online-2' })).items[0]?.warnings, []);
        }));

      it('counts each command with the first and last time it arrived', () =>
        withStore(async (store) => {
          await store.record(accepted(onlineBody('a'), { operationID: 'a', receivedAt: T0 + 500 }));
          await store.record(accepted(SEED_BODY, { receivedAt: T0 + 100 }));
          await store.record(accepted(onlineBody('b'), { operationID: 'b', receivedAt: T0 }));
          await store.record(accepted(onlineBody('b'), { operationID: 'b', receivedAt: T0 + 900 })); // redelivery
          assert.deepEqual(await store.listCommands(), [
            {
              callbackCommand: SEED_COMMAND,
              count: 1,
              invalid: 0,
              firstSeenAt: new Date(T0 + 100).toISOString(),
              lastSeenAt: new Date(T0 + 100).toISOString(),
            },
            {
              callbackCommand: ONLINE,
              count: 2,
              invalid: 0,
              firstSeenAt: new Date(T0).toISOString(),
              lastSeenAt: new Date(T0 + 500).toISOString(),
            },
          ]);
        }));

      it('keeps an invalid callback flagged with its field errors: counted, no conversation row, no delivery unless the sink asks', () =>
        withStore(
          async (store) => {
            const fieldErrors = [{ field: 'conversationType', reason: 'must be an integer' }];
            const body = SEED_BODY.replace('"conversationType":1', '"conversationType":"1"');
            const invalid = await store.record(accepted(body, { fieldErrors, receivedAt: T0 }));
            const valid = await store.record(
              accepted(SEED_BODY, { operationID: 'op-2', receivedAt: T0 + 1 }),
            );
            const events = (await store.listEvents()).items;
            assert.deepEqual(
              events.map((e) => [e.id, e.invalid, e.fieldErrors, e.rawBody]),
              [
                [invalid.eventId, true, fieldErrors, body],
                [valid.eventId, false, [], SEED_BODY],
              ],
            );
            const rows = (await store.listConversations()).items;
            assert.deepEqual(
              rows.map((r) => [r.lastEventId, r.timesSeen]),
              [[valid.eventId, 1]],
              'the invalid callback made no conversation row',
            );
            assert.deepEqual(
              (await store.listCommands()).map((c) => [c.callbackCommand, c.count, c.invalid]),
              [[SEED_COMMAND, 2, 1]],
            );
            assert.deepEqual(
              (await store.pendingDeliveries('valid-only', 10)).map((d) => d.eventId),
              [valid.eventId],
            );
            assert.deepEqual(
              (await store.pendingDeliveries('invalid-too', 10)).map((d) => d.eventId),
              [invalid.eventId, valid.eventId],
            );
          },
          {
            sinks: [
              { name: 'valid-only', commands: null },
              { name: 'invalid-too', commands: null, invalid: true },
            ],
          },
        ));

      it('writes one outbox row per new event and sink that takes its command, none for redeliveries', () =>
        withStore(
          async (store) => {
            const seed = await store.record(accepted(SEED_BODY, { receivedAt: T0 }));
            const online = await store.record(
              accepted(onlineBody('a'), { operationID: 'a', receivedAt: T0 + 1 }),
            );
            await store.record(accepted(SEED_BODY, { receivedAt: T0 + 2 }));
            assert.deepEqual(await store.pendingDeliveries('all', 10), [
              {
                deliveryId: 1,
                eventId: seed.eventId,
                sink: 'all',
                orderingKey: 'si_123228123_622925731',
                attempts: 0,
                nextAttemptAt: T0,
              },
              {
                deliveryId: 3,
                eventId: online.eventId,
                sink: 'all',
                orderingKey: `#${online.eventId}`,
                attempts: 0,
                nextAttemptAt: T0 + 1,
              },
            ]);
            const conversations = await store.pendingDeliveries('conversations', 10);
            assert.deepEqual(
              conversations.map((d) => [d.deliveryId, d.eventId]),
              [[2, seed.eventId]],
            );
            assert.deepEqual(await store.pendingDeliveries('all', 1).then((d) => d.length), 1);
            assert.deepEqual(await store.pendingDeliveries('nobody', 10), []);
          },
          { sinks: SINKS },
        ));

      it('claims: two owners never hold one delivery; a leased head holds its key back; FIFO per key', () =>
        withStore(
          async (store) => {
            // Deliveries 1..7: the seed conversation (one key) at 1, 3, 5; one-off events at 2, 4, 6, 7.
            const order = ['s0', 'o0', 's1', 'o1', 's2', 'o2', 'o3'];
            for (const [i, op] of order.entries()) {
              const body = op.startsWith('s') ? SEED_BODY : onlineBody(op);
              await store.record(accepted(body, { operationID: op, receivedAt: T0 + i }));
            }
            const ids = (claimed: { deliveryId: number }[]) => claimed.map((d) => d.deliveryId);
            const now = T0 + 100;
            const a = await store.claimDeliveries('all', 'A', 2, 1000, now);
            assert.deepEqual(ids(a), [1, 2]);
            assert.equal(a[0]?.orderingKey, 'si_123228123_622925731');
            // 3 waits behind its leased head 1; B gets the other heads.
            assert.deepEqual(ids(await store.claimDeliveries('all', 'B', 10, 5000, now)), [4, 6, 7]);
            assert.deepEqual(await store.claimDeliveries('all', 'C', 10, 1000, now), []);
            assert.deepEqual(await store.claimDeliveries('all', 'C', 0, 1000, now), []);

            // A died: once its leases expire another owner takes them, and nothing of B's.
            assert.deepEqual(ids(await store.claimDeliveries('all', 'C', 10, 10_000, now + 1001)), [1, 2]);
            // Settling ends the lease, whoever settles (at least once): the key's next delivery is the head now.
            await store.settleDeliveries([{ deliveryId: 1, outcome: 'delivered', at: now + 1002 }]);
            assert.deepEqual(ids(await store.claimDeliveries('all', 'A', 10, 1000, now + 1003)), [3]);
            // A retry ends the lease and holds the key until it is due; a release ends it and keeps the attempts.
            await store.settleDeliveries([
              {
                deliveryId: 3,
                outcome: 'retry',
                at: now + 1004,
                nextAttemptAt: now + 3000,
                error: 'HTTP 502',
              },
              { deliveryId: 4, outcome: 'released' },
            ]);
            assert.deepEqual(ids(await store.claimDeliveries('all', 'A', 10, 10_000, now + 1005)), [4]);
            const [retried] = await store.claimDeliveries('all', 'B', 10, 1000, now + 3000);
            assert.deepEqual(
              { id: retried?.deliveryId, attempts: retried?.attempts, nextAttemptAt: retried?.nextAttemptAt },
              { id: 3, attempts: 1, nextAttemptAt: now + 3000 },
            );
            const four = (await store.pendingDeliveries('all', 10)).find((d) => d.deliveryId === 4);
            assert.equal(four?.attempts, 0);
          },
          { sinks: [{ name: 'all', commands: null }] },
        ));

      it(
        backend === sqlite
          ? 'reopened, ends the leases of the run before (one service per SQLite file)'
          : 'reopened, keeps the leases: another instance may still hold them',
        async () => {
          const database = await backend.database();
          const options = { sinks: [{ name: 'all', commands: null }] };
          const first = consistently(openStore(database, options));
          await first.record(accepted(onlineBody('a'), { operationID: 'lease-a', receivedAt: T0 }));
          assert.equal((await first.claimDeliveries('all', 'died', 10, 60_000, T0 + 1)).length, 1);
          await first.close();
          const second = consistently(openStore(database, options));
          try {
            await second.checkWritable(); // the store has started (SQLite: its writer thread)
            const claimed = await second.claimDeliveries('all', 'next', 10, 60_000, T0 + 2);
            assert.equal(claimed.length, backend === sqlite ? 1 : 0);
          } finally {
            await second.close();
          }
        },
      );

      it('claims at once by several owners never overlap, and together take every due head', () =>
        withStore(
          async (store) => {
            for (let i = 0; i < 60; i++) {
              await store.record(accepted(onlineBody(`u${i}`), { operationID: `p${i}`, receivedAt: T0 + i }));
            }
            const now = T0 + 1000;
            const seen = new Map<number, string>();
            for (let round = 0; round < 10 && seen.size < 60; round++) {
              const owners = ['A', 'B', 'C', 'D'];
              const claims = await Promise.all(
                owners.map((o) => store.claimDeliveries('all', o, 7, 60_000, now)),
              );
              for (const [i, claimed] of claims.entries()) {
                for (const d of claimed) {
                  assert.equal(seen.get(d.deliveryId), undefined, `delivery ${d.deliveryId} claimed twice`);
                  seen.set(d.deliveryId, owners[i] ?? '');
                }
              }
            }
            assert.equal(seen.size, 60);
          },
          { sinks: [{ name: 'all', commands: null }] },
        ));

      it('loads an event for its sink and settles deliveries: delivered, retry, dead', () =>
        withStore(
          async (store) => {
            const ids = [];
            for (let i = 0; i < 3; i++) {
              ids.push(
                (
                  await store.record(
                    accepted(onlineBody(`u${i}`), { operationID: `o${i}`, receivedAt: T0 + i }),
                  )
                ).eventId,
              );
            }
            const event = await store.loadEvent(ids[0] ?? 0);
            assert.ok(event);
            assert.deepEqual(
              { ...event, rawBody: Buffer.from(event.rawBody).toString('utf8') },
              {
                id: ids[0],
                callbackCommand: ONLINE,
                operationID: 'o0',
                receivedAt: T0,
                idempotencyKey: idempotencyKey(ONLINE, 'o0', new TextEncoder().encode(onlineBody('u0'))),
                rawBody: onlineBody('u0'),
              },
            );
            assert.equal(await store.loadEvent(999_999), undefined);

            const [a, b, c] = await store.pendingDeliveries('all', 10);
            assert.ok(a && b && c);
            await store.settleDeliveries([
              { deliveryId: a.deliveryId, outcome: 'delivered', at: T0 + 100 },
              {
                deliveryId: b.deliveryId,
                outcome: 'retry',
                at: T0 + 100,
                nextAttemptAt: T0 + 5000,
                error: 'HTTP 502',
              },
              { deliveryId: c.deliveryId, outcome: 'dead', at: T0 + 100, error: 'HTTP 410' },
            ]);
            // Only pending deliveries change: settling a delivered one again does nothing.
            await store.settleDeliveries([
              { deliveryId: a.deliveryId, outcome: 'dead', at: T0 + 200, error: 'late' },
            ]);
            await store.settleDeliveries([]);

            assert.deepEqual(await store.pendingDeliveries('all', 10), [
              {
                deliveryId: b.deliveryId,
                eventId: b.eventId,
                sink: 'all',
                orderingKey: b.orderingKey,
                attempts: 1,
                nextAttemptAt: T0 + 5000,
              },
            ]);
            assert.deepEqual((await store.listDeliveries({ sink: 'all' })).items, [
              {
                id: a.deliveryId,
                eventId: a.eventId,
                sink: 'all',
                status: 'delivered',
                attempts: 1,
                nextAttemptAt: null,
                lastError: null,
                createdAt: new Date(T0).toISOString(),
                settledAt: new Date(T0 + 100).toISOString(),
              },
              {
                id: b.deliveryId,
                eventId: b.eventId,
                sink: 'all',
                status: 'pending',
                attempts: 1,
                nextAttemptAt: new Date(T0 + 5000).toISOString(),
                lastError: 'HTTP 502',
                createdAt: new Date(T0 + 1).toISOString(),
                settledAt: null,
              },
              {
                id: c.deliveryId,
                eventId: c.eventId,
                sink: 'all',
                status: 'dead',
                attempts: 1,
                nextAttemptAt: null,
                lastError: 'HTTP 410',
                createdAt: new Date(T0 + 2).toISOString(),
                settledAt: new Date(T0 + 100).toISOString(),
              },
            ]);
            assert.deepEqual(await store.sinkBacklog('all'), {
              pending: 1,
              oldestPendingAt: T0 + 1,
              delivered: 1,
              dead: 1,
            });
            assert.deepEqual(await store.sinkBacklog('nobody'), {
              pending: 0,
              oldestPendingAt: null,
              delivered: 0,
              dead: 0,
            });
          },
          { sinks: [{ name: 'all', commands: null }] },
        ));

      it('replays one event, a time range, or the dead letters, per sink or all', () =>
        withStore(
          async (store) => {
            const ids: number[] = [];
            for (let i = 0; i < 4; i++) {
              ids.push(
                (
                  await store.record(
                    accepted(singleChatBody(`o${i}`, 'p'), {
                      operationID: `r${i}`,
                      receivedAt: T0 + i * 1000,
                    }),
                  )
                ).eventId,
              );
            }
            const settleAll = async (outcome: 'delivered' | 'dead') => {
              const pending = [
                ...(await store.pendingDeliveries('all', 100)),
                ...(await store.pendingDeliveries('conversations', 100)),
              ];
              await store.settleDeliveries(
                pending.map((d) =>
                  outcome === 'dead'
                    ? { deliveryId: d.deliveryId, outcome, at: T0, error: 'gone' }
                    : { deliveryId: d.deliveryId, outcome, at: T0 },
                ),
              );
            };
            await settleAll('delivered');
            assert.equal(await store.replay({ eventId: ids[1] ?? 0 }), 2);
            assert.equal(await store.replay({ eventId: ids[2] ?? 0, sink: 'all' }), 1);
            const replayed = await store.pendingDeliveries('all', 10);
            assert.deepEqual(
              replayed.map((d) => [d.eventId, d.attempts]),
              [
                [ids[1], 0],
                [ids[2], 0],
              ],
            );
            assert.ok(
              replayed.every((d) => d.nextAttemptAt > T0),
              'due now, not at the original time',
            );

            await settleAll('delivered');
            assert.equal(await store.replay({ from: T0 + 1000, to: T0 + 3000 }), 4);
            assert.equal(await store.replay({ from: T0 + 3000 }), 2);
            await settleAll('dead');
            // Events 1 to 3 were pending again, now dead in both sinks; event 0 stays delivered.
            assert.equal(await store.replay({ dead: true, sink: 'conversations' }), 3);
            assert.equal(await store.sinkBacklog('conversations').then((b) => b.pending), 3);
            assert.equal(await store.sinkBacklog('all').then((b) => b.dead), 3);
            assert.equal(await store.replay({ eventId: 999_999 }), 0);
            const pendingOnes = await store.listDeliveries({ status: 'pending' });
            assert.ok(pendingOnes.items.every((d) => d.settledAt === null && d.attempts === 0));
          },
          { sinks: SINKS },
        ));

      it('finds one event by its numeric or its evt_ id, and counts callbacks per minute', () =>
        withStore(async (store) => {
          const a = await store.record(accepted(SEED_BODY, { operationID: 'm1', receivedAt: T0 + 1_000 }));
          await store.record(accepted(onlineBody('u1'), { operationID: 'm2', receivedAt: T0 + 2_000 }));
          await store.record(accepted(onlineBody('u2'), { operationID: 'm3', receivedAt: T0 + 61_000 }));
          const event = await store.getEvent(a.eventId);
          assert.equal(event?.rawBody, SEED_BODY);
          const key = idempotencyKey(SEED_COMMAND, 'm1', new TextEncoder().encode(SEED_BODY));
          assert.equal(event?.eventId, `evt_${key.slice(0, 32)}`, 'the id sinks send');
          assert.equal((await store.listEvents({ operationID: 'm1' })).items[0]?.eventId, event?.eventId);
          assert.equal(await store.findEventId(event?.eventId ?? ''), a.eventId);
          assert.equal(await store.findEventId(`evt_${'0'.repeat(32)}`), undefined);
          assert.equal(await store.getEvent(999_999), undefined);
          assert.deepEqual(await store.minuteCounts(T0), [
            { minute: new Date(T0).toISOString(), callbackCommand: SEED_COMMAND, count: 1 },
            { minute: new Date(T0).toISOString(), callbackCommand: ONLINE, count: 1 },
            { minute: new Date(T0 + 60_000).toISOString(), callbackCommand: ONLINE, count: 1 },
          ]);
          assert.deepEqual(await store.minuteCounts(T0 + 60_000), [
            { minute: new Date(T0 + 60_000).toISOString(), callbackCommand: ONLINE, count: 1 },
          ]);
        }));

      it('keeps an answer that was not the success package, the first one of an event', () =>
        withStore(async (store) => {
          const { eventId } = await store.record(accepted(SEED_BODY));
          assert.equal(await store.getAnswer(eventId), undefined);
          await store.recordAnswer(eventId, 200, '{"actionCode":0,"errCode":20001,"nextCode":1}');
          await store.recordAnswer(eventId, 503, 'later');
          const answer = await store.getAnswer(eventId);
          assert.deepEqual(
            { status: answer?.status, body: answer?.body },
            { status: 200, body: '{"actionCode":0,"errCode":20001,"nextCode":1}' },
          );
        }));

      it('keeps the history of attempts, makes held deliveries due now, names its sinks, keeps sink secrets', () =>
        withStore(
          async (store) => {
            const first = await store.record(
              accepted(onlineBody('h1'), { operationID: 'h1', receivedAt: T0 }),
            );
            await store.record(accepted(onlineBody('h2'), { operationID: 'h2', receivedAt: T0 }));
            const [a, b] = await store.pendingDeliveries('all', 10);
            assert.ok(a && b);
            const log = {
              eventId: a.eventId,
              sink: 'all',
              startedAt: T0 + 10,
              durationMs: 12,
              result: 'failed' as const,
              httpStatus: 502,
              error: 'HTTP 502',
              responseExcerpt: 'bad gateway',
            };
            await store.settleDeliveries([
              {
                deliveryId: a.deliveryId,
                outcome: 'retry',
                at: T0 + 22,
                nextAttemptAt: T0 + 3_600_000,
                error: 'HTTP 502',
                attempt: log,
              },
              {
                deliveryId: b.deliveryId,
                outcome: 'retry',
                at: T0 + 22,
                nextAttemptAt: T0 + 3_600_000,
                error: 'timeout',
              },
            ]);
            const attempts = await store.listAttempts({ eventId: first.eventId });
            assert.deepEqual(attempts.items, [
              {
                id: attempts.items[0]?.id,
                deliveryId: a.deliveryId,
                eventId: a.eventId,
                sink: 'all',
                startedAt: new Date(T0 + 10).toISOString(),
                durationMs: 12,
                result: 'failed',
                httpStatus: 502,
                error: 'HTTP 502',
                responseExcerpt: 'bad gateway',
              },
            ]);
            assert.equal((await store.listAttempts({ sink: 'all' })).items.length, 1);
            assert.equal((await store.listAttempts({ sink: 'conversations' })).items.length, 0);
            assert.equal((await store.listAttempts({ deliveryId: b.deliveryId })).items.length, 0);
            assert.deepEqual(
              (await store.listDeliveries({ eventId: first.eventId })).items.map((d) => d.sink),
              ['all'],
            );

            // Retry now: one delivery, then the rest of the sink; attempts are kept.
            const now = T0 + 1_000;
            assert.equal(await store.retryNow({ sink: 'all', deliveryId: a.deliveryId }, now), 1);
            assert.deepEqual(
              (await store.pendingDeliveries('all', 10)).map((d) => [d.nextAttemptAt, d.attempts]),
              [
                [now, 1],
                [T0 + 3_600_000, 1],
              ],
            );
            assert.equal(await store.retryNow({ sink: 'all' }, now), 1, 'the one not yet due');
            assert.equal(await store.retryNow({ sink: 'all' }, now), 0, 'nothing left to hurry');
            assert.deepEqual(await store.sinkNames(), ['all']);

            let made = 0;
            const generate = () => `whsec_${Buffer.from(`secret-${++made}`).toString('base64')}`;
            const secret = await store.sinkSecret('crm', generate);
            assert.equal(await store.sinkSecret('crm', generate), secret, 'kept, not made again');
            assert.notEqual(await store.sinkSecret('other', generate), secret);
          },
          { sinks: [{ name: 'all', commands: null }] },
        ));

      it('lists deliveries by sink and status, paged', () =>
        withStore(
          async (store) => {
            for (let i = 0; i < 3; i++)
              await store.record(accepted(singleChatBody(`d${i}`, 'p'), { operationID: `d${i}` }));
            await store.record(accepted(onlineBody('x'), { operationID: 'x' }));
            const pages = await allPages((cursor) =>
              store.listDeliveries({ limit: 3, ...(cursor ? { cursor } : {}) }),
            );
            assert.deepEqual(
              pages.map((page) => page.length),
              [3, 3, 1],
            );
            assert.equal((await store.listDeliveries({ sink: 'conversations' })).items.length, 3);
            const [first] = (await store.listDeliveries({ sink: 'all', order: 'desc', limit: 1 })).items;
            assert.equal(first?.status, 'pending');
            assert.equal((await store.listDeliveries({ status: 'dead' })).items.length, 0);
          },
          { sinks: SINKS },
        ));

      it('migrates a new database once: `migrate` reports the versions it applied, then none', async () => {
        const database = await backend.database();
        assert.deepEqual(
          await migrateDatabase(database),
          (backend === sqlite ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS).map((m) => m.version),
        );
        assert.deepEqual(await migrateDatabase(database), []);
        const store = consistently(openStore(database));
        await store.checkWritable();
        await store.close();
      });

      it('proves it can write, then closes: later calls fail, a second close does nothing', async () => {
        const store = await backend.open();
        await store.checkWritable();
        const pending = store.record(accepted(SEED_BODY));
        await store.close();
        assert.equal((await pending).duplicate, false, 'what was pending at close was committed');
        await assert.rejects(store.record(accepted(SEED_BODY, { operationID: 'late' })));
        await assert.rejects(store.checkWritable());
        await store.close();
      });
    });
  }

  describe('both backends answer alike', () => {
    it('returns the same records for the same callbacks', async () => {
      const stores = await Promise.all([sqlite.open({ sinks: SINKS }), postgresql.open({ sinks: SINKS })]);
      try {
        const answers = await Promise.all(
          stores.map(async (store) => {
            await store.record(accepted(SEED_BODY, { warnings: ['w'] }));
            await store.record(accepted(groupChatBody('g1'), { operationID: 'g', receivedAt: T0 + 1 }));
            await store.record(accepted(onlineBody('u'), { operationID: 'u', receivedAt: T0 + 2 }));
            await store.record(accepted(SEED_BODY, { receivedAt: T0 + 3 }));
            const [delivery] = await store.pendingDeliveries('all', 1);
            if (delivery)
              await store.settleDeliveries([
                {
                  deliveryId: delivery.deliveryId,
                  outcome: 'retry',
                  at: T0 + 4,
                  nextAttemptAt: T0 + 9,
                  error: 'e',
                },
              ]);
            return {
              conversations: await store.listConversations(),
              events: await store.listEvents(),
              commands: await store.listCommands(),
              deliveries: await store.listDeliveries(),
              pending: await store.pendingDeliveries('conversations', 10),
              backlog: await store.sinkBacklog('all'),
              event: await store
                .loadEvent(1)
                .then((e) => e && { ...e, rawBody: Buffer.from(e.rawBody).toString('base64') }),
            };
          }),
        );
        assert.deepEqual(answers[1], answers[0]);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });
  });

  describe('PostgreSQL: several instances, migrations, durability', () => {
    it('records an exact redelivery once when two instances get it at the same time', async () => {
      const url = await postgres.createDatabase('instances_redelivery');
      const [one, two] = [
        consistently(openStore(url, { sinks: SINKS })),
        consistently(openStore(url, { sinks: SINKS })),
      ];
      try {
        const callbacks = Array.from({ length: 40 }, (_, i) =>
          accepted(singleChatBody(`m${i % 8}`, 'peer'), { operationID: `op-${i % 8}`, receivedAt: T0 + i }),
        );
        // Every callback goes to both instances, interleaved: 8 distinct events, each delivered 10 times.
        const results = await Promise.all(
          callbacks.flatMap((c, i) => (i % 2 ? [two, one] : [one, two]).map((store) => store.record(c))),
        );
        // Each instance knows its own copies as one at once; the other instance's copy is one at projection.
        const originals = results.filter((r) => !r.duplicate);
        assert.ok(originals.length >= 8 && originals.length <= 16, `${originals.length} originals`);
        for (const store of [one, two]) {
          assert.equal((await store.listEvents()).items.length, 8);
          assert.equal((await store.listDeliveries({ sink: 'all' })).items.length, 8);
          assert.deepEqual(
            (await store.listCommands()).map((c) => c.count),
            [8],
          );
        }
        const byKey = new Map<number, Set<number>>();
        callbacks.forEach((_, i) => byKey.set(i % 8, new Set()));
        // Both instances answer the original's id for every copy.
        const again = await Promise.all(callbacks.map((c, i) => (i % 2 ? one : two).record(c)));
        again.forEach((r, i) => byKey.get(i % 8)?.add(r.eventId));
        assert.ok([...byKey.values()].every((ids) => ids.size === 1));
      } finally {
        await Promise.all([one.close(), two.close()]);
      }
    });

    it('loses no conversation update when two instances upsert the same rows at once', async () => {
      const url = await postgres.createDatabase('instances_upsert');
      const [one, two] = [consistently(openStore(url)), consistently(openStore(url))];
      try {
        const callbacks = Array.from({ length: 200 }, (_, i) =>
          accepted(singleChatBody(`owner${i % 4}`, 'peer'), { operationID: `u${i}`, receivedAt: T0 + i }),
        );
        await Promise.all(callbacks.map((c, i) => (i % 2 ? one : two).record(c)));
        const rows = (await one.listConversations()).items.sort((a, b) =>
          a.ownerUserId.localeCompare(b.ownerUserId),
        );
        assert.deepEqual(
          rows.map((r) => r.timesSeen),
          [50, 50, 50, 50],
        );
        assert.deepEqual(
          rows.map((r) => r.firstSeenAt),
          [0, 1, 2, 3].map((i) => new Date(T0 + i).toISOString()),
        );
        assert.deepEqual(
          rows.map((r) => r.lastSeenAt),
          [196, 197, 198, 199].map((i) => new Date(T0 + i).toISOString()),
        );
      } finally {
        await Promise.all([one.close(), two.close()]);
      }
    });

    it('migrates once when instances start at the same time, and `migrate` finds the schema current', async () => {
      const url = await postgres.createDatabase('instances_migrate');
      const stores = Array.from({ length: 4 }, () => openStore(url));
      try {
        await Promise.all([...stores.map((store) => store.checkWritable()), migrateDatabase(url)]);
        assert.deepEqual(await migrateDatabase(url), []);
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const { rows } = await client.query<{ version: number }>(
            'SELECT version FROM schema_migrations ORDER BY version',
          );
          assert.deepEqual(
            rows.map((r) => r.version),
            POSTGRES_MIGRATIONS.map((m) => m.version),
          );
        } finally {
          await client.end();
        }
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });

    it('`openim-hooks migrate --database postgres://…` applies the migrations and exits; the CLI reads the store', async () => {
      const url = await postgres.createDatabase('cli_migrate');
      assert.deepEqual(JSON.parse(await runCli(['migrate', '--database', url, '--json'])), {
        applied: POSTGRES_MIGRATIONS.map((m) => m.version),
      });
      assert.match(await runCli(['migrate', '--database', url]), /schema is current/);
      const store = consistently(openStore(url));
      await store.record(accepted(SEED_BODY, { operationID: 'cli-op' }));
      await store.close();
      const events = JSON.parse(await runCli(['events', 'list', '--json', '--database', url])) as Page<{
        rawBody: string;
      }>;
      assert.equal(events.items[0]?.rawBody, SEED_BODY);
    });

    it('fails only the callback at fault when a batch cannot commit', async () => {
      const store = consistently(openStore(await postgres.createDatabase('isolation')));
      try {
        // PostgreSQL text cannot hold U+0000 (an operationID from a header never does; here one is forced in).
        const results = await Promise.allSettled(
          ['a', 'b\u0000', 'c', 'd'].map((op) => store.record(accepted(onlineBody(op), { operationID: op }))),
        );
        assert.deepEqual(
          results.map((r) => r.status),
          ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
        );
        assert.deepEqual(
          (await store.listEvents()).items.map((e) => e.operationID),
          ['a', 'c', 'd'],
        );
      } finally {
        await store.close();
      }
    });

    it('commits concurrent records together: one transaction for what arrives in one turn', async () => {
      const url = await postgres.createDatabase('group_commit');
      const store = consistently(openStore(url, { sinks: SINKS }));
      try {
        await store.checkWritable();
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            store.record(accepted(singleChatBody(`g${i % 10}`, 'p'), { operationID: `gc${i}` })),
          ),
        );
        assert.equal(new Set(results.map((r) => r.eventId)).size, 200);
        // One statement appended them to the inbox; the projection moved them in one transaction.
        await store.caughtUp();
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          // xmin is the transaction that wrote a row: one for all 200 events, their outbox rows and conversations.
          const { rows } = await client.query<{ events: string; deliveries: string; conversations: string }>(
            `SELECT (SELECT count(DISTINCT xmin::text) FROM events) AS events,
             (SELECT count(DISTINCT xmin::text) FROM deliveries) AS deliveries,
             (SELECT count(DISTINCT xmin::text) FROM conversations) AS conversations`,
          );
          assert.deepEqual(rows[0], { events: '1', deliveries: '1', conversations: '1' });
        } finally {
          await client.end();
        }
      } finally {
        await store.close();
      }
    });

    it('keeps the password of a database URL out of logs', () => {
      assert.equal(
        redactDatabase('postgres://hooks:s3cr%40t@db:5432/hooks?sslmode=require'),
        'postgres://hooks:***@db:5432/hooks?sslmode=require',
      );
      assert.equal(redactDatabase('postgresql://hooks@db/hooks'), 'postgresql://hooks@db/hooks');
      assert.equal(
        redactDatabase('postgres://db/hooks?user=h&password=pw&ssl=1'),
        'postgres://db/hooks?user=h&password=***&ssl=1',
      );
      assert.equal(redactDatabase('postgres://u:p@ss@h/db'), 'postgres://u:***@h/db');
      assert.equal(redactDatabase('./data/openim-hooks.db'), './data/openim-hooks.db');
    });

    it('commits with synchronous_commit on, even where the database default is off', async () => {
      const url = await postgres.createDatabase('durability');
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query('ALTER DATABASE durability SET synchronous_commit = off');
      await admin.end();
      const pool = openPool(url, 1);
      try {
        const { rows } = await pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
        assert.equal(rows[0]?.synchronous_commit, 'on');
      } finally {
        await pool.end();
      }
    });

    it('keeps working across a PostgreSQL restart, and stores a NUL in a conversation field', async () => {
      const url = await postgres.createDatabase('restart');
      const store = consistently(openStore(url));
      try {
        await store.record(accepted(SEED_BODY));
        await postgres.restart();
        // The pool's connections died with the server; the first call after may fail, a later one must not.
        await store.checkWritable().catch(() => undefined);
        await store.checkWritable();
        const nul = singleChatBody('n1', 'n2', SEED_COMMAND, { ex: 'a\u0000b' });
        assert.equal((await store.record(accepted(nul, { operationID: 'nul' }))).duplicate, false);
        assert.equal((await store.getConversation('n1', 'si_n1_n2'))?.ex, 'a\uFFFDb');
        assert.equal((await store.listEvents({ operationID: 'nul' })).items[0]?.rawBody, nul);
      } finally {
        await store.close();
      }
    });
  });
});
