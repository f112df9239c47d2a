import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_CONFIG, startService } from '../src/service/index.js';
import type { RunningService } from '../src/service/index.js';
import { API_ROUTES } from '../src/service/query-api.js';
import { parseSinkConfig } from '../src/sync/sink-config.js';
import type { EventRecord, Page } from '../src/store/index.js';
import { SEED_BODY, SEED_COMMAND, groupChatBody } from './fixtures/seed.js';
import { postLikeOpenIM } from './helpers/openim-client.js';
import { openapiValidator } from './helpers/openapi-validator.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookConsumer } from './helpers/webhook-consumer.js';

const dir = tempDir();
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const consumer = new WebhookConsumer(SECRET);
let service: RunningService;
let document: { paths: Record<string, Record<string, unknown>>; openapi: string };
let check: ReturnType<typeof openapiValidator>;

before(async () => {
  await consumer.start();
  service = await startService({
    ...DEFAULT_CONFIG,
    port: 0,
    database: join(dir, 'openapi.db'),
    logLevel: 'silent',
    allowPrivateSinks: true,
    sinks: [
      parseSinkConfig({ name: 'crm', url: consumer.url, secrets: [SECRET], retrySchedule: ['50ms'] }, 0),
    ],
  });
  document = (await (await fetch(`${service.url}/api/v1/openapi.json`)).json()) as typeof document;
  check = openapiValidator(document);
});
after(async () => {
  await service.close();
  await consumer.stop();
});

/** Calls the service and checks the answer against the document's schema for its route and status. */
async function call(
  template: string,
  path: string,
  method = 'GET',
): Promise<{ status: number; body: unknown }> {
  // Every read waits for what was acknowledged before it (`consistent`, a parameter of every route).
  const response = await fetch(`${service.url}${path}${path.includes('?') ? '&' : '?'}consistent=true`, {
    method,
  });
  const body = (await response.json()) as unknown;
  check(template, method, response.status, body);
  return { status: response.status, body };
}

describe('the OpenAPI 3.1 document at /api/v1/openapi.json', () => {
  it('describes every route the service answers, and nothing it does not', () => {
    assert.equal(document.openapi, '3.1.0');
    for (const route of API_ROUTES) {
      assert.ok(document.paths[route.path]?.[route.method.toLowerCase()], `${route.method} ${route.path}`);
    }
    const others = ['/healthz', '/readyz', '/metrics', '/callbackExample/{callbackCommand}'];
    const described = Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const answered = [
      ...API_ROUTES.map((r) => `${r.method} ${r.path}`),
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
      'POST /callbackExample/{callbackCommand}',
    ];
    assert.deepEqual(described.sort(), answered.sort());
    assert.ok(others.every((path) => document.paths[path]));
  });

  it('fits the real answers of every route, errors included', async () => {
    const seed = await postLikeOpenIM(`${service.callbackUrl}/${SEED_COMMAND}`, SEED_BODY, {
      operationID: 'oa',
    });
    check('/callbackExample/{callbackCommand}', 'POST', seed.status, JSON.parse(seed.body));
    const unknown = await postLikeOpenIM(`${service.callbackUrl}/notACommand`, SEED_BODY);
    check('/callbackExample/{callbackCommand}', 'POST', unknown.status, JSON.parse(unknown.body));
    await postLikeOpenIM(
      `${service.callbackUrl}/callbackAfterCreateGroupChatConversationsCommand`,
      groupChatBody('g1'),
    );
    assert.ok(await waitFor(() => consumer.deliveries.size === 2), 'both delivered');

    const events = (await call('/api/v1/events', '/api/v1/events')).body as Page<EventRecord>;
    const [first] = events.items;
    assert.ok(first);
    await call('/api/v1/events/{eventId}', `/api/v1/events/${first.id}`);
    await call('/api/v1/events/{eventId}', `/api/v1/events/${first.eventId}`);
    await call('/api/v1/conversations', '/api/v1/conversations?limit=1');
    await call('/api/v1/conversations/{ownerUserId}/{conversationId}', '/api/v1/conversations//sg_g1');
    await call('/api/v1/commands', '/api/v1/commands');
    await call('/api/v1/stats/minutes', '/api/v1/stats/minutes');
    await call('/api/v1/sinks', '/api/v1/sinks');
    await call('/api/v1/deliveries', `/api/v1/deliveries?eventId=${first.eventId}`);
    await call('/api/v1/attempts', '/api/v1/attempts?sink=crm');
    await call('/api/v1/replay', `/api/v1/replay?eventId=${first.id}`, 'POST');
    await call('/api/v1/sinks/{name}/retry', '/api/v1/sinks/crm/retry', 'POST');
    await call('/api/v1/sinks/{name}/enable', '/api/v1/sinks/crm/enable', 'POST');
    await call('/api/v1/openapi.json', '/api/v1/openapi.json');

    const health = await fetch(`${service.url}/healthz`);
    check('/healthz', 'GET', health.status, await health.json());
    const ready = await fetch(`${service.url}/readyz`);
    check('/readyz', 'GET', ready.status, await ready.json());

    // Errors: a JSON package with the registry's code and status, as documented.
    assert.equal((await call('/api/v1/events', '/api/v1/events?owner=x')).status, 400);
    assert.equal((await call('/api/v1/events/{eventId}', '/api/v1/events/999999')).status, 404);
    assert.equal((await call('/api/v1/events/{eventId}', '/api/v1/events/evt_nothex')).status, 400);
    assert.equal((await call('/api/v1/sinks/{name}/retry', '/api/v1/sinks/nope/retry', 'POST')).status, 404);
    const wrongMethod = await fetch(`${service.url}/api/v1/replay`);
    assert.equal(wrongMethod.status, 405);
    check('/api/v1/replay', 'POST', 405, await wrongMethod.json()); // the error package every route documents
    assert.equal((await call('/api/v1/stats/minutes', '/api/v1/stats/minutes?since=0')).status, 400);
  });

  it('documents the event stream as text/event-stream', async () => {
    const controller = new AbortController();
    const response = await fetch(`${service.url}/api/v1/events/stream`, { signal: controller.signal });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    check('/api/v1/events/stream', 'GET', 200, '', 'text/event-stream');
    controller.abort();
  });
});
