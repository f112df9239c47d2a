import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { validateRequest } from '../src/protocol/index.js';
import { createReceiver } from '../src/receiver/index.js';
import { parseJsonObject } from '../src/receiver/parse-json-object.js';
import { DEFAULT_CONFIG, startService } from '../src/service/index.js';
import { openSqliteStore } from '../src/store/index.js';
import { SEED_BODY } from './fixtures/seed.js';
import { checkAnswer, fuzzReceiver, requestArb } from './helpers/fuzz-requests.js';
import { sendRequest } from './helpers/openim-client.js';
import { tempDir } from './helpers/temp-dir.js';
import { consistently } from './helpers/consistent-store.js';

/** Fixed seed: `npm test` runs the same sample every time; `npm run fuzz` runs ≥ 100,000 with fresh seeds. */
const SEED = 20261127;

describe('validator and JSON parser (property)', () => {
  it('validateRequest never throws and accepts exactly the seed-shaped bodies', () => {
    const seed = JSON.parse(SEED_BODY) as Record<string, unknown>;
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(...Object.keys(seed), '__proto__', 'constructor', 'x'),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        (patch) => {
          const body = { ...seed, ...patch };
          const errors = validateRequest('callbackAfterCreateSingleChatConversationsCommand', body);
          assert.ok(Array.isArray(errors));
          if (Object.keys(patch).length === 0) assert.equal(errors.length, 0);
        },
      ),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('parseJsonObject never throws, never pollutes a prototype, and answers ok only for JSON objects', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.jsonValue().map((v) => new TextEncoder().encode(JSON.stringify(v) ?? '')),
        ),
        (bytes) => {
          const parsed = parseJsonObject(bytes);
          if (parsed.ok)
            assert.ok(
              typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value),
            );
          assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
        },
      ),
      { seed: SEED, numRuns: 3000 },
    );
    for (const text of [
      '{"__proto__":{"polluted":1}}',
      '{"a":{"\\u005f_proto__":{"polluted":1}}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
    ]) {
      const parsed = parseJsonObject(new TextEncoder().encode(text));
      assert.equal(parsed.ok, false);
      assert.equal(parsed.ok ? undefined : parsed.error, 'FORBIDDEN_KEY');
    }
  });
});

describe('authentication (property)', () => {
  it('any header values, addresses and paths give a JSON 200 or 401, never a throw', async () => {
    const receiver = createReceiver({
      auth: {
        pathSecrets: ['p1'],
        basic: ['u:w'],
        allowIps: ['10.0.0.0/8', '::1'],
        trustedProxies: ['10.0.0.1'],
        signature: { algorithm: 'hmac-sha256', keys: ['k'] },
        bodyHmac: { secrets: ['b'] },
      },
    });
    const text = fc.string({ unit: 'binary', maxLength: 80 });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          url: fc.oneof(
            text,
            fc.constant('/callbackExample/p1/callbackAfterCreateSingleChatConversationsCommand'),
          ),
          remoteAddress: fc.oneof(fc.ipV4(), fc.ipV6(), text),
          headers: fc.dictionary(
            fc.constantFrom(
              'authorization',
              'x-forwarded-for',
              'x-signature',
              'x-nonce',
              'x-openim-hooks-signature',
              'x-openim-hooks-timestamp',
            ),
            text,
          ),
        }),
        async ({ url, remoteAddress, headers }) => {
          const answer = await receiver.handle({
            method: 'POST',
            url,
            header: (name) => headers[name],
            body: new TextEncoder().encode(SEED_BODY),
            remoteAddress,
          });
          checkAnswer(answer);
          assert.ok(answer.status === 401 || answer.status === 200);
        },
      ),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

describe('the whole handler (fuzz, fixed seed)', () => {
  const store = consistently(openSqliteStore(join(tempDir(), 'fuzz.db')));
  after(() => store.close());

  it('3,000 generated requests in process: each answered with a complete JSON package, every well-formed one recorded once', async () => {
    const receiver = createReceiver({ recorder: store });
    const tally = await fuzzReceiver(receiver, { seed: SEED, count: 3000 });
    assert.equal(tally.requests, 3000);
    assert.ok(tally.recorded > 0 && tally.refused > 0, `both kinds exercised: ${JSON.stringify(tally)}`);
    const stored = (await store.listCommands()).reduce((sum, c) => sum + c.count, 0);
    assert.equal(
      stored,
      tally.recorded,
      'events in the store = well-formed callbacks that were not redeliveries',
    );
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'no prototype was polluted');
  });

  it('300 generated requests over a real socket: each answered with a complete JSON package', async () => {
    const service = await startService({
      ...DEFAULT_CONFIG,
      port: 0,
      database: join(tempDir(), 'fuzz-socket.db'),
      logLevel: 'silent',
    });
    try {
      const requests = fc.sample(requestArb, { seed: SEED + 1, numRuns: 300 });
      for (const request of requests) {
        const answer = await sendRequest(`${service.url}${request.url}`, {
          method: request.method,
          headers: { ...request.headers, 'content-length': String(request.body.byteLength) },
          body: request.body,
          timeoutMs: 5000,
        });
        if (new URL(request.url, 'http://x').pathname.startsWith('/api/')) continue;
        checkAnswer(answer);
      }
    } finally {
      await service.close();
    }
  });
});
