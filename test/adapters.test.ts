import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import {
  fastifyOpenimHooks,
  keepRawBody,
  toExpressMiddleware,
  toFetchHandler,
} from '../src/receiver/index.js';
import { openSqliteStore } from '../src/store/index.js';
import { SEED_BODY, SEED_COMMAND, SUCCESS_BODY } from './fixtures/seed.js';
import { postLikeOpenIM } from './helpers/openim-client.js';
import { contractReceiver, runSeedContract } from './helpers/seed-contract.js';
import { tempDir } from './helpers/temp-dir.js';

const store = openSqliteStore(join(tempDir(), 'adapters.db'));
after(() => store.close());

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('Express 5', () => {
  it('runs the seed contract mounted before any body parser, and calls next() for other paths', async () => {
    const app = express();
    app.use(toExpressMiddleware(contractReceiver(store)));
    app.use(express.json());
    app.post('/orders', (req, res) => void res.json({ echoed: req.body as unknown }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await runSeedContract(`${url}/callbackExample`, store, 'express');
      const other = await postLikeOpenIM(`${url}/orders`, '{"id":7}');
      assert.deepEqual(JSON.parse(other.body), { echoed: { id: 7 } });
    } finally {
      await close(server);
    }
  });

  it('after express.json(): exact bytes with keepRawBody; without it, the event is kept and says it was re-serialised', async () => {
    for (const [tag, parser] of [
      ['kept', express.json({ verify: keepRawBody })],
      ['lost', express.json()],
    ] as const) {
      const app = express();
      app.use(parser);
      app.use('/', toExpressMiddleware(contractReceiver(store)));
      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const answer = await postLikeOpenIM(`${url}/callbackExample/${SEED_COMMAND}`, SEED_BODY, {
          operationID: `parsed-${tag}`,
        });
        assert.equal(answer.body, SUCCESS_BODY);
        const [event] = (await store.listEvents({ operationID: `parsed-${tag}` })).items;
        if (tag === 'kept') {
          assert.equal(event?.rawBody, SEED_BODY);
          assert.deepEqual(event?.warnings, []);
        } else {
          assert.deepEqual(JSON.parse(event?.rawBody ?? '{}'), JSON.parse(SEED_BODY));
          assert.match(event?.warnings.join() ?? '', /re-serialised/);
        }
      } finally {
        await close(server);
      }
    }
  });
});

describe('Fastify 5', () => {
  it('runs the seed contract through the plugin (raw-body parser), other routes untouched', async () => {
    const app = Fastify();
    await app.register(fastifyOpenimHooks(contractReceiver(store)));
    app.post('/orders', async (request) => ({ echoed: request.body }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      await runSeedContract(`${url}/callbackExample`, store, 'fastify');
      const other = await postLikeOpenIM(`${url}/orders`, '{"id":7}');
      assert.deepEqual(
        JSON.parse(other.body),
        { echoed: { id: 7 } },
        "the app's own JSON parser still works",
      );
    } finally {
      await app.close();
    }
  });
});

describe('Hono (@hono/node-server)', () => {
  it('runs the seed contract through the Web handler', async () => {
    const handle = toFetchHandler(contractReceiver(store));
    const app = new Hono();
    app.all('/callbackExample/*', (c) => handle(c.req.raw));
    app.get('/health', (c) => c.text('ok'));
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    await new Promise((resolve) =>
      server.listening ? resolve(undefined) : server.once('listening', resolve),
    );
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await runSeedContract(`${url}/callbackExample`, store, 'hono');
      assert.equal((await fetch(`${url}/health`)).status, 200);
    } finally {
      await close(server);
    }
  });
});
