import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createEmitter, resolveWebhooksConfig, simulateSingleChatCreation } from '../src/emitter/index.js';
import type { AfterCall, Emitter } from '../src/emitter/index.js';
import { reliableDelivery, reliableMode } from '../src/emitter/reliable/index.js';
import { openStore } from '../src/store/index.js';
import { exponentialSchedule } from '../src/emitter/reliable/exponential-schedule.js';
import { SUCCESS, closedPort, startServer } from './emitter-servers.js';
import type { CapturedRequest } from './emitter-servers.js';
import { consistently } from './helpers/consistent-store.js';

const AFTER = 'callbackAfterCreateGroupChatConversationsCommand';
const FAST = { baseMs: 5, maxMs: 20 };
let dir: string;
let files = 0;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'openim-hooks-reliable-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function queueFile(): string {
  files += 1;
  return join(dir, `queue-${files}.db`);
}

function reliableEmitter(url: string, file: string, maxAttempts = 10, failedContinue = false): Emitter {
  return createEmitter({
    config: resolveWebhooksConfig({
      url,
      enableAll: true,
      callbacks: { beforeCreateSingleChatConversations: { enable: true, timeout: 5, failedContinue } },
    }),
    afterMode: reliableMode({ file, maxAttempts, backoff: FAST }),
  });
}

function header(request: CapturedRequest, name: string): string | undefined {
  const index = request.rawHeaders.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  return index < 0 ? undefined : request.rawHeaders[index + 1];
}

async function delivered(call: AfterCall) {
  assert.ok(call.queued);
  return call.delivered;
}

/** How many deliveries of the queue file are in each state. */
async function deliveryCounts(file: string): Promise<Record<string, number>> {
  const store = consistently(openStore(file));
  try {
    const counts: Record<string, number> = {};
    for (const { status } of (await store.listDeliveries()).items) counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  } finally {
    await store.close();
  }
}

describe('exponential schedule (src/emitter/reliable/exponential-schedule.ts)', () => {
  test('exponential and capped; one delay per retry (the relay adds ±20 % jitter)', () => {
    assert.deepEqual(exponentialSchedule(5, { baseMs: 100 }), [100, 200, 400, 800, 1600]);
    assert.deepEqual(exponentialSchedule(4, { baseMs: 100, maxMs: 250 }), [100, 200, 250, 250]);
    assert.deepEqual(exponentialSchedule(3, { baseMs: 10, factor: 3 }), [10, 30, 90]);
    assert.deepEqual(exponentialSchedule(2), [500, 1000]);
    assert.deepEqual(exponentialSchedule(0), []);
  });
});

describe('reliable mode', () => {
  test('retries a 500, an HTML answer and a reset, with the same body and a stable event id', async () => {
    let calls = 0;
    const server = await startServer((_request, res, req) => {
      calls += 1;
      if (calls === 1) res.writeHead(500).end(SUCCESS);
      else if (calls === 2) res.end('<html>busy</html>');
      else if (calls === 3) req.socket.destroy();
      else res.end(SUCCESS);
    });
    const emitter = reliableEmitter(server.url, queueFile());
    try {
      const outcome = await delivered(await emitter.callAfter(AFTER, { groupId: 'g1' }, 'op-r1'));
      assert.equal(outcome.result, 'continue');
      assert.equal(server.requests.length, 4);
      const ids = new Set(server.requests.map((r) => header(r, 'Openim-Hooks-Event-Id')));
      assert.equal(ids.size, 1);
      assert.match([...ids][0] ?? '', /^evt_[0-9a-f]{32}$/, "the relay's event id");
      assert.equal(new Set(server.requests.map((r) => r.body.toString('utf8'))).size, 1);
      assert.ok(server.requests.every((r) => header(r, 'Operationid') === 'op-r1'));
    } finally {
      await emitter.close();
      await server.close();
    }
  });

  test("code written with the earlier release's names still gets reliable mode (`delivery: reliableDelivery(…)`)", async () => {
    let calls = 0;
    const server = await startServer((_request, res) => {
      calls += 1;
      if (calls === 1) res.writeHead(500).end(SUCCESS);
      else res.end(SUCCESS);
    });
    const emitter = createEmitter({
      config: resolveWebhooksConfig({ url: server.url, enableAll: true }),
      delivery: reliableDelivery({ file: queueFile(), maxAttempts: 3, backoff: FAST }),
    });
    try {
      const outcome = await delivered(await emitter.callAfter(AFTER, { groupId: 'g0' }, 'op-r0'));
      assert.equal(outcome.result, 'continue');
      assert.equal(server.requests.length, 2, "the 500 was retried: OpenIM's own queue would not have");
    } finally {
      await emitter.close();
      await server.close();
    }
  });

  test('gives up after maxAttempts and counts the loss', async () => {
    const file = queueFile();
    const emitter = reliableEmitter(`http://127.0.0.1:${await closedPort()}/cb`, file, 3);
    try {
      const outcome = await delivered(await emitter.callAfter(AFTER, { groupId: 'g2' }, 'op-r2'));
      assert.equal(outcome.errorKind, 'connection-refused');
      assert.equal(emitter.stats().dropped, 1);
      assert.equal(emitter.stats().errors['connection-refused'], 3);
    } finally {
      await emitter.close();
    }
    assert.deepEqual(await deliveryCounts(file), { dead: 1 });
  });

  test('a JSON answer of the wrong shape is final: not retried', async () => {
    const server = await startServer((_request, res) => res.end('{"nextCode":"0"}'));
    const emitter = reliableEmitter(server.url, queueFile());
    try {
      const outcome = await delivered(await emitter.callAfter(AFTER, { groupId: 'g3' }, 'op-r3'));
      assert.equal(outcome.errorKind, 'response-type');
      assert.equal(server.requests.length, 1);
      assert.equal(emitter.stats().dropped, 1, 'dead-lettered at once');
    } finally {
      await emitter.close();
      await server.close();
    }
  });

  test('survives a restart: what was accepted is delivered by the next run', async () => {
    const file = queueFile();
    const down = reliableEmitter(`http://127.0.0.1:${await closedPort()}/cb`, file, 1000);
    const call = await down.callAfter(AFTER, { groupId: 'g4' }, 'op-r4');
    assert.ok(call.queued);
    await down.close();
    const server = await startServer((_request, res) => res.end(SUCCESS));
    const up = reliableEmitter(server.url, file);
    try {
      await up.drain();
      assert.equal(server.requests.length, 1);
      assert.equal(server.requests[0]?.json['groupId'], 'g4');
    } finally {
      await up.close();
      await server.close();
    }
    assert.deepEqual(await deliveryCounts(file), { delivered: 1 });
  });

  test('two equal callbacks are two events: the queue never takes one for a redelivery', async () => {
    const server = await startServer((_request, res) => res.end(SUCCESS));
    const emitter = reliableEmitter(server.url, queueFile());
    try {
      await delivered(await emitter.callAfter(AFTER, { groupId: 'g5' }, 'op-same'));
      await delivered(await emitter.callAfter(AFTER, { groupId: 'g5' }, 'op-same'));
      assert.equal(server.requests.length, 2);
      assert.equal(new Set(server.requests.map((r) => header(r, 'Openim-Hooks-Event-Id'))).size, 2);
    } finally {
      await emitter.close();
      await server.close();
    }
  });

  test("each command's timeout of webhooks.yml bounds its attempts", async () => {
    const server = await startServer((_request, res) => void setTimeout(() => res.end(SUCCESS), 1500));
    const emitter = createEmitter({
      config: resolveWebhooksConfig({
        url: server.url,
        callbacks: { afterCreateGroupChatConversations: { enable: true, timeout: 1 } },
      }),
      afterMode: reliableMode({ file: queueFile(), maxAttempts: 1 }),
    });
    try {
      const outcome = await delivered(await emitter.callAfter(AFTER, { groupId: 'g6' }, 'op-r6'));
      assert.equal(outcome.errorKind, 'timeout');
      // The attempt was bounded by this key's 1 s, not the default 5 s or Go's 15 s (how long it took is a bench's
      // business, not a pass/fail test's).
      assert.equal(outcome.errorMessage, 'timeout after 1000 ms');
    } finally {
      await emitter.close();
      await server.close();
    }
  });

  test('failedContinue honoured for before-callbacks: a failure goes on, a rejection still stops', async () => {
    let reply = '<html>down</html>';
    const server = await startServer((request, res) =>
      res.end(request.path.includes('Before') ? reply : SUCCESS),
    );
    try {
      const going = reliableEmitter(server.url, queueFile(), 10, true);
      const result = await simulateSingleChatCreation(going, { sendID: 'a', recvID: 'b' });
      await going.close();
      assert.equal(result.stoppedAt, null);
      assert.equal(result.steps.length, 4);

      const strict = reliableEmitter(server.url, queueFile(), 10, false);
      const stopped = await simulateSingleChatCreation(strict, { sendID: 'a', recvID: 'b' });
      await strict.close();
      assert.equal(stopped.stoppedAt?.label, 'before(A)');

      reply = '{"errCode":5001,"nextCode":1}';
      const rejecting = reliableEmitter(server.url, queueFile(), 10, true);
      const rejected = await simulateSingleChatCreation(rejecting, { sendID: 'a', recvID: 'b' });
      await rejecting.close();
      assert.equal(rejected.stoppedAt?.label, 'before(A)');
    } finally {
      await server.close();
    }
  });
});
