import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, DEFAULT_CONFIG, startService } from '../src/service/index.js';
import type { RunningService } from '../src/service/index.js';
import type { DeliveryRecord, EventRecord, Page } from '../src/store/index.js';
import { SinkConfigError, parseSinkConfig } from '../src/sync/sink-config.js';
import { SUCCESS, startServer } from './emitter-servers.js';
import type { CapturedRequest, TestServer } from './emitter-servers.js';
import { SEED_BODY, SEED_COMMAND, SUCCESS_BODY } from './fixtures/seed.js';
import { postLikeOpenIM } from './helpers/openim-client.js';
import { startServiceWithSinks } from './helpers/sync-service.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';

const dir = tempDir();
const SECRET = `whsec_${Buffer.from('openim-hooks test secret 0123456789').toString('base64')}`;

/** A header's value in the order and spelling it arrived. */
function header(request: CapturedRequest | undefined, name: string): string | undefined {
  const index = request?.rawHeaders.findIndex((h) => h === name) ?? -1;
  return index < 0 ? undefined : request?.rawHeaders[index + 1];
}

function names(request: CapturedRequest | undefined): string[] {
  return (request?.rawHeaders ?? []).filter((_, i) => i % 2 === 0);
}

describe('OpenIM-format sinks: one receiver fans OpenIM out to several business servers', () => {
  let crm: TestServer;
  let billing: TestServer;
  let service: RunningService;
  let billingFailures = 1;

  before(async () => {
    crm = await startServer((_request, res) => res.end(SUCCESS));
    billing = await startServer((_request, res) => {
      if (billingFailures-- > 0) res.writeHead(500).end('<html>restarting</html>');
      else res.end(SUCCESS);
    });
    service = await startServiceWithSinks(dir, 'openim', [
      { name: 'crm', url: `openim+http://127.0.0.1:${crm.port}/crm/openim` },
      { name: 'billing', url: `openim+http://ops:s3cret@127.0.0.1:${billing.port}/hooks` },
    ]);
  });
  after(async () => {
    await service.close();
    await crm.close();
    await billing.close();
  });

  it("each gets exactly what OpenIM posted: path, OpenIM's headers, operationID, the body bytes", async () => {
    const answer = await postLikeOpenIM(`${service.url}/callbackExample/${SEED_COMMAND}`, SEED_BODY, {
      operationID: 'op-fan-out',
    });
    assert.equal(answer.body, SUCCESS_BODY);
    assert.ok(await waitFor(() => crm.requests.length === 1 && billing.requests.length === 2));

    const events = (await (
      await fetch(`${service.url}/api/v1/events?consistent=true`)
    ).json()) as Page<EventRecord>;
    const eventId = `evt_${events.items[0]?.idempotencyKey.slice(0, 32)}`;
    const [toCrm] = crm.requests;
    assert.equal(toCrm?.path, `/crm/openim/${SEED_COMMAND}`);
    assert.ok(toCrm?.body.equals(Buffer.from(SEED_BODY, 'utf8')), 'byte-identical body');
    assert.deepEqual(names(toCrm), [
      'Host',
      'User-Agent',
      'Content-Length',
      'Content-Type',
      'Operationid',
      'Accept-Encoding',
      'Openim-Hooks-Event-Id',
    ]);
    assert.equal(header(toCrm, 'User-Agent'), 'Go-http-client/1.1');
    assert.equal(header(toCrm, 'Content-Type'), 'application/json; charset=utf-8');
    assert.equal(header(toCrm, 'Operationid'), 'op-fan-out');
    assert.equal(header(toCrm, 'Openim-Hooks-Event-Id'), eventId);

    const [failed, retried] = billing.requests;
    assert.equal(retried?.path, `/hooks/${SEED_COMMAND}`);
    assert.equal(header(retried, 'Authorization'), `Basic ${Buffer.from('ops:s3cret').toString('base64')}`);
    assert.ok(failed?.body.equals(retried?.body ?? Buffer.alloc(0)), 'the retry sends the same bytes');
    assert.equal(header(failed, 'Openim-Hooks-Event-Id'), eventId);
    assert.equal(header(retried, 'Openim-Hooks-Event-Id'), eventId);
  });

  it('a failing answer is retried, and the sinks report without credentials', async () => {
    const delivered = async () =>
      (
        (await (
          await fetch(`${service.url}/api/v1/deliveries?consistent=true&status=delivered&sink=billing`)
        ).json()) as Page<DeliveryRecord>
      ).items;
    assert.ok(await waitFor(async () => (await delivered()).length === 1));
    assert.equal((await delivered())[0]?.attempts, 2, 'the 500 and the retry');
    const sinks = (await (await fetch(`${service.url}/api/v1/sinks?consistent=true`)).json()) as {
      items: { name: string; kind: string; target: string }[];
    };
    assert.deepEqual(
      sinks.items.map(({ name, kind, target }) => ({ name, kind, target })),
      [
        { name: 'crm', kind: 'openim', target: `http://127.0.0.1:${crm.port}/crm/openim` },
        { name: 'billing', kind: 'openim', target: `http://127.0.0.1:${billing.port}/hooks` },
      ],
    );
  });
});

describe('OpenIM-format sinks: the SSRF guard and the config', () => {
  it('refuses to start with a loopback sink unless private sinks are allowed, naming the flag and the setting', async () => {
    const crm = await startServer((_request, res) => res.end(SUCCESS));
    try {
      await assert.rejects(
        startService({
          ...DEFAULT_CONFIG,
          port: 0,
          database: join(dir, 'guarded.db'),
          logLevel: 'silent',
          sinks: [parseSinkConfig({ name: 'crm', url: `openim+${crm.url}`, retrySchedule: ['1s'] }, 0)],
        }),
        (error: Error) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, /sink crm: 127\.0\.0\.1/);
          assert.match(error.message, /allowPrivateSinks/);
          assert.match(error.message, /--allow-private-sinks/);
          return true;
        },
      );
      assert.equal(crm.requests.length, 0);
    } finally {
      await crm.close();
    }
  });

  it('takes openim+http(s):// URLs, without secrets (OpenIM does not sign)', () => {
    assert.equal(parseSinkConfig({ name: 'a', url: 'openim+https://crm.example.com/openim' }, 0).name, 'a');
    assert.throws(
      () => parseSinkConfig({ name: 'a', url: 'openim+ftp://crm.example.com' }, 0),
      SinkConfigError,
    );
    assert.throws(
      () => parseSinkConfig({ name: 'a', url: 'openim+http://crm.example.com', secrets: [SECRET] }, 0),
      SinkConfigError,
    );
  });
});
