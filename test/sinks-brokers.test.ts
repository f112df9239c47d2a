import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { connect, nanos } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Redis } from 'ioredis';
import { freePort } from '../bench/lib/processes.js';
import { createNatsSink } from '../src/sync/nats-sink.js';
import type { SinkWarnings } from '../src/sync/sink.js';
import { createRedisSink } from '../src/sync/redis-sink.js';
import type { AttemptResult, OutgoingEvent, Sink } from '../src/sync/sink.js';
import { startNatsServer, startRedisServer } from './helpers/brokers.js';
import type { BrokerServer } from './helpers/brokers.js';

const N = 50;
const COMMAND = 'callbackAfterSendSingleMsgCommand';

function makeEvent(): OutgoingEvent {
  const eventId = `evt_${randomBytes(16).toString('hex')}`;
  const operationID = randomBytes(8).toString('hex');
  const body = JSON.stringify({
    id: eventId,
    callbackCommand: COMMAND,
    operationID,
    payload: { content: '你好' },
  });
  const rawBody = Buffer.from(JSON.stringify({ content: '你好' }));
  return { eventId, callbackCommand: COMMAND, operationID, receivedAt: Date.now(), body, rawBody };
}

/** Rejects when `promise` has not settled within `ms`: a guard against hangs, not a measurement. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}

/** Delivers `event` until it is delivered, at most `tries` times, 200 ms apart; returns the last result. */
async function deliverUntilDelivered(sink: Sink, event: OutgoingEvent, tries = 150): Promise<AttemptResult> {
  let result: AttemptResult = { kind: 'unavailable', error: 'not tried' };
  for (let i = 0; i < tries; i += 1) {
    result = await within(sink.deliver(event), 15_000, 'deliver');
    if (result.kind === 'delivered') return result;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return result;
}

function recorder(): SinkWarnings & { messages: string[] } {
  const messages: string[] = [];
  return { messages, warn: (_fields, message) => void messages.push(message) };
}

/** Each id with how many times it occurs. */
function counts(ids: readonly string[]): Map<string, number> {
  const result = new Map<string, number>();
  for (const id of ids) result.set(id, (result.get(id) ?? 0) + 1);
  return result;
}

function assertExactlyOnce(stored: readonly string[], delivered: readonly OutgoingEvent[]): void {
  const seen = counts(stored);
  const missing = delivered.filter((event) => !seen.has(event.eventId));
  const duplicated = [...seen].filter(([, count]) => count > 1);
  assert.deepEqual({ missing: missing.length, duplicated: duplicated.length }, { missing: 0, duplicated: 0 });
}

describe('NATS JetStream sink against a real nats-server', () => {
  let nats: BrokerServer;
  let sink: Sink;
  let client: NatsConnection;
  const warnings = recorder();
  const delivered: OutgoingEvent[] = [];
  const STREAM = 'OPENIM';

  /** Every Nats-Msg-Id the stream holds, read message by message. */
  async function storedIds(): Promise<string[]> {
    const jsm = await jetstreamManager(client);
    const { state } = await jsm.streams.info(STREAM);
    const ids: string[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq += 1) {
      const message = await jsm.streams.getMessage(STREAM, { seq });
      if (!message) continue;
      assert.equal(message.subject, `openim.${COMMAND}`);
      const id = message.header.get('Nats-Msg-Id');
      assert.equal(JSON.parse(message.string()).id, id, 'the envelope carries the same id as the header');
      ids.push(id);
    }
    return ids;
  }

  before(async () => {
    nats = await startNatsServer();
    sink = createNatsSink({
      name: 'bus',
      url: nats.url,
      stream: { name: STREAM, create: true },
      logger: warnings,
    });
  });
  after(async () => {
    await sink.close();
    await client?.close();
    await nats.dispose();
  });

  test('every delivered event is in the stream exactly once, by its id', async () => {
    for (let i = 0; i < N; i += 1) {
      const event = makeEvent();
      assert.deepEqual(await within(sink.deliver(event), 15_000, 'deliver'), { kind: 'delivered' });
      delivered.push(event);
    }
    client = await connect({ servers: nats.url });
    const ids = await storedIds();
    assert.equal(ids.length, N);
    assertExactlyOnce(ids, delivered);
  });

  test('the created stream dedupes for at least 2 minutes and is on disk', async () => {
    const { config } = await (await jetstreamManager(client)).streams.info(STREAM);
    assert.ok(config.duplicate_window >= nanos(120_000));
    assert.equal(config.storage, 'file');
    assert.deepEqual(config.subjects, ['openim.*']);
  });

  test('a redelivery of the same event id is acknowledged as a duplicate and not stored again', async () => {
    const first = delivered[0];
    assert.ok(first);
    assert.deepEqual(await sink.deliver(first), { kind: 'delivered' });
    const ids = await storedIds();
    assert.equal(ids.length, N);
    assertExactlyOnce(ids, delivered);
  });

  test('the fsync notice is logged once for the connection', () => {
    assert.equal(warnings.messages.filter((message) => message.includes('sync_interval')).length, 1);
  });

  test('a subject no stream captures fails the event (not the broker)', async () => {
    const stray = createNatsSink({
      name: 'stray',
      url: nats.url,
      subject: 'elsewhere.{command}',
      logger: recorder(),
    });
    try {
      const result = await within(stray.deliver(makeEvent()), 15_000, 'deliver');
      assert.equal(result.kind, 'failed');
    } finally {
      await stray.close();
    }
  });

  test('nothing listening → unavailable, without hanging', async () => {
    const port = await freePort();
    const lonely = createNatsSink({ name: 'lonely', url: `nats://127.0.0.1:${port}`, logger: recorder() });
    try {
      const result = await within(lonely.deliver(makeEvent()), 15_000, 'deliver');
      assert.equal(result.kind, 'unavailable');
    } finally {
      await lonely.close();
    }
  });

  test('broker stopped → unavailable; restarted → deliveries succeed, earlier events kept once', async () => {
    await client.close();
    await nats.stop('SIGKILL');
    const during = makeEvent();
    const result = await within(sink.deliver(during), 15_000, 'deliver while the broker is down');
    assert.equal(result.kind, 'unavailable');

    await nats.restart();
    assert.deepEqual(await deliverUntilDelivered(sink, during), { kind: 'delivered' });
    delivered.push(during);
    for (let i = 0; i < 10; i += 1) {
      const event = makeEvent();
      assert.deepEqual(await within(sink.deliver(event), 15_000, 'deliver'), { kind: 'delivered' });
      delivered.push(event);
    }
    client = await connect({ servers: nats.url });
    const ids = await storedIds();
    assert.equal(ids.length, delivered.length);
    assertExactlyOnce(ids, delivered);
  });
});

describe('Redis Streams sink against a real redis-server', () => {
  let redisServer: BrokerServer;
  let sink: Sink;
  let client: Redis;
  const warnings = recorder();
  const STREAM = 'openim:events';
  const GROUP = 'workers';
  let delivered: OutgoingEvent[] = [];

  /** Entries as a consumer reads them: field name → value. */
  async function entries(): Promise<Array<Record<string, string>>> {
    const raw = await client.xrange(STREAM, '-', '+');
    return raw.map(([, fields]) => {
      const record: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i] as string] = fields[i + 1] as string;
      return record;
    });
  }

  async function groupNames(): Promise<string[]> {
    try {
      const groups = (await client.xinfo('GROUPS', STREAM)) as unknown[][];
      return groups.map((group) => String(group[group.indexOf('name') + 1]));
    } catch {
      return []; // no such key
    }
  }

  async function deliverAll(count: number): Promise<OutgoingEvent[]> {
    const events: OutgoingEvent[] = [];
    for (let i = 0; i < count; i += 1) {
      const event = makeEvent();
      assert.deepEqual(await within(sink.deliver(event), 15_000, 'deliver'), { kind: 'delivered' });
      events.push(event);
    }
    return events;
  }

  before(async () => {
    redisServer = await startRedisServer();
    // The checking client waits out the restart test's outage (bounded by the test's own waits), quietly.
    client = new Redis(redisServer.url, { maxRetriesPerRequest: 1, commandTimeout: 5_000 });
    client.on('error', () => undefined);
    sink = createRedisSink({ name: 'cache', url: redisServer.url, group: GROUP, logger: warnings });
  });
  after(async () => {
    await sink.close();
    client.disconnect();
    await redisServer.dispose();
  });

  test('every delivered event is an entry with its id, command and envelope', async () => {
    delivered = await deliverAll(N);
    const stored = await entries();
    assert.equal(stored.length, N);
    assertExactlyOnce(
      stored.map((entry) => entry.id ?? ''),
      delivered,
    );
    const byId = new Map(delivered.map((event) => [event.eventId, event]));
    for (const entry of stored) {
      assert.equal(entry.command, COMMAND);
      assert.equal(entry.envelope, byId.get(entry.id ?? '')?.body);
    }
    assert.deepEqual(await groupNames(), [GROUP]);
  });

  test('no durability warning when the server fsyncs every write', () => {
    assert.deepEqual(warnings.messages, []);
  });

  test('a redelivery appends again: the `id` field is what consumers dedupe by', async () => {
    const first = delivered[0];
    assert.ok(first);
    assert.deepEqual(await sink.deliver(first), { kind: 'delivered' });
    const stored = await entries();
    assert.equal(stored.length, N + 1, 'XADD does not dedupe');
    const twice = stored.filter((entry) => entry.id === first.eventId);
    assert.equal(twice.length, 2);
    assert.equal(twice[0]?.envelope, twice[1]?.envelope, 'the same bytes both times');
    const unique = new Set(stored.map((entry) => entry.id));
    assert.equal(unique.size, N, 'deduping by id leaves each event once');
  });

  test('stream deleted (and its group with it) → the group comes back and sees every later event', async () => {
    await client.del(STREAM);
    const after: OutgoingEvent[] = [];
    for (let i = 0; i < 100 && !(await groupNames()).includes(GROUP); i += 1) {
      after.push(...(await deliverAll(1)));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(await groupNames(), [GROUP]);
    after.push(...(await deliverAll(5)));
    // Created from id 0, the group hands out what was appended before it came back, too.
    const read = (await client.xreadgroup(
      'GROUP',
      GROUP,
      'c1',
      'COUNT',
      10_000,
      'STREAMS',
      STREAM,
      '>',
    )) as Array<[string, Array<[string, string[]]>]> | null;
    const ids = (read?.[0]?.[1] ?? []).map(([, fields]) => fields[fields.indexOf('id') + 1] ?? '');
    assert.equal(ids.length, after.length);
    assertExactlyOnce(ids, after);
  });

  test('group destroyed while the stream stays → recreated', async () => {
    await client.xgroup('DESTROY', STREAM, GROUP);
    for (let i = 0; i < 100 && !(await groupNames()).includes(GROUP); i += 1) {
      await deliverAll(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(await groupNames(), [GROUP]);
  });

  test('a server without an fsync per write is warned about, once', async () => {
    await client.config('SET', 'appendfsync', 'everysec');
    const seen = recorder();
    const lax = createRedisSink({ name: 'lax', url: redisServer.url, logger: seen });
    try {
      assert.deepEqual(await lax.deliver(makeEvent()), { kind: 'delivered' });
      assert.deepEqual(await lax.deliver(makeEvent()), { kind: 'delivered' });
      assert.equal(seen.messages.filter((message) => message.includes('appendfsync')).length, 1);
    } finally {
      await lax.close();
      await client.config('SET', 'appendfsync', 'always');
    }
  });

  test('nothing listening → unavailable, without hanging', async () => {
    const port = await freePort();
    const lonely = createRedisSink({ name: 'lonely', url: `redis://127.0.0.1:${port}`, logger: recorder() });
    try {
      const result = await within(lonely.deliver(makeEvent()), 15_000, 'deliver');
      assert.equal(result.kind, 'unavailable');
    } finally {
      await lonely.close();
    }
  });

  test('broker stopped → unavailable; restarted → deliveries succeed, earlier entries kept', async () => {
    const before = (await entries()).map((entry) => entry.id ?? '');
    await redisServer.stop('SIGKILL');
    const during = makeEvent();
    const result = await within(sink.deliver(during), 15_000, 'deliver while the broker is down');
    assert.equal(result.kind, 'unavailable');

    await redisServer.restart();
    assert.deepEqual(await deliverUntilDelivered(sink, during), { kind: 'delivered' });
    const later = await deliverAll(5);
    const stored = (await entries()).map((entry) => entry.id ?? '');
    // appendfsync always: everything acknowledged before the SIGKILL is still there, in order, then the new events.
    assert.deepEqual(stored, [...before, during.eventId, ...later.map((event) => event.eventId)]);
    assert.deepEqual(await groupNames(), [GROUP]);
  });
});
