import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { openStore } from '../src/store/index.js';
import type { Store } from '../src/store/index.js';
import { startRelay } from '../src/sync/relay.js';
import type { AttemptResult, OutgoingEvent, Sink } from '../src/sync/sink.js';
import { accepted } from './fixtures/accepted.js';
import { singleChatBody } from './fixtures/seed.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';
import { consistently } from './helpers/consistent-store.js';

const SINK = 'lane';
const logger = pino({ level: 'silent' });

/** A SQLite store whose outbox feeds one sink, holding `rounds` events for each of `conversations` conversations. */
async function storeWithEvents(conversations: number, rounds: number): Promise<Store> {
  const store = consistently(
    openStore(join(tempDir(), 'relay.db'), { sinks: [{ name: SINK, commands: null }] }),
  );
  for (let round = 0; round < rounds; round += 1) {
    for (let c = 0; c < conversations; c += 1) {
      const body = singleChatBody(`owner${c}`, `peer${c}`);
      await store.record(accepted(body, { operationID: `op-${c}-${round}` }));
    }
  }
  return store;
}

/** A sink that counts how many deliveries it holds at once and which events it got, per owner, in arrival order. */
class RecordingSink implements Sink {
  readonly name = SINK;
  readonly kind = 'http' as const;
  readonly target = 'test://lane';
  readonly byOwner = new Map<string, string[]>();
  readonly eventIds: string[] = [];
  current = 0;
  most = 0;

  constructor(private readonly answer: (event: OutgoingEvent) => Promise<AttemptResult>) {}

  async deliver(event: OutgoingEvent): Promise<AttemptResult> {
    this.current += 1;
    this.most = Math.max(this.most, this.current);
    try {
      const result = await this.answer(event);
      const { ownerUserId } = JSON.parse(Buffer.from(event.rawBody).toString('utf8')) as {
        ownerUserId: string;
      };
      this.byOwner.set(ownerUserId, [...(this.byOwner.get(ownerUserId) ?? []), event.operationID]);
      this.eventIds.push(event.eventId);
      return result;
    } finally {
      this.current -= 1;
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('relay lanes', () => {
  it('never hold more deliveries at the sink than their concurrency, though they claim ahead; FIFO per conversation', async () => {
    const store = await storeWithEvents(20, 3);
    const sink = new RecordingSink(async () => {
      await pause(Math.random() * 3);
      return { kind: 'delivered' };
    });
    const relay = startRelay({ outbox: store, logger, sinks: [{ sink, schedule: [100], concurrency: 3 }] });
    try {
      assert.ok(await waitFor(() => sink.eventIds.length >= 60), `delivered ${sink.eventIds.length} of 60`);
    } finally {
      await relay.stop();
    }
    assert.ok(sink.most <= 3, `${sink.most} deliveries at the sink at once, concurrency 3`);
    assert.ok(sink.most > 1, 'conversations went out in parallel');
    assert.equal(new Set(sink.eventIds).size, 60, 'every event once');
    assert.equal(sink.eventIds.length, 60);
    for (let c = 0; c < 20; c += 1) {
      assert.deepEqual(sink.byOwner.get(`owner${c}`), [`op-${c}-0`, `op-${c}-1`, `op-${c}-2`]);
    }
    const pending = await store.sinkBacklog(SINK);
    assert.equal(pending.pending, 0);
    await store.close();
  });

  it('release what they claimed ahead when they stop, so that another relay takes it at once', async () => {
    const store = await storeWithEvents(10, 1);
    let unblock: (() => void) | undefined;
    const sink = new RecordingSink(async () => {
      await new Promise<void>((resolve) => (unblock = resolve));
      return { kind: 'delivered' };
    });
    // One at a time, with leases far longer than the test: only a release can free the deliveries claimed ahead.
    const relay = startRelay({
      outbox: store,
      logger,
      owner: 'first',
      sinks: [{ sink, schedule: [100], concurrency: 1, leaseMs: 600_000 }],
    });
    assert.ok(await waitFor(() => unblock !== undefined), 'the first delivery reached the sink');
    const stopped = relay.stop();
    // While the first delivery is still at the sink, the three claimed behind it are already free: 9 of 10 claimable
    // (each look leases for 1 ms only, so that looking does not hold them either).
    const claimable = () => store.claimDeliveries(SINK, 'second', 100, 1, Date.now());
    assert.ok(await waitFor(async () => (await claimable()).length === 9, 5000), 'the nine others are free');
    unblock?.();
    await stopped;
    assert.equal(sink.eventIds.length, 1);
    assert.equal((await claimable()).length, 9);
    await store.close();
  });
});
