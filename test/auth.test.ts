import assert from 'node:assert/strict';
import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ERROR_CODES, isBlocking } from '../src/protocol/index.js';
import type { AcceptedCallback, Recorder } from '../src/protocol/index.js';
import { createReceiver, signBody, toFetchHandler } from '../src/receiver/index.js';
import type { AuthOptions, RawRequest, ReceiverOptions, SignatureAlgorithm } from '../src/receiver/index.js';
import { createEmitter, resolveWebhooksConfig, simulateSingleChatCreation } from '../src/emitter/index.js';
import { DEFAULT_CONFIG, startService } from '../src/service/index.js';
import { SEED_BODY, SEED_COMMAND, SUCCESS_BODY } from './fixtures/seed.js';
import { postLikeOpenIM, sendRequest } from './helpers/openim-client.js';
import { runCli, startServiceProcess } from './helpers/service-process.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';
import { consistently } from './helpers/consistent-store.js';

const NOW = 1_764_000_000_000;

/** A recorder that remembers what it was given: a refused request must leave it empty. */
function memoryRecorder(): Recorder & { recorded: AcceptedCallback[] } {
  const recorded: AcceptedCallback[] = [];
  return {
    recorded,
    record: async (callback) => {
      recorded.push(callback);
      return { eventId: recorded.length, duplicate: false };
    },
  };
}

function receiverWith(auth: AuthOptions, extra: ReceiverOptions = {}) {
  const recorder = memoryRecorder();
  const receiver = createReceiver({ recorder, auth: { now: () => NOW, ...auth }, ...extra });
  return { receiver, recorder };
}

function request(
  options: { url?: string; headers?: Record<string, string>; body?: string; remoteAddress?: string } = {},
): RawRequest {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    operationid: 'auth-op',
    ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  };
  return {
    method: 'POST',
    url: options.url ?? `/callbackExample/${SEED_COMMAND}`,
    header: (name) => headers[name],
    body: new TextEncoder().encode(options.body ?? SEED_BODY),
    remoteAddress: options.remoteAddress ?? '127.0.0.1',
  };
}

/** A 401 is the JSON package with our errCode, never the blocking actionCode 0 + nextCode 1. */
function assertUnauthorized(answer: { status: number; body: string }, detail?: RegExp): void {
  assert.equal(answer.status, 401);
  const pkg = JSON.parse(answer.body) as {
    actionCode: number;
    nextCode: number;
    errCode: number;
    errDlt: string;
  };
  assert.equal(pkg.errCode, ERROR_CODES.UNAUTHORIZED.errCode);
  assert.equal(isBlocking(pkg), false);
  if (detail) assert.match(pkg.errDlt, detail);
}

const basic = (credential: string) => ({
  authorization: `Basic ${Buffer.from(credential).toString('base64')}`,
});

describe('secret path segment', () => {
  it('accepts {base}/{secret}/{command} with any active secret, refuses the rest and records nothing for them', async () => {
    const { receiver, recorder } = receiverWith({ pathSecrets: ['old-secret', 'new-secret'] });
    for (const secret of ['old-secret', 'new-secret']) {
      const answer = await receiver.handle(
        request({ url: `/callbackExample/${secret}/${SEED_COMMAND}?contenttype=json` }),
      );
      assert.equal(answer.status, 200);
      assert.equal(answer.body, SUCCESS_BODY);
    }
    assert.equal(recorder.recorded.length, 2);
    for (const url of [
      `/callbackExample/${SEED_COMMAND}`,
      `/callbackExample/wrong/${SEED_COMMAND}`,
      `/callbackExample/new-secre/${SEED_COMMAND}`,
      '/callbackExample',
    ]) {
      assertUnauthorized(await receiver.handle(request({ url })), /path segment/);
    }
    assert.equal(recorder.recorded.length, 2);
  });

  it('tolerates the trailing slash of OpenIM url (`…/<secret>//<command>`)', async () => {
    const { receiver } = receiverWith({ pathSecrets: ['s'] });
    assert.equal(
      (await receiver.handle(request({ url: `/callbackExample/s//${SEED_COMMAND}` }))).status,
      200,
    );
  });
});

describe('HTTP Basic, as OpenIM sends it from the url userinfo', () => {
  it('accepts every configured pair and refuses a wrong, missing or malformed one', async () => {
    const { receiver, recorder } = receiverWith({ basic: ['openim:pass-1', 'openim:pass-2'] });
    assert.equal((await receiver.handle(request({ headers: basic('openim:pass-1') }))).status, 200);
    assert.equal((await receiver.handle(request({ headers: basic('openim:pass-2') }))).status, 200);
    for (const headers of [
      {},
      basic('openim:pass-3'),
      basic('openim'),
      { authorization: 'Bearer x' },
      { authorization: 'Basic !!!' },
    ]) {
      assertUnauthorized(await receiver.handle(request({ headers })), /Basic/);
    }
    assert.equal(recorder.recorded.length, 2);
  });
});

describe('IP allow-list and trusted proxies', () => {
  const { receiver } = receiverWith({
    allowIps: ['10.0.0.0/8', '2001:db8::/32'],
    trustedProxies: ['172.16.0.1'],
  });
  const status = async (remoteAddress: string, forwardedFor?: string) =>
    (
      await receiver.handle(
        request({ remoteAddress, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }),
      )
    ).status;

  it('lets in addresses of the list (IPv4, IPv4-mapped IPv6, IPv6) and nobody else', async () => {
    assert.equal(await status('10.1.2.3'), 200);
    assert.equal(await status('::ffff:10.1.2.3'), 200);
    assert.equal(await status('2001:db8::7'), 200);
    assert.equal(await status('192.168.1.1'), 401);
    assert.equal(await status('127.0.0.1'), 401);
  });

  it('believes X-Forwarded-For only from a trusted proxy, and only its right-most untrusted hop', async () => {
    assert.equal(await status('192.168.1.1', '10.0.0.5'), 401, 'an untrusted peer cannot claim an address');
    assert.equal(await status('172.16.0.1', '1.2.3.4, 10.0.0.5'), 200);
    assert.equal(
      await status('172.16.0.1', '10.0.0.5, 1.2.3.4'),
      401,
      'a client-written left hop is never believed',
    );
    assert.equal(await status('172.16.0.1'), 401, 'the proxy itself is not in the list');
  });

  it('refuses a malformed range at construction', () => {
    assert.throws(() => createReceiver({ auth: { allowIps: ['10.0.0.0/33'] } }), RangeError);
    assert.throws(() => createReceiver({ auth: { allowIps: ['not-an-ip'] } }), RangeError);
  });
});

describe('OpenIM commercial edition signature over the nonce', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = (key: typeof rsa.publicKey) => key.export({ type: 'spki', format: 'pem' }).toString();
  const setups: {
    algorithm: SignatureAlgorithm;
    keys: string[];
    sign: (nonce: string, key?: number) => Buffer;
  }[] = [
    ...(['hmac-sha1', 'hmac-sha256', 'hmac-sha512'] as const).map((algorithm) => ({
      algorithm,
      keys: ['secret-a', 'secret-b'],
      sign: (nonce: string, key = 0) =>
        createHmac(algorithm.slice(5), ['secret-a', 'secret-b'][key] ?? '')
          .update(nonce)
          .digest(),
    })),
    {
      algorithm: 'rsa-sha256',
      keys: [pem(rsa.publicKey)],
      sign: (nonce) => createSign('sha256').update(nonce).sign(rsa.privateKey),
    },
    {
      algorithm: 'ecdsa-sha256',
      keys: [pem(ec.publicKey)],
      sign: (nonce) => createSign('sha256').update(nonce).sign(ec.privateKey),
    },
  ];

  for (const setup of setups) {
    it(`${setup.algorithm}: verifies, then refuses tampering, replay, stale and future nonces`, async () => {
      const { receiver, recorder } = receiverWith({
        signature: {
          algorithm: setup.algorithm,
          keys: setup.keys,
          signatureHeader: 'X-OpenIM-Sign',
          nonceHeader: 'X-OpenIM-Nonce',
        },
      });
      const send = (nonce: string, signature: string) =>
        receiver.handle(request({ headers: { 'x-openim-sign': signature, 'x-openim-nonce': nonce } }));
      const nonce = `${NOW}-a1b2c3`;
      assert.equal((await send(nonce, setup.sign(nonce).toString('hex'))).status, 200);
      const second = `${Math.floor(NOW / 1000)}.${'f'.repeat(16)}`;
      assert.equal(
        (await send(second, setup.sign(second).toString('base64'))).status,
        200,
        'base64 and seconds work too',
      );
      assertUnauthorized(await send(nonce, setup.sign(nonce).toString('hex')), /replay/);
      const third = `${NOW}-zzz`;
      assertUnauthorized(await send(third, setup.sign(`${NOW}-zzy`).toString('hex')), /does not verify/);
      const stale = `${NOW - 301_000}-old`;
      assertUnauthorized(await send(stale, setup.sign(stale).toString('hex')), /freshness/);
      const future = `${NOW + 301_000}-new`;
      assertUnauthorized(await send(future, setup.sign(future).toString('hex')), /freshness/);
      const timeless = 'no-time-here';
      assertUnauthorized(await send(timeless, setup.sign(timeless).toString('hex')), /no time/);
      assertUnauthorized(await receiver.handle(request()), /missing/);
      assert.equal(recorder.recorded.length, 2);
    });
  }

  it('accepts a signature made with either of two HMAC secrets (rotation)', async () => {
    const setup = setups[1];
    assert.ok(setup);
    const { receiver } = receiverWith({ signature: { algorithm: setup.algorithm, keys: setup.keys } });
    for (const key of [0, 1]) {
      const nonce = `${NOW}-${key}`;
      const answer = await receiver.handle(
        request({ headers: { 'x-signature': setup.sign(nonce, key).toString('hex'), 'x-nonce': nonce } }),
      );
      assert.equal(answer.status, 200);
    }
  });

  it('reads the time from a timestamp header when one is configured', async () => {
    const { receiver } = receiverWith({
      signature: { algorithm: 'hmac-sha256', keys: ['k'], timestampHeader: 'x-timestamp' },
    });
    const sig = (nonce: string) => createHmac('sha256', 'k').update(nonce).digest('hex');
    const send = (timestamp: string) =>
      receiver.handle(
        request({ headers: { 'x-signature': sig('random'), 'x-nonce': 'random', 'x-timestamp': timestamp } }),
      );
    assert.equal((await send(String(NOW))).status, 200);
    assert.equal((await send(String(NOW - 400_000))).status, 401);
  });
});

describe('body-binding HMAC of our own emitter', () => {
  it('verifies the exact bytes with any active secret and refuses altered bodies, stale timestamps and replays', async () => {
    const { receiver, recorder } = receiverWith({ bodyHmac: { secrets: ['one', 'two'] } });
    const seconds = Math.floor(NOW / 1000);
    const signed = signBody(['two'], SEED_BODY, seconds);
    assert.equal((await receiver.handle(request({ headers: signed }))).status, 200);
    assertUnauthorized(await receiver.handle(request({ headers: signed })), /replay/);
    const altered = SEED_BODY.replace('"isPinned":false', '"isPinned":true');
    assertUnauthorized(
      await receiver.handle(request({ headers: signBody(['two'], SEED_BODY, seconds + 1), body: altered })),
      /does not verify/,
    );
    assertUnauthorized(
      await receiver.handle(request({ headers: signBody(['one'], SEED_BODY.trimEnd(), seconds + 2) })),
      /does not verify/,
    );
    assertUnauthorized(
      await receiver.handle(request({ headers: signBody(['one'], SEED_BODY, seconds - 301) })),
      /freshness/,
    );
    assertUnauthorized(
      await receiver.handle(request({ headers: signBody(['three'], SEED_BODY, seconds + 3) })),
      /does not verify/,
    );
    assert.equal(
      (await receiver.handle(request({ headers: signBody(['old', 'one'], SEED_BODY, seconds + 4) }))).status,
      200,
    );
    assert.equal(recorder.recorded.length, 2);
  });
});

describe('checks combine', () => {
  it('needs every configured check to pass', async () => {
    const { receiver } = receiverWith({ pathSecrets: ['p'], basic: ['u:w'], allowIps: ['127.0.0.1'] });
    const url = `/callbackExample/p/${SEED_COMMAND}`;
    assert.equal((await receiver.handle(request({ url, headers: basic('u:w') }))).status, 200);
    assert.equal((await receiver.handle(request({ url }))).status, 401);
    assert.equal((await receiver.handle(request({ headers: basic('u:w') }))).status, 401);
    assert.equal(
      (await receiver.handle(request({ url, headers: basic('u:w'), remoteAddress: '10.9.9.9' }))).status,
      401,
    );
  });
});

describe('the Web adapter', () => {
  it('applies the same checks, with the client address it is given', async () => {
    const { receiver, recorder } = receiverWith({ pathSecrets: ['s1'], allowIps: ['10.0.0.0/8'] });
    const handle = toFetchHandler(receiver, {
      remoteAddress: (req) => req.headers.get('x-test-peer') ?? undefined,
    });
    const post = (path: string, peer: string) =>
      handle(
        new Request(`http://hooks.test${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', 'x-test-peer': peer },
          body: SEED_BODY,
        }),
      );
    assert.equal((await post(`/callbackExample/s1/${SEED_COMMAND}`, '10.1.1.1')).status, 200);
    const wrongPeer = await post(`/callbackExample/s1/${SEED_COMMAND}`, '192.168.0.1');
    assertUnauthorized({ status: wrongPeer.status, body: await wrongPeer.text() }, /not allowed/);
    const wrongSecret = await post(`/callbackExample/s2/${SEED_COMMAND}`, '10.1.1.1');
    assertUnauthorized({ status: wrongSecret.status, body: await wrongSecret.text() }, /path segment/);
    assert.equal(recorder.recorded.length, 1);
  });
});

describe('our emitter, signing the body for the receiver', () => {
  it('is let in with the secret and refused (401, nothing recorded) without it', async () => {
    const service = await startService({
      ...DEFAULT_CONFIG,
      port: 0,
      database: join(tempDir(), 'emitter-hmac.db'),
      logLevel: 'silent',
      bodyHmacSecrets: ['emitter-secret'],
    });
    try {
      const config = resolveWebhooksConfig({ url: service.callbackUrl, enableAll: true });
      const signed = createEmitter({
        config,
        attemptHeaders: (body) => Object.entries(signBody(['emitter-secret'], body)).flat(),
      });
      await simulateSingleChatCreation(signed, { sendID: 'hmac-a', recvID: 'hmac-b' });
      await signed.close();
      const recorded = (await consistently(service.store).listEvents({ limit: 100 })).items.length;
      assert.ok(recorded >= 2, `the signed callbacks were recorded (${recorded})`);

      const statuses: (number | null)[] = [];
      const unsigned = createEmitter({ config, onOutcome: (outcome) => statuses.push(outcome.status) });
      await simulateSingleChatCreation(unsigned, { sendID: 'hmac-c', recvID: 'hmac-d' });
      await unsigned.close();
      assert.ok(statuses.length > 0 && statuses.every((status) => status === 401), JSON.stringify(statuses));
      assert.equal(
        (await consistently(service.store).listEvents({ limit: 100 })).items.length,
        recorded,
        'nothing more recorded',
      );
    } finally {
      await service.close();
    }
  });
});

describe('the service', () => {
  it('refuses to start on a non-loopback address with no authentication, and says how to fix it', async () => {
    await assert.rejects(
      runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--database', join(tempDir(), 'x.db')]),
      (error: Error & { code?: number; stderr?: string }) => {
        assert.equal(error.code, 2);
        assert.match(error.stderr ?? '', /--allow-unauthenticated/);
        return true;
      },
    );
  });

  it('answers OpenIM 401 over HTTP for wrong Basic credentials, 200 for right ones, and logs at most a line a second', async () => {
    const service = await startServiceProcess(['--database', join(tempDir(), 'basic.db')], {
      env: { OPENIM_HOOKS_BASIC_AUTH: 'openim:s3cret', OPENIM_HOOKS_API_TOKENS: 'api-token' },
    });
    try {
      const url = `${service.url}/callbackExample/${SEED_COMMAND}`;
      const started = Date.now();
      for (let i = 0; i < 40; i++) {
        const answer = await postLikeOpenIM(url, SEED_BODY, {
          operationID: `bad-${i}`,
          headers: { Authorization: basic('openim:guess')['authorization'] },
        });
        assertUnauthorized(answer);
      }
      const elapsedSeconds = (Date.now() - started) / 1000;
      const ok = await postLikeOpenIM(url, SEED_BODY, {
        operationID: 'good',
        headers: { Authorization: basic('openim:s3cret')['authorization'] },
      });
      assert.equal(ok.status, 200);

      assert.equal((await fetch(`${service.url}/api/v1/commands?consistent=true`)).status, 401);
      const api = await fetch(`${service.url}/api/v1/events?consistent=true`, {
        headers: { authorization: 'Bearer api-token' },
      });
      assert.equal(api.status, 200);
      const events = (await api.json()) as { items: { operationID: string }[] };
      assert.deepEqual(
        events.items.map((e) => e.operationID),
        ['good'],
        'refused callbacks recorded nothing',
      );

      // Log lines are written in chunks, at the latest a second later.
      const refused = () =>
        service
          .logs()
          .split('\n')
          .filter((line) => line.includes('"UNAUTHORIZED"'));
      await waitFor(() => refused().length >= 1, 5_000);
      const refusedLines = refused();
      assert.ok(
        refusedLines.length >= 1 && refusedLines.length <= Math.ceil(elapsedSeconds) + 1,
        `${refusedLines.length} lines in ${elapsedSeconds} s`,
      );
    } finally {
      await service.stop();
    }
  });

  it('open on loopback, the API still refuses a foreign Host (DNS rebinding) or a cross-site Origin', async () => {
    const service = await startService({
      ...DEFAULT_CONFIG,
      port: 0,
      database: join(tempDir(), 'rebind.db'),
      logLevel: 'silent',
    });
    try {
      const get = async (headers: Record<string, string>) =>
        (await sendRequest(`${service.url}/api/v1/commands?consistent=true`, { headers })).status;
      const port = new URL(service.url).port;
      assert.equal(await get({}), 200);
      assert.equal(await get({ host: `localhost:${port}` }), 200);
      assert.equal(await get({ host: `attacker.example:${port}` }), 401);
      assert.equal(await get({ origin: 'http://attacker.example' }), 401);
      assert.equal(await get({ origin: `http://127.0.0.1:${port}` }), 200);
    } finally {
      await service.close();
    }
  });

  it('requires a bearer token for the query API when tokens are configured, even on loopback', async () => {
    const service = await startService({
      ...DEFAULT_CONFIG,
      port: 0,
      database: join(tempDir(), 'api.db'),
      logLevel: 'silent',
      apiTokens: ['t1', 't2'],
    });
    try {
      const get = (token?: string) =>
        fetch(
          `${service.url}/api/v1/commands?consistent=true`,
          token ? { headers: { authorization: `Bearer ${token}` } } : {},
        );
      const denied = await get();
      assert.equal(denied.status, 401);
      assert.equal(((await denied.json()) as { errCode: number }).errCode, ERROR_CODES.UNAUTHORIZED.errCode);
      assert.equal((await get('t3')).status, 401);
      assert.equal((await get('t2')).status, 200);
      assert.equal((await fetch(`${service.url}/healthz`)).status, 200, 'health checks stay open');
    } finally {
      await service.close();
    }
  });
});

describe('hostile input at the edges', () => {
  it('a query API filter holding SQL matches nothing, and a forged log line in a path stays one escaped JSON value', async () => {
    const service = await startServiceProcess(['--database', join(tempDir(), 'edges.db')]);
    try {
      const url = `${service.url}/callbackExample/${SEED_COMMAND}`;
      assert.equal((await postLikeOpenIM(url, SEED_BODY, { operationID: 'edge-1' })).status, 200);
      for (const value of ["' OR 1=1 --", '123228123" OR "1"="1', '%']) {
        const answer = await fetch(
          `${service.url}/api/v1/conversations?consistent=true&ownerUserId=${encodeURIComponent(value)}`,
        );
        assert.equal(answer.status, 200);
        assert.deepEqual(((await answer.json()) as { items: unknown[] }).items, []);
      }
      const forged = encodeURIComponent('x\n{"level":60,"msg":"forged"}');
      const refused = await postLikeOpenIM(`${service.url}/callbackExample/${forged}`, SEED_BODY, {
        operationID: 'edge-2',
      });
      assert.equal(refused.status, 404);
      for (let i = 0; i < 50 && !service.logs().includes('UNKNOWN_COMMAND'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.match(
        service.logs(),
        /UNKNOWN_COMMAND.*forged/,
        'the refusal was logged, the forged text inside it',
      );
      const lines = service
        .logs()
        .split('\n')
        .filter((line) => line.trim() !== '');
      for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `not one JSON line: ${line}`);
      assert.ok(!lines.some((line) => (JSON.parse(line) as { msg?: string }).msg === 'forged'));
    } finally {
      await service.stop();
    }
  });
});
