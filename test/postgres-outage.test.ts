import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { SEED_COMMAND, SUCCESS_BODY, singleChatBody } from './fixtures/seed.js';
import { postLikeOpenIM, sendUniqueCallbacks } from './helpers/openim-client.js';
import { startPostgres } from './helpers/postgres.js';
import { startServiceProcess } from './helpers/service-process.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';

// Started at the top level (see store-contract.test.ts), stopped by the one top-level suite's `after`.
const postgres = await startPostgres();

interface Readiness {
  status: number;
  body: { status: string; spoolDepth?: number };
}

async function readiness(serviceUrl: string): Promise<Readiness | undefined> {
  try {
    const response = await fetch(`${serviceUrl}/readyz`, { signal: AbortSignal.timeout(5000) });
    return { status: response.status, body: (await response.json()) as Readiness['body'] };
  } catch {
    return undefined;
  }
}

/** `serve` on a database with a spool of its own (in a temp dir); later flags win. */
const receiverArgs = (database: string, ...more: string[]) => [
  ...['--database', database, '--spool', join(tempDir(), 'spool.db'), '--log-level', 'warn'],
  ...more,
];

const isReady = async (serviceUrl: string) => (await readiness(serviceUrl))?.body.status === 'ready';

/** How many events PostgreSQL holds per operationID starting with `prefix`. */
/** The events of acknowledged callbacks, once the projection emptied the inbox (it trails the acknowledgements). */
async function eventCounts(database: string, prefix: string): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    const inboxEmpty = async () =>
      (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox')).rows[0]?.n === 0;
    assert.ok(await waitFor(inboxEmpty, 60_000), 'the projection empties the inbox');
    const { rows } = await client.query<{ operation_id: string; n: number }>(
      'SELECT operation_id, count(*)::int AS n FROM events WHERE operation_id LIKE $1 GROUP BY operation_id',
      [`${prefix}%`],
    );
    return new Map(rows.map((row) => [row.operation_id, row.n]));
  } finally {
    await client.end();
  }
}

/** The acknowledged operationIDs that PostgreSQL lacks, and those it holds more than once. */
async function tally(database: string, prefix: string, acked: Iterable<string>) {
  const counts = await eventCounts(database, prefix);
  const ackedList = [...acked];
  return {
    missing: ackedList.filter((op) => !counts.has(op)).length,
    duplicated: [...counts.values()].filter((n) => n > 1).length,
    acked: ackedList.length,
  };
}

/**
 * Distinct after-callbacks from `parallel` OpenIM-like clients, each pausing `pauseMs` between two (at most about
 * 1,000/s in all: a steady load that leaves the shared CPU to the other test files), until `stop()` or `max` sent.
 * Remembers which were acknowledged, in which phase, and every answer that was not the success package.
 */
function startLoad(serviceUrl: string, prefix: string, parallel = 8, pauseMs = 8, max = 100_000) {
  const load = {
    phase: 'before' as 'before' | 'outage' | 'after',
    acked: new Set<string>(),
    ackedIn: { before: 0, outage: 0, after: 0 },
    failures: [] as string[],
  };
  let next = 0;
  let stopped = false;
  const client = async () => {
    for (let i = next++; i < max && !stopped; i = next++) {
      const operationID = `${prefix}-${i}`;
      const phase = load.phase;
      const answer = await postLikeOpenIM(
        `${serviceUrl}/callbackExample/${SEED_COMMAND}`,
        singleChatBody(`${prefix}${i}`, 'peer'),
        { operationID },
      ).catch((error: unknown) => ({ status: 0, body: String(error) }));
      if (answer.body === SUCCESS_BODY) {
        load.acked.add(operationID);
        load.ackedIn[phase === 'outage' || load.phase === 'outage' ? 'outage' : phase] += 1;
      } else load.failures.push(`${answer.status} ${answer.body}`);
      await sleep(pauseMs);
    }
  };
  const clients = Promise.all(Array.from({ length: parallel }, client));
  return Object.assign(load, {
    async stop() {
      stopped = true;
      await clients;
    },
  });
}

describe('PostgreSQL outage: the receiver spools, then flushes', () => {
  after(() => postgres.stop());

  it(
    'PostgreSQL stopped for 10 s mid-load and started again: 0 acknowledged events missing',
    { timeout: 240_000 },
    async () => {
      const database = await postgres.createDatabase('outage_load');
      const service = await startServiceProcess(
        receiverArgs(
          database,
          // A sink whose deliveries stay queued (no relay here): each event must get its outbox row in PostgreSQL.
          ...['--sink', 'crm=http://127.0.0.1:9/hook', '--no-relay', '--allow-private-sinks'],
          ...['--log-level', 'info'], // the line that says the spool is flushed is at info level
        ),
      );
      const answers = new Set<string>();
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          const ready = await readiness(service.url);
          answers.add(ready ? `${ready.status} ${ready.body.status}` : 'no answer');
          await sleep(100);
        }
      })();
      const load = startLoad(service.url, 'load');
      try {
        assert.ok(await waitFor(() => load.acked.size >= 300, 60_000), 'the load runs');
        const haltedAt = Date.now();
        load.phase = 'outage';
        await postgres.halt('immediate'); // as a crash: connections cut, no checkpoint
        const degraded = await waitFor(
          async () => (await readiness(service.url))?.body.status === 'degraded',
          10_000,
        );
        await sleep(Math.max(0, 10_000 - (Date.now() - haltedAt)));
        await postgres.resume();
        assert.ok(
          degraded,
          `/readyz says degraded during the outage; it answered ${[...answers].join(', ')}`,
        );
        load.phase = 'after';
        assert.ok(await waitFor(() => load.ackedIn.after >= 300, 60_000), 'the load goes on');
        await load.stop();
        assert.ok(
          await waitFor(() => isReady(service.url), 60_000),
          '/readyz says ready once the spool is flushed',
        );
      } finally {
        await postgres.resume();
        await load.stop();
        watching = false;
        await watcher;
      }
      try {
        const { missing, duplicated, acked } = await tally(database, 'load-', load.acked);
        console.log(
          `outage under load: ${acked} acknowledged (${load.ackedIn.outage} during the outage), ` +
            `${missing} missing, ${duplicated} duplicated, ${load.failures.length} not acknowledged; ` +
            `/readyz answered ${[...answers].join(', ')}`,
        );
        assert.equal(missing, 0);
        assert.equal(duplicated, 0);
        assert.ok(load.ackedIn.outage > 0, 'callbacks were acknowledged while PostgreSQL was down');
        assert.deepEqual(load.failures.slice(0, 5), [], 'every callback was acknowledged');
        // A load balancer never saw it unready: degraded is still 200.
        assert.deepEqual([...answers].sort(), ['200 degraded', '200 ready']);
        const client = new pg.Client({ connectionString: database });
        await client.connect();
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM events e WHERE NOT EXISTS
             (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.sink = 'crm')`,
        );
        await client.end();
        assert.equal(rows[0]?.n, 0, 'every event has its outbox row for the sink');
        // One line per change of state (the logger writes asynchronously: wait for the second one).
        assert.ok(service.logs().includes('database unreachable'));
        assert.ok(await waitFor(() => service.logs().includes('database reachable again'), 5000));
      } finally {
        await service.stop();
      }
    },
  );

  it('a receiver killed while degraded restarts with PostgreSQL still down and flushes its spool later', async () => {
    const database = await postgres.createDatabase('outage_kill');
    const args = receiverArgs(database); // the same spool file after the restart
    let service = await startServiceProcess(args);
    try {
      assert.equal(await sendUniqueCallbacks(service.url, 'before', 50), 50);
      await postgres.halt();
      assert.equal(await sendUniqueCallbacks(service.url, 'spooled', 100), 100);
      assert.deepEqual((await readiness(service.url))?.body.spoolDepth, 100);
      await service.stop('SIGKILL');

      service = await startServiceProcess(args);
      const restarted = await readiness(service.url);
      assert.equal(restarted?.status, 200);
      assert.equal(restarted?.body.status, 'degraded');
      assert.equal(await sendUniqueCallbacks(service.url, 'restarted', 20), 20);

      await postgres.resume();
      assert.ok(await waitFor(() => isReady(service.url), 60_000), 'the spool is flushed');
      for (const [prefix, count] of [
        ['before-', 50],
        ['spooled-', 100],
        ['restarted-', 20],
      ] as const) {
        const acked = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
        assert.deepEqual(await tally(database, prefix, acked), { missing: 0, duplicated: 0, acked: count });
      }
    } finally {
      await postgres.resume(); // a no-op when it runs
      await service.stop();
    }
  });

  it('an exact redelivery during the outage stays one event', async () => {
    const database = await postgres.createDatabase('outage_redelivery');
    const service = await startServiceProcess(receiverArgs(database));
    const post = (owner: string, operationID: string) =>
      postLikeOpenIM(`${service.url}/callbackExample/${SEED_COMMAND}`, singleChatBody(owner, 'peer'), {
        operationID,
      });
    try {
      assert.equal((await post('early', 'dup-early')).body, SUCCESS_BODY); // in PostgreSQL before the outage
      await postgres.halt();
      for (let attempt = 0; attempt < 3; attempt++) {
        assert.equal((await post('early', 'dup-early')).body, SUCCESS_BODY);
        assert.equal((await post('during', 'dup-during')).body, SUCCESS_BODY);
      }
      // The spool keeps one copy of each: the one of `early` is found to be a redelivery when it is flushed.
      assert.equal((await readiness(service.url))?.body.spoolDepth, 2);
      const query = await fetch(`${service.url}/api/v1/events`);
      assert.equal(query.status, 503, 'queries need PostgreSQL: a clear 503 meanwhile');
      assert.equal(((await query.json()) as { errCode: number }).errCode, 29010);

      await postgres.resume();
      assert.ok(await waitFor(() => isReady(service.url), 60_000), 'the spool is flushed');
      assert.deepEqual(
        await eventCounts(database, 'dup-'),
        new Map([
          ['dup-early', 1],
          ['dup-during', 1],
        ]),
      );
    } finally {
      await postgres.resume();
      await service.stop();
    }
  });
});
