import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InboxReader, listSegments, openInbox } from '../src/store/inbox/index.js';
import type { InboxRecord } from '../src/store/inbox/index.js';
import { encodeInboxRecord } from '../src/store/inbox/inbox-record.js';
import { T0, accepted } from './fixtures/accepted.js';
import { SEED_BODY, singleChatBody } from './fixtures/seed.js';
import { tempDir } from './helpers/temp-dir.js';

const START = { seq: 0, segment: 0, offset: 0 };

/** Every record of an inbox folder after `from`, read as the projection reads them. */
function readAll(dir: string, durableSeq: number): InboxRecord[] {
  const reader = new InboxReader(dir, START);
  try {
    return reader.read(durableSeq, 1_000_000, Number.MAX_SAFE_INTEGER);
  } finally {
    reader.close();
  }
}

const callback = (i: number) =>
  accepted(singleChatBody(`owner-${i}`, `peer-${i}`), { operationID: `op-${i}`, receivedAt: T0 + i });

describe('the inbox (acknowledgement log)', () => {
  it('gives each callback the next seq and keeps it byte for byte, with its metadata, across segments', async () => {
    const dir = join(tempDir(), 'inbox');
    const inbox = openInbox(dir, { startAfter: 41, segmentBytes: 4096 });
    const callbacks = Array.from({ length: 60 }, (_, i) => callback(i));
    // Half at once (one batch), half one by one (a batch each): the small segments roll over between batches.
    const appended = callbacks.slice(0, 30).map((c) => inbox.append(c));
    await Promise.all(appended.map((a) => a.durable));
    for (const c of callbacks.slice(30)) {
      const one = inbox.append(c);
      appended.push(one);
      await one.durable;
    }
    assert.deepEqual(
      appended.map((a) => a.seq),
      callbacks.map((_, i) => 42 + i),
    );
    assert.equal(inbox.durableSeq(), 101);
    await inbox.close();

    assert.ok(listSegments(dir).length > 1, 'small segments: the log rolled over');
    const records = readAll(dir, 101);
    assert.equal(records.length, 60);
    for (const [i, record] of records.entries()) {
      const original = callbacks[i];
      assert.ok(original);
      assert.equal(record.seq, 42 + i);
      assert.equal(record.body.toString('utf8'), Buffer.from(original.rawBody).toString('utf8'));
      assert.deepEqual(
        [record.command, record.kind, record.operationID, record.receivedAt, record.idempotencyKey],
        [original.command, original.kind, original.operationID, original.receivedAt, original.idempotencyKey],
      );
    }
  });

  it('reads nothing past what is durable', async () => {
    const dir = join(tempDir(), 'inbox');
    const inbox = openInbox(dir, { startAfter: 0 });
    await Promise.all(Array.from({ length: 5 }, (_, i) => inbox.append(callback(i)).durable));
    await inbox.close();
    assert.deepEqual(
      readAll(dir, 3).map((r) => r.seq),
      [1, 2, 3],
    );
  });

  it('after a crash, ends the log at the last whole record and appends after it', async () => {
    const dir = join(tempDir(), 'inbox');
    const first = openInbox(dir, { startAfter: 0 });
    await Promise.all([first.append(callback(1)).durable, first.append(callback(2)).durable]);
    await first.close();
    const [segment] = listSegments(dir);
    assert.ok(segment);
    // A write that never completed: the second record cut short, then garbage where zeros would be.
    truncateSync(segment.path, encodeInboxRecord(1, callback(1)).length + 10);
    appendFileSync(segment.path, Buffer.from('not a record at all'));

    const second = openInbox(dir, { startAfter: 0 });
    assert.equal(second.durableSeq(), 1, 'the torn record is not part of the log');
    const { seq, durable } = second.append(callback(3));
    await durable;
    assert.equal(seq, 2);
    await second.close();
    assert.deepEqual(
      readAll(dir, 2).map((r) => r.operationID),
      ['op-1', 'op-3'],
    );
  });

  it('removes a last segment that a crash left without a record', async () => {
    const dir = join(tempDir(), 'inbox');
    const first = openInbox(dir, { startAfter: 0 });
    await first.append(accepted(SEED_BODY)).durable;
    await first.close();
    writeFileSync(join(dir, '0000000000000009.log'), Buffer.alloc(4096));
    const second = openInbox(dir, { startAfter: 0 });
    assert.equal(second.durableSeq(), 1);
    await second.append(callback(2)).durable;
    await second.close();
    assert.deepEqual(
      readdirSync(dir).filter((name) => name.endsWith('.log')),
      ['0000000000000001.log'],
    );
  });

  it('belongs to one process at a time', async () => {
    const dir = join(tempDir(), 'inbox');
    const first = openInbox(dir, { startAfter: 0 });
    assert.throws(() => openInbox(dir, { startAfter: 0 }), /in use by another process/);
    await first.close();
    const second = openInbox(dir, { startAfter: 0 });
    await second.close();
  });
});
