import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ERROR_CODES } from '../src/protocol/index.js';
import type { ErrorName } from '../src/protocol/index.js';
import { DEFAULT_CONFIG, startService } from '../src/service/index.js';
import type { RunningService } from '../src/service/index.js';
import type { ConversationRecord, EventRecord, Page } from '../src/store/index.js';
import { SEED_BODY, SEED_COMMAND, SEED_PAYLOAD, SUCCESS_BODY, singleChatBody } from './fixtures/seed.js';
import { postLikeOpenIM } from './helpers/openim-client.js';
import { tempDir } from './helpers/temp-dir.js';

let service: RunningService;
let callbackUrl: string;
const dir = tempDir();

before(async () => {
  service = await startService({
    ...DEFAULT_CONFIG,
    port: 0,
    database: join(dir, 'service.db'),
    logLevel: 'silent',
  });
  callbackUrl = service.callbackUrl;
});
after(() => service.close());

/** A read of the API that sees every callback acknowledged before it (`consistent=true`). */
async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const consistent = path.startsWith('/api/') ? `${path.includes('?') ? '&' : '?'}consistent=true` : '';
  const response = await fetch(`${service.url}${path}${consistent}`);
  return { status: response.status, body: (await response.json()) as T };
}

async function eventTotal(): Promise<number> {
  const commands = await getJson<{ items: { count: number }[] }>('/api/v1/commands');
  return commands.body.items.reduce((sum, c) => sum + c.count, 0);
}

describe('the seed callback, sent as OpenIM sends it', () => {
  it('is answered 200 with exactly the success package, and readable through the API', async () => {
    const answer = await postLikeOpenIM(`${callbackUrl}/${SEED_COMMAND}`, SEED_BODY, {
      operationID: 'seed-op-1',
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(answer.body, SUCCESS_BODY);

    const list = await getJson<Page<ConversationRecord>>('/api/v1/conversations?ownerUserId=123228123');
    // The row holds the seed's fields, all but the command, plus what the store adds.
    const seedRow: Record<string, unknown> = { ...SEED_PAYLOAD };
    delete seedRow['callbackCommand'];
    assert.equal(list.body.items.length, 1);
    assert.deepEqual(
      { ...list.body.items[0], firstSeenAt: undefined, lastSeenAt: undefined, lastEventId: undefined },
      {
        ...seedRow,
        groupId: '',
        firstSeenAt: undefined,
        lastSeenAt: undefined,
        timesSeen: 1,
        lastCommand: SEED_COMMAND,
        lastEventId: undefined,
      },
    );
    const events = await getJson<Page<EventRecord>>('/api/v1/events?operationID=seed-op-1');
    assert.equal(events.body.items.length, 1);
    assert.equal(events.body.items[0]?.rawBody, SEED_BODY, 'the raw bytes, trailing newline included');
  });

  it("is accepted the same with the docs' ?contenttype=json", async () => {
    const answer = await postLikeOpenIM(
      `${callbackUrl}/${SEED_COMMAND}?contenttype=json`,
      singleChatBody('ct1', 'ct2'),
      {
        operationID: 'ct-op',
      },
    );
    assert.equal(answer.status, 200);
    assert.equal(answer.body, SUCCESS_BODY);
    assert.equal((await getJson<ConversationRecord>('/api/v1/conversations/ct1/si_ct1_ct2')).status, 200);
  });

  it('records both after-callbacks of one new chat as two rows of one conversation', async () => {
    await postLikeOpenIM(`${callbackUrl}/${SEED_COMMAND}`, singleChatBody('pairA', 'pairB'), {
      operationID: 'pair-op',
    });
    await postLikeOpenIM(`${callbackUrl}/${SEED_COMMAND}`, singleChatBody('pairB', 'pairA'), {
      operationID: 'pair-op',
    });
    const rows = await getJson<Page<ConversationRecord>>(
      '/api/v1/conversations?conversationId=si_pairA_pairB',
    );
    assert.deepEqual(
      rows.body.items.map((r) => [r.ownerUserId, r.userId]),
      [
        ['pairA', 'pairB'],
        ['pairB', 'pairA'],
      ],
    );
  });

  it('keeps one event for an exact redelivery, sequential or concurrent', async () => {
    const body = singleChatBody('redo1', 'redo2');
    const sequential = [];
    for (let i = 0; i < 10; i++)
      sequential.push(
        await postLikeOpenIM(`${callbackUrl}/${SEED_COMMAND}`, body, { operationID: 'redo-op' }),
      );
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, () =>
        postLikeOpenIM(`${callbackUrl}/${SEED_COMMAND}`, body, { operationID: 'redo-op-2' }),
      ),
    );
    assert.ok([...sequential, ...concurrent].every((a) => a.status === 200 && a.body === SUCCESS_BODY));
    assert.equal(
      (await getJson<Page<EventRecord>>('/api/v1/events?operationID=redo-op')).body.items.length,
      1,
    );
    assert.equal(
      (await getJson<Page<EventRecord>>('/api/v1/events?operationID=redo-op-2')).body.items.length,
      1,
    );
    // A different operationID is a different trigger: kept in the log, the conversation row counts it.
    assert.equal(
      (await getJson<ConversationRecord>('/api/v1/conversations/redo1/si_redo1_redo2')).body.timesSeen,
      2,
    );
  });
});

describe('refusals over real HTTP', () => {
  const url = () => `${callbackUrl}/${SEED_COMMAND}`;
  const cases: [string, () => Promise<{ status: number; body: string }>, ErrorName][] = [
    ['GET', () => postLikeOpenIM(url(), '', { method: 'GET' }), 'METHOD_NOT_ALLOWED'],
    ['unknown command', () => postLikeOpenIM(`${callbackUrl}/callbackNope`, SEED_BODY), 'UNKNOWN_COMMAND'],
    [
      'text/plain',
      () => postLikeOpenIM(url(), SEED_BODY, { headers: { 'Content-Type': 'text/plain' } }),
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['declared 2 MiB', () => postLikeOpenIM(url(), Buffer.alloc(2 * 1024 * 1024, 0x20)), 'BODY_TOO_LARGE'],
    ['chunked over the limit', () => postChunked(url(), 2 * 1024 * 1024), 'BODY_TOO_LARGE'],
    ['not JSON', () => postLikeOpenIM(url(), 'hello'), 'INVALID_JSON'],
    [
      '__proto__',
      () => postLikeOpenIM(url(), SEED_BODY.replace('{', '{"__proto__":{"x":1},')),
      'FORBIDDEN_KEY',
    ],
  ];
  for (const [name, send, error] of cases) {
    it(`${name} → ${ERROR_CODES[error].status} ${error}, nothing recorded`, async () => {
      const before = await eventTotal();
      const answer = await send();
      assert.equal(answer.status, ERROR_CODES[error].status);
      const pkg = JSON.parse(answer.body) as { errCode: number; actionCode: number; nextCode: number };
      assert.equal(pkg.errCode, ERROR_CODES[error].errCode);
      assert.ok(!(pkg.actionCode === 0 && pkg.nextCode === 1), 'an error answer must not block OpenIM');
      assert.equal(await eventTotal(), before);
    });
  }

  it('wrong field types → 400 VALIDATION_FAILED naming the field, and kept in the event log (never lose it)', async () => {
    const before = await eventTotal();
    const answer = await postLikeOpenIM(url(), SEED_BODY.replace('"isPinned":false', '"isPinned":"false"'));
    assert.equal(answer.status, 400);
    const pkg = JSON.parse(answer.body) as { errCode: number; errDlt: string; nextCode: number };
    assert.equal(pkg.errCode, ERROR_CODES.VALIDATION_FAILED.errCode);
    assert.match(pkg.errDlt, /^isPinned: /);
    assert.equal(pkg.nextCode, 0);
    assert.equal(await eventTotal(), before + 1);
  });
});

/** Streams `size` bytes with chunked encoding (no Content-Length), as a client that lies about nothing but sends too much. */
function postChunked(url: string, size: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('an unexpected failure inside the service', () => {
  it('is answered with the registry package (500, errCode 29017, nextCode 0), and the service goes on', async () => {
    const failing = await startService(
      { ...DEFAULT_CONFIG, port: 0, database: join(dir, 'failing.db'), logLevel: 'silent' },
      { answer: () => Promise.reject(new Error('a bug')) },
    );
    try {
      const answer = await postLikeOpenIM(`${failing.callbackUrl}/${SEED_COMMAND}`, SEED_BODY);
      assert.equal(answer.status, 500);
      assert.deepEqual(JSON.parse(answer.body), {
        actionCode: 0,
        errCode: ERROR_CODES.INTERNAL_ERROR.errCode,
        errMsg: ERROR_CODES.INTERNAL_ERROR.errMsg,
        errDlt: '',
        nextCode: 0,
      });
      assert.equal((await fetch(`${failing.url}/healthz`)).status, 200);
    } finally {
      await failing.close();
    }
  });
});

describe('query API', () => {
  it('pages with a cursor until nextCursor is null', async () => {
    for (let i = 0; i < 5; i++) {
      await postLikeOpenIM(`${callbackUrl}/${SEED_COMMAND}`, singleChatBody('pager', `peer${i}`), {
        operationID: `page-${i}`,
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/v1/conversations?ownerUserId=pager&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: Page<ConversationRecord> = (await getJson<Page<ConversationRecord>>(query)).body;
      seen.push(...page.items.map((r) => r.userId));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ['peer0', 'peer1', 'peer2', 'peer3', 'peer4']);
  });

  it('refuses a bad limit, an unknown parameter and a forged cursor with INVALID_QUERY', async () => {
    for (const query of ['limit=0', 'limit=1001', 'owner=x', 'cursor=bm9wZQ', 'seenAfter=yesterday']) {
      const answer = await getJson<{ errCode: number; errDlt: string }>(`/api/v1/conversations?${query}`);
      assert.equal(answer.status, 400, query);
      assert.equal(answer.body.errCode, ERROR_CODES.INVALID_QUERY.errCode, query);
    }
  });

  it('answers "is my callback arriving?" per command', async () => {
    const commands = await getJson<{ items: { callbackCommand: string; count: number }[] }>(
      '/api/v1/commands',
    );
    assert.ok((commands.body.items.find((c) => c.callbackCommand === SEED_COMMAND)?.count ?? 0) > 5);
  });

  it('reports health and readiness', async () => {
    assert.deepEqual((await getJson('/healthz')).body, { status: 'ok' });
    assert.deepEqual((await getJson('/readyz')).body, { status: 'ready' });
  });
});
