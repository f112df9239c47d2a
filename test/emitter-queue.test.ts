import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAfterQueue, createEmitter, resolveWebhooksConfig } from '../src/emitter/index.js';
import { runLoad } from '../src/emitter/load/index.js';
import { SUCCESS, startServer } from './emitter-servers.js';

function gate(): { wait: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe("OpenIM's after-queue: workers, slots, a bounded wait, then drops", () => {
  test('a full queue drops after the push wait, and counts it', async () => {
    const held = gate();
    const queue = createAfterQueue({ workers: 2, slots: 3, pushWaitMs: 20 });
    const pushes = await Promise.all(Array.from({ length: 5 }, () => queue.push(() => held.wait)));
    assert.deepEqual(pushes, [true, true, true, true, true], '2 running + 3 waiting');
    assert.equal(await queue.push(() => held.wait), false);
    assert.equal(queue.stats().dropped, 1);
    held.open();
    await queue.drain();
    assert.deepEqual(
      { ...queue.stats() },
      { pushed: 5, dropped: 1, completed: 5, waiting: 0, running: 0, blockedPushes: 0 },
    );
  });

  test('a blocked push gets the slot freed by a finishing task', async () => {
    const first = gate();
    const rest = gate();
    const queue = createAfterQueue({ workers: 1, slots: 1, pushWaitMs: 60_000 });
    await queue.push(() => first.wait);
    await queue.push(() => rest.wait);
    const blocked = queue.push(() => rest.wait);
    assert.equal(queue.stats().blockedPushes, 1);
    first.open();
    assert.equal(await blocked, true);
    rest.open();
    await queue.drain();
    assert.equal(queue.stats().completed, 3);
  });

  test('the emitter reports the drops OpenIM hides, and never retries', async () => {
    const held = gate();
    const server = await startServer((_request, res) => void held.wait.then(() => res.end(SUCCESS)));
    const emitter = createEmitter({
      config: resolveWebhooksConfig({ url: server.url, enableAll: true }),
      queue: { workers: 2, slots: 2, pushWaitMs: 10 },
    });
    try {
      const calls = [];
      for (let i = 0; i < 5; i += 1) {
        calls.push(
          await emitter.callAfter(
            'callbackAfterCreateGroupChatConversationsCommand',
            { groupId: `g${i}` },
            'op',
          ),
        );
      }
      assert.deepEqual(
        calls.map((c) => (c.queued ? 'queued' : c.reason)),
        ['queued', 'queued', 'queued', 'queued', 'dropped'],
      );
      assert.equal(emitter.stats().dropped, 1);
      held.open();
      await emitter.drain();
      assert.equal(server.requests.length, 4);
      assert.equal(emitter.stats().continued, 4);
    } finally {
      held.open();
      await emitter.close();
      await server.close();
    }
  });
});

describe('load generator under a receiver that stops answering', () => {
  test('drops are counted as OpenIM would make them, the run still ends on time', async () => {
    const held = gate();
    const server = await startServer((_request, res) => void held.wait.then(() => res.end(SUCCESS)));
    try {
      const report = await runLoad({
        url: server.url,
        rate: 200,
        durationSeconds: 0.5,
        connections: 1,
        slots: 2,
        pushWaitMs: 10,
        drainTimeoutMs: 200,
      });
      assert.equal(report.scheduled, 100);
      assert.equal(report.dropped, 97, '1 in flight, 2 waiting, every other push gave up');
      assert.equal(report.unfinished, 3);
      assert.equal(report.succeeded, 0);
    } finally {
      held.open();
      await server.close();
    }
  });
});
