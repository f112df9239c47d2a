import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import type { RunningService } from '../src/service/index.js';
import { startNatsServer, startRedisServer } from './helpers/brokers.js';
import type { BrokerServer } from './helpers/brokers.js';
import { sendUniqueCallbacks } from './helpers/openim-client.js';
import { startServiceWithSinks } from './helpers/sync-service.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookConsumer } from './helpers/webhook-consumer.js';

const SECRET = `whsec_${Buffer.from('all sinks test secret 0123456789ab').toString('base64')}`;
const dir = tempDir();

/** Event ids as a consumer deduping by id sees them in the JetStream stream (`Nats-Msg-Id`). */
async function natsIds(url: string): Promise<string[]> {
  const nc = await connect({ servers: url });
  try {
    const consumer = await jetstream(nc).consumers.get('OPENIM');
    const ids: string[] = [];
    const messages = await consumer.fetch({ max_messages: 10_000, expires: 2_000 });
    for await (const message of messages) {
      ids.push(message.headers?.get('Nats-Msg-Id') ?? '');
      if (message.info.pending === 0) break;
    }
    return ids;
  } finally {
    await nc.close();
  }
}

/** Event ids as a consumer deduping by id sees them in the Redis stream (the `id` field). */
async function redisIds(url: string): Promise<string[]> {
  const redis = new Redis(url);
  try {
    const entries = await redis.xrange('openim:events', '-', '+');
    return entries.map(([, fields]) => fields[fields.indexOf('id') + 1] ?? '');
  } finally {
    redis.disconnect();
  }
}

function missingAndDuplicated(
  expected: Set<string>,
  seen: string[],
): { missing: number; duplicated: number } {
  const unique = new Set(seen);
  return {
    missing: [...expected].filter((id) => !unique.has(id)).length,
    duplicated: seen.length - unique.size,
  };
}

// Started at the top of the file, outside any hook, and disposed of when the file ends.
const nats: BrokerServer = await startNatsServer();
const redis: BrokerServer = await startRedisServer();
after(() => Promise.all([nats.dispose(), redis.dispose()]));

describe('every event at every sink: HTTP, NATS JetStream, Redis Streams', () => {
  const consumer = new WebhookConsumer(SECRET);
  let service: RunningService;

  before(async () => {
    await consumer.start();
    service = await startServiceWithSinks(dir, 'all', [
      { name: 'crm', url: consumer.url, secrets: [SECRET] },
      { name: 'bus', url: nats.url, stream: 'OPENIM', createStream: true },
      { name: 'cache', url: redis.url, group: 'workers' },
    ]);
  });
  after(async () => {
    await service.close();
    await consumer.stop();
  });

  async function sinkStates(): Promise<Record<string, string>> {
    const sinks = (await (await fetch(`${service.url}/api/v1/sinks`)).json()) as {
      items: { name: string; state: string }[];
    };
    return Object.fromEntries(sinks.items.map((s) => [s.name, s.state]));
  }

  async function backlogs(): Promise<Record<string, number>> {
    const sinks = (await (await fetch(`${service.url}/api/v1/sinks?consistent=true`)).json()) as {
      items: { name: string; backlog: number }[];
    };
    return Object.fromEntries(sinks.items.map((s) => [s.name, s.backlog]));
  }

  it('a consumer deduping by event id sees 0 missing and 0 duplicates at each sink, through broker restarts', async () => {
    assert.equal(await sendUniqueCallbacks(service.url, 'a', 60), 60);
    // Both brokers stop mid-run (the Redis one loses its process, not its fsynced AOF) and come back later.
    await Promise.all([nats.stop(), redis.stop('SIGKILL')]);
    assert.equal(await sendUniqueCallbacks(service.url, 'b', 40), 40);
    // Restart the brokers only once both lanes met the outage (they back off, keeping their events).
    assert.ok(
      await waitFor(async () => {
        const states = await sinkStates();
        return states['bus'] === 'backing-off' && states['cache'] === 'backing-off';
      }, 30_000),
      `both broker lanes back off: ${JSON.stringify(await sinkStates())}`,
    );
    await Promise.all([nats.restart(), redis.restart()]);
    assert.ok(
      await waitFor(async () => Object.values(await backlogs()).every((n) => n === 0), 30_000),
      `backlogs drained: ${JSON.stringify(await backlogs())}`,
    );

    const events = (await (
      await fetch(`${service.url}/api/v1/events?consistent=true&limit=1000`)
    ).json()) as {
      items: { idempotencyKey: string }[];
    };
    const expected = new Set(events.items.map((e) => `evt_${e.idempotencyKey.slice(0, 32)}`));
    assert.equal(expected.size, 100);
    assert.deepEqual(missingAndDuplicated(expected, [...consumer.deliveries.keys()]), {
      missing: 0,
      duplicated: 0,
    });
    assert.deepEqual(missingAndDuplicated(expected, await natsIds(nats.url)), { missing: 0, duplicated: 0 });
    const fromRedis = await redisIds(redis.url);
    assert.equal(missingAndDuplicated(expected, fromRedis).missing, 0);
    // XADD appends: a retry of an entry whose acknowledgement was lost may repeat it; deduping by id removes it.
    assert.equal(new Set(fromRedis).size, 100);
  });
});
