import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { reject } from '../src/receiver/index.js';
import { DEFAULT_CONFIG, startService } from '../src/service/index.js';
import type { RunningService } from '../src/service/index.js';
import type { EventRecord, Page } from '../src/store/index.js';
import { SEED_BODY, SEED_COMMAND, SUCCESS_BODY, singleChatBody } from './fixtures/seed.js';
import { postLikeOpenIM, sendRequest } from './helpers/openim-client.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';

const dir = tempDir();
const BEFORE = 'callbackBeforeCreateSingleChatConversationsCommand';
let service: RunningService;

before(async () => {
  service = await startService(
    { ...DEFAULT_CONFIG, port: 0, database: join(dir, 'api.db'), logLevel: 'silent' },
    {
      handlers: {
        [BEFORE]: ({ request }) =>
          request.userId === 'banned' ? reject(20001, 'user is banned') : undefined,
      },
    },
  );
});
after(() => service.close());

/** A read that sees every callback acknowledged before it (`consistent=true`). */
async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${service.url}${path}${path.includes('?') ? '&' : '?'}consistent=true`);
  return { status: response.status, body: (await response.json()) as T };
}

/** A request with headers fetch would not let us set (Host) or that a browser adds (Origin, Sec-Fetch-Site). */
async function sendWith(
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: { errCode: number } }> {
  const answer = await sendRequest(`${service.url}${path}`, { method, headers });
  return { status: answer.status, body: JSON.parse(answer.body) as { errCode: number } };
}

/** Reads Server-Sent Events until `count` `callback` messages came (bounded by the test's timeout). */
async function readStream(path: string, count: number, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(`${service.url}${path}`, { headers, signal: controller.signal });
  assert.equal(response.status, 200);
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  assert.ok(reader);
  return {
    async messages(): Promise<{ id: string; event: EventRecord }[]> {
      const found: { id: string; event: EventRecord }[] = [];
      let buffer = '';
      const deadline = Date.now() + 15_000;
      while (found.length < count && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        for (const block of buffer.split('\n\n').slice(0, -1)) {
          const id = /^id: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (id && data) found.push({ id, event: JSON.parse(data) as EventRecord });
        }
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
      }
      controller.abort();
      return found;
    },
  };
}

describe('events by id', () => {
  it('every event carries the evt_ id sinks send; one event is found by either id, with its answer', async () => {
    await postLikeOpenIM(`${service.callbackUrl}/${SEED_COMMAND}`, SEED_BODY, { operationID: 'by-id' });
    const { body } = await getJson<Page<EventRecord>>('/api/v1/events?operationID=by-id');
    const [event] = body.items;
    assert.ok(event);
    assert.match(event.eventId, /^evt_[0-9a-f]{32}$/);
    const byNumber = await getJson<EventRecord & { answer: { status: number; body: string } }>(
      `/api/v1/events/${event.id}`,
    );
    const byEvt = await getJson<EventRecord>(`/api/v1/events/${event.eventId}`);
    assert.equal(byNumber.status, 200);
    assert.deepEqual(byEvt.body, byNumber.body);
    assert.equal(byNumber.body.rawBody, SEED_BODY);
    assert.deepEqual(byNumber.body.answer, { status: 200, body: SUCCESS_BODY, answeredAt: null });
    const missing = await getJson<{ errCode: number }>(`/api/v1/events/evt_${'0'.repeat(32)}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.errCode, 29002);
  });

  it('keeps the answer a handler decided, for the event detail', async () => {
    const answer = await postLikeOpenIM(
      `${service.callbackUrl}/${BEFORE}`,
      singleChatBody('a', 'banned', BEFORE),
      {
        operationID: 'rejected',
      },
    );
    assert.equal(JSON.parse(answer.body).errCode, 20001);
    const { body } = await getJson<Page<EventRecord>>('/api/v1/events?operationID=rejected');
    const id = body.items[0]?.id;
    const kept = async () =>
      (await getJson<{ answer: { body: string; answeredAt: string | null } }>(`/api/v1/events/${id}`)).body
        .answer;
    assert.ok(await waitFor(async () => (await kept()).answeredAt !== null), 'written off the ack path');
    assert.equal((await kept()).body, answer.body);
  });
});

describe('the event stream (SSE)', () => {
  it('sends each new event as it is recorded, filtered, and resumes after Last-Event-ID', async () => {
    const stream = await readStream('/api/v1/events/stream?ownerUserId=sse-owner', 1);
    await postLikeOpenIM(`${service.callbackUrl}/${SEED_COMMAND}`, singleChatBody('not-this-one', 'p'));
    await postLikeOpenIM(`${service.callbackUrl}/${SEED_COMMAND}`, singleChatBody('sse-owner', 'p'), {
      operationID: 'sse-1',
    });
    const [first] = await stream.messages();
    assert.equal(first?.event.operationID, 'sse-1');
    assert.equal(first?.id, String(first?.event.id));

    await postLikeOpenIM(`${service.callbackUrl}/${SEED_COMMAND}`, singleChatBody('sse-owner', 'q'), {
      operationID: 'sse-2',
    });
    const resumed = await readStream('/api/v1/events/stream?ownerUserId=sse-owner', 1, {
      'last-event-id': first?.id ?? '',
    });
    assert.deepEqual(
      (await resumed.messages()).map((m) => m.event.operationID),
      ['sse-2'],
    );
    const backlog = await readStream('/api/v1/events/stream?ownerUserId=sse-owner&backlog=2', 2);
    assert.deepEqual(
      (await backlog.messages()).map((m) => m.event.operationID),
      ['sse-1', 'sse-2'],
    );
  });

  it('refuses what it cannot read, with a JSON error', async () => {
    const response = await fetch(`${service.url}/api/v1/events/stream?owner=x`);
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { errCode: number }).errCode, 29012);
  });
});

describe('writes are same-origin', () => {
  it('refuses a POST from another origin or site, even on loopback; a same-origin one goes through', async () => {
    const host = new URL(service.url).host;
    const evil = await sendWith('POST', '/api/v1/replay?dead=true', { origin: 'http://evil.example', host });
    assert.equal(evil.status, 401);
    assert.equal(evil.body.errCode, 29013);
    const otherPort = await sendWith('POST', '/api/v1/replay?dead=true', {
      origin: 'http://127.0.0.1:1',
      host,
    });
    assert.equal(otherPort.status, 401);
    const crossSite = await sendWith('POST', '/api/v1/replay?dead=true', {
      'sec-fetch-site': 'cross-site',
      host,
    });
    assert.equal(crossSite.status, 401);
    const same = await sendWith('POST', '/api/v1/replay?dead=true', {
      origin: `http://${host}`,
      host,
      'sec-fetch-site': 'same-origin',
    });
    assert.equal(same.status, 200);
  });

  it('serves the dashboard page only to a browser; JSON clients keep the JSON answers', async () => {
    const page = await fetch(`${service.url}/`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const json = await fetch(`${service.url}/`);
    assert.match(json.headers.get('content-type') ?? '', /^application\/json/);
    assert.notEqual(json.status, 200);
    const traversal = await fetch(`${service.url}/dashboard/assets/..%2f..%2fpackage.json`);
    assert.equal(traversal.status, 404);
    const rebinding = await sendWith('GET', '/dashboard', { accept: 'text/html', host: 'evil.example' });
    assert.equal(rebinding.status, 401);
  });
});
