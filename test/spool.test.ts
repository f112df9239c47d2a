import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { AcceptedCallback, RecordResult } from '../src/protocol/index.js';
import { acceptCallback } from '../src/receiver/accept-callback.js';
import { createSpoolingRecorder, openSpool } from '../src/store/index.js';
import type { SpoolingRecorder } from '../src/store/index.js';
import { singleChatBody } from './fixtures/seed.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';

const T0 = Date.UTC(2026, 0, 1);

/** A callback exactly as the receiver accepts it from OpenIM. */
function accepted(owner: string, operationID = `op-${owner}`, receivedAt = T0): AcceptedCallback {
  const body = new TextEncoder().encode(singleChatBody(owner, 'peer'));
  const command = 'callbackAfterCreateSingleChatConversationsCommand';
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    operationid: operationID,
  };
  const acceptance = acceptCallback(
    { method: 'POST', url: `/callbackExample/${command}`, header: (name) => headers[name], body },
    { basePath: '/callbackExample', maxBodyBytes: 1 << 20, operationID, now: () => receivedAt },
  );
  if (!acceptance.ok) throw new Error(acceptance.detail);
  return acceptance.callback;
}

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** A store that is down, up, or refuses some callbacks with an SQL error; idempotent like the real ones. */
class FakeStore {
  down = true;
  hang = false;
  refuse = new Set<string>();
  recorded: AcceptedCallback[] = [];

  async record(callback: AcceptedCallback): Promise<RecordResult> {
    if (this.hang) return new Promise(() => undefined);
    if (this.down) throw refused();
    if (this.refuse.has(callback.operationID))
      throw Object.assign(new Error('invalid byte sequence'), { code: '22021' });
    const index = this.recorded.findIndex((c) => c.idempotencyKey === callback.idempotencyKey);
    if (index >= 0) return { eventId: index + 1, duplicate: true };
    this.recorded.push(callback);
    return { eventId: this.recorded.length, duplicate: false };
  }

  async checkWritable(): Promise<void> {
    if (this.down) throw refused();
  }
}

const FAST = { retryMs: { min: 5, max: 20 }, timeoutMs: 200 };

/** A recorder over a fresh (or the given) spool file, closed when the test ends, passed or not. */
function spooling(t: TestContext, store: FakeStore, path = join(tempDir(), 'spool.db')): SpoolingRecorder {
  const recorder = createSpoolingRecorder(store, openSpool(path), FAST);
  t.after(() => recorder.close());
  return recorder;
}

describe('the spool file', () => {
  it('keeps callbacks in arrival order with their bytes, dedupes redeliveries and survives a reopen', () => {
    const path = join(tempDir(), 'spool.db');
    const spool = openSpool(path);
    const [a, b] = [accepted('a', 'op-a', T0 + 2), accepted('b', 'op-b', T0 + 1)];
    assert.deepEqual(spool.append([a, b, a]), [false, false, true]);
    assert.deepEqual(spool.append([b]), [true]);
    spool.close();

    const reopened = openSpool(path);
    assert.equal(reopened.depth(), 2);
    const [first, second] = reopened.oldest(10);
    assert.deepEqual(first?.callback, a);
    assert.deepEqual(second?.callback, b);
    reopened.remove([first?.seq ?? 0]);
    assert.deepEqual(
      reopened.oldest(10).map((s) => s.callback.operationID),
      ['op-b'],
    );
    reopened.close();
  });

  it('is locked for one instance: a second opener is refused', () => {
    const path = join(tempDir(), 'spool.db');
    const spool = openSpool(path);
    assert.throws(() => openSpool(path), /locked by another instance/);
    spool.close();
  });
});

describe('the spooling recorder', () => {
  it('spools while the store is down, then flushes in order and records directly again', async (t) => {
    const store = new FakeStore();
    const recorder = spooling(t, store);
    const callbacks = Array.from({ length: 20 }, (_, i) => accepted(`u${i}`, `op-${i}`, T0 + i));
    const results = await Promise.all(callbacks.map((c) => recorder.record(c)));
    assert.ok(results.every((r) => 'spooled' in r && !r.duplicate));
    const again = await recorder.record(accepted('u3', 'op-3', T0 + 99)); // OpenIM retried: the same bytes
    assert.deepEqual(again, { eventId: undefined, duplicate: true, spooled: true });
    assert.deepEqual(recorder.status(), {
      state: 'degraded',
      spoolDepth: 20,
      reason: 'connect ECONNREFUSED 127.0.0.1:5432',
    });
    await recorder.checkWritable(); // the spool still commits

    store.down = false;
    assert.ok(await waitFor(() => recorder.status().state === 'ready'));
    assert.deepEqual(
      store.recorded.map((c) => [c.operationID, c.receivedAt]),
      callbacks.map((c) => [c.operationID, c.receivedAt]),
    );
    assert.deepEqual(store.recorded[5]?.rawBody, callbacks[5]?.rawBody);
    assert.deepEqual(await recorder.record(accepted('late')), { eventId: 21, duplicate: false });
  });

  it('answers an SQL error as an error: such a callback is not spooled', async (t) => {
    const store = new FakeStore();
    store.down = false;
    store.refuse.add('op-bad');
    const recorder = spooling(t, store);
    await assert.rejects(recorder.record(accepted('bad', 'op-bad')), { code: '22021' });
    assert.equal(recorder.status().state, 'ready');
  });

  it('sets aside a spooled callback the store refuses, and flushes the others', async (t) => {
    const store = new FakeStore();
    const recorder = spooling(t, store);
    await recorder.record(accepted('a'));
    await recorder.record(accepted('bad', 'op-bad'));
    await recorder.record(accepted('c'));
    store.refuse.add('op-bad');
    store.down = false;
    assert.ok(await waitFor(() => recorder.status().state === 'ready'));
    assert.deepEqual(
      store.recorded.map((c) => c.operationID),
      ['op-a', 'op-c'],
    );
  });

  it('flushes a spool left by an earlier run first', async (t) => {
    const path = join(tempDir(), 'spool.db');
    const store = new FakeStore();
    const before = createSpoolingRecorder(store, openSpool(path), FAST);
    await before.record(accepted('a'));
    await before.close();

    store.down = false;
    const recorder = spooling(t, store, path);
    assert.equal(recorder.status().state, 'degraded');
    const later = await recorder.record(accepted('b')); // behind the spooled one: to the spool too
    assert.ok('spooled' in later);
    assert.ok(await waitFor(() => recorder.status().state === 'ready'));
    assert.deepEqual(
      store.recorded.map((c) => c.operationID),
      ['op-a', 'op-b'],
    );
  });

  it('spools when the store does not answer in time', async (t) => {
    const store = new FakeStore();
    store.down = false;
    store.hang = true; // it answers checks, but a write waits (a lock, a partition mid-query)
    const recorder = spooling(t, store);
    assert.ok('spooled' in (await recorder.record(accepted('a'))));
    assert.match(recorder.status().reason ?? '', /no answer from the database/);
    store.hang = false;
    assert.ok(await waitFor(() => recorder.status().state === 'ready'));
    assert.deepEqual(
      store.recorded.map((c) => c.operationID),
      ['op-a'],
    );
  });
});
