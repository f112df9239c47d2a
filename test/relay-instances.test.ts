import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { DEFAULT_CONFIG, startService } from '../src/service/index.js';
import type { RunningService } from '../src/service/index.js';
import { parseSinkConfig } from '../src/sync/sink-config.js';
import { SEED_COMMAND, SUCCESS_BODY, singleChatBody } from './fixtures/seed.js';
import { postLikeOpenIM } from './helpers/openim-client.js';
import { startPostgres } from './helpers/postgres.js';
import { startServiceProcess } from './helpers/service-process.js';
import { TEST_RETRY_SCHEDULE } from './helpers/sync-service.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookConsumer } from './helpers/webhook-consumer.js';

const SECRET = `whsec_${Buffer.from('openim-hooks test secret 0123456789').toString('base64')}`;

// Started at the top level (see store-contract.test.ts), stopped by the one top-level suite's `after`.
const postgres = await startPostgres();

/** The HTTP sink every instance has: a short timeout and lease, so that a dead instance's work is taken in seconds. */
const sinkEntry = (url: string) => ({
  name: 'crm',
  url,
  secrets: [SECRET],
  timeout: '1s',
  lease: '3s',
  retrySchedule: TEST_RETRY_SCHEDULE,
});

function startInstance(database: string, consumer: WebhookConsumer): Promise<RunningService> {
  return startService({
    ...DEFAULT_CONFIG,
    port: 0,
    database,
    spool: join(tempDir(), 'spool.db'), // each instance has a spool of its own
    logLevel: 'silent',
    allowPrivateSinks: true,
    sinks: [parseSinkConfig(sinkEntry(consumer.url), 0)],
  });
}

/**
 * Posts `count` distinct after-callbacks (owners `<prefix><i>`) to the services in turn, `parallel` at a time;
 * `urls()` is read for each one, so a service can leave the rotation. Resolves with the owners acknowledged.
 */
async function sendRoundRobin(
  urls: () => string[],
  prefix: string,
  count: number,
  parallel = 12,
): Promise<Set<string>> {
  const acked = new Set<string>();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const targets = urls();
      const url = targets[i % targets.length];
      const answer = await postLikeOpenIM(
        `${url}/callbackExample/${SEED_COMMAND}`,
        singleChatBody(`${prefix}${i}`, 'peer'),
        {
          operationID: `${prefix}-${i}`,
        },
      ).catch(() => undefined); // a killed instance: not acknowledged
      if (answer?.body === SUCCESS_BODY) acked.add(`${prefix}${i}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return acked;
}

/** Acknowledged events the consumer never got, and extra deliveries of events with this prefix. */
function tally(consumer: WebhookConsumer, acked: Set<string>, prefix: string) {
  const owners = consumer.owners(prefix);
  const missing = [...acked].filter((owner) => !owners.has(owner)).length;
  let duplicates = 0;
  for (const [id, count] of consumer.deliveries) {
    if (String(consumer.events.get(id)?.payload['ownerUserId'] ?? '').startsWith(prefix))
      duplicates += count - 1;
  }
  return { missing, duplicates };
}

/**
 * The relays are idle once the shared outbox holds no pending delivery: every one settled, none leased, so no
 * attempt is still on its way and no second delivery can follow.
 */
async function outboxSettled(url: string): Promise<boolean> {
  const response = await fetch(`${url}/api/v1/sinks?consistent=true`);
  const sinks = (await response.json()) as { items: { backlog: number }[] };
  return sinks.items.length > 0 && sinks.items.every((sink) => sink.backlog === 0);
}

describe('relays of several instances on one PostgreSQL database', () => {
  after(() => postgres.stop());

  it('three instances share the outbox: every event delivered exactly once', async () => {
    const consumer = new WebhookConsumer(SECRET);
    await consumer.start();
    const database = await postgres.createDatabase('relay_shared');
    const services = await Promise.all([0, 1, 2].map(() => startInstance(database, consumer)));
    try {
      const acked = await sendRoundRobin(() => services.map((s) => s.url), 'rr', 900);
      assert.equal(acked.size, 900);
      await waitFor(() => tally(consumer, acked, 'rr').missing === 0, 30_000);
      // Count duplicates once the relays are idle: after that, nothing more can arrive.
      assert.ok(await waitFor(() => outboxSettled(services[0]?.url ?? ''), 30_000), 'the outbox settles');
      const { missing, duplicates } = tally(consumer, acked, 'rr');
      console.log(`three instances, 900 events: ${missing} missing, ${duplicates} duplicates`);
      assert.equal(missing, 0);
      assert.equal(duplicates, 0);
      assert.equal(consumer.unverified, 0);
    } finally {
      await Promise.all(services.map((s) => s.close()));
      await consumer.stop();
    }
  });

  it('an instance killed mid-load leaves its deliveries to the others: none missing', async () => {
    const consumer = new WebhookConsumer(SECRET);
    consumer.delayMs = 50; // attempts stay in flight, so the killed one dies holding some
    await consumer.start();
    const database = await postgres.createDatabase('relay_kill');
    const config = join(tempDir(), 'relay-kill.json');
    writeFileSync(config, JSON.stringify({ sinks: [sinkEntry(consumer.url)] }));
    const services = await Promise.all([0, 1].map(() => startInstance(database, consumer)));
    const victim = await startServiceProcess([
      '--database',
      database,
      '--spool',
      join(tempDir(), 'spool.db'),
      '--config',
      config,
      '--allow-private-sinks',
      '--log-level',
      'silent',
    ]);
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    const victimLeases = async () => {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM deliveries WHERE status = 'pending' AND lease_owner LIKE $1`,
        [`%:${victim.child.pid}:%`],
      );
      return Number(rows[0]?.n ?? 0);
    };
    try {
      let alive = true;
      const urls = () =>
        alive ? [services[0]?.url ?? '', services[1]?.url ?? '', victim.url] : services.map((s) => s.url);
      const sending = sendRoundRobin(urls, 'kill', 1500);
      // Mid-load, while the victim's relay holds deliveries it has not settled: SIGKILL, no goodbye.
      assert.ok(
        await waitFor(async () => (await victimLeases()) >= 5, 30_000),
        'the victim claims deliveries',
      );
      await victim.stop('SIGKILL');
      alive = false;
      const orphaned = await victimLeases();
      const acked = await sending;
      assert.ok(acked.size >= 1000, `acknowledged ${acked.size} of 1500`);
      // Leases of 3 s: the survivors take the victim's deliveries once they expire.
      await waitFor(() => tally(consumer, acked, 'kill').missing === 0, 60_000);
      await waitFor(async () => (await victimLeases()) === 0, 30_000);
      assert.ok(await waitFor(() => outboxSettled(services[0]?.url ?? ''), 30_000), 'the outbox settles');
      const { missing, duplicates } = tally(consumer, acked, 'kill');
      console.log(
        `killed 1 of 3 instances, ${acked.size} acknowledged events: ${missing} missing, ${duplicates} duplicates, ` +
          `${orphaned} deliveries leased to the killed instance when it died`,
      );
      assert.equal(missing, 0);
      // Only what the killed instance was sending may arrive twice.
      assert.ok(duplicates <= orphaned, `${duplicates} duplicates, ${orphaned} orphaned leases`);
      assert.equal(await victimLeases(), 0, 'every lease of the killed instance was taken over and settled');
    } finally {
      await victim.stop('SIGKILL');
      await client.end();
      await Promise.all(services.map((s) => s.close()));
      await consumer.stop();
    }
  });
});
