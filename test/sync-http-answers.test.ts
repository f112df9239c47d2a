import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../src/service/index.js';
import type { DeliveryRecord, Page } from '../src/store/index.js';
import { sendUniqueCallbacks } from './helpers/openim-client.js';
import { startServiceWithSinks } from './helpers/sync-service.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookConsumer } from './helpers/webhook-consumer.js';

const SECRET = `whsec_${Buffer.from('answers test secret 0123456789abcd').toString('base64')}`;
const dir = tempDir();

describe("how the HTTP sink reads its consumer's answers", () => {
  const consumer = new WebhookConsumer(SECRET);
  let service: RunningService;

  before(async () => {
    await consumer.start();
    service = await startServiceWithSinks(dir, 'answers', [
      { name: 'crm', url: consumer.url, secrets: [SECRET] },
    ]);
  });
  after(async () => {
    await service.close();
    await consumer.stop();
  });

  async function pending(): Promise<DeliveryRecord[]> {
    const page = (await (
      await fetch(`${service.url}/api/v1/deliveries?consistent=true&status=pending&sink=crm`)
    ).json()) as Page<DeliveryRecord>;
    return page.items;
  }

  it('counts a redirect as a failed attempt (never followed), then delivers once the consumer answers 2xx', async () => {
    consumer.status = 302;
    consumer.headers = { location: 'http://127.0.0.1:1/elsewhere' };
    assert.equal(await sendUniqueCallbacks(service.url, 'redirect', 1), 1);
    assert.ok(
      await waitFor(async () => (await pending())[0]?.lastError === 'HTTP 302'),
      'the 302 failed the attempt',
    );
    consumer.status = 200;
    consumer.headers = {};
    assert.ok(await waitFor(() => consumer.owners('redirect').size === 1), 'delivered on a retry');
  });

  it("honours 429's Retry-After: the next attempt is not due before it (a replay makes it due now)", async () => {
    consumer.status = 429;
    consumer.headers = { 'retry-after': '30' };
    assert.equal(await sendUniqueCallbacks(service.url, 'throttled', 1), 1);
    assert.ok(
      await waitFor(async () => (await pending())[0]?.lastError === 'HTTP 429'),
      'the 429 failed the attempt',
    );
    const [delivery] = await pending();
    // The test schedule's next retry would be 50-100 ms away; the consumer asked for 30 s.
    const waitMs = Date.parse(delivery?.nextAttemptAt ?? '') - Date.now();
    assert.ok(waitMs > 20_000, `next attempt in ${waitMs} ms`);
    consumer.status = 200;
    consumer.headers = {};
    // Rather than wait 30 s: an operator's replay makes it due now.
    const replay = await fetch(`${service.url}/api/v1/replay?eventId=${delivery?.eventId}`, {
      method: 'POST',
    });
    assert.deepEqual(await replay.json(), { replayed: 1 });
    assert.ok(await waitFor(() => consumer.owners('throttled').size === 1), 'delivered after the replay');
  });
});
