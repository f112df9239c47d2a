import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { DEFAULT_CONFIG, startService } from '../src/service/index.js';
import type { RunningService } from '../src/service/index.js';
import type { DeliveryRecord, Page as ListPage } from '../src/store/index.js';
import { parseSinkConfig } from '../src/sync/sink-config.js';
import { SEED_BODY, SEED_COMMAND, SUCCESS_BODY, singleChatBody } from './fixtures/seed.js';
import { launchBrowser } from './helpers/browser.js';
import { postLikeOpenIM } from './helpers/openim-client.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookConsumer } from './helpers/webhook-consumer.js';

/** Screenshots of every step, kept for a person to look at (git-ignored). */
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/dashboard/', import.meta.url));
mkdirSync(ARTIFACTS, { recursive: true });
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const WAIT = { timeout: 15_000 };
const dir = tempDir();

let browser: Awaited<ReturnType<typeof launchBrowser>>;
before(async () => {
  browser = await launchBrowser();
});
after(() => browser.close());

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

describe('the dashboard, in a real browser', () => {
  let service: RunningService;
  const consumer = new WebhookConsumer(SECRET);
  before(async () => {
    await consumer.start();
    consumer.status = 500; // the business server is down: the delivery is dead-lettered after two attempts
    service = await startService({
      ...DEFAULT_CONFIG,
      port: 0,
      database: join(dir, 'dashboard.db'),
      logLevel: 'silent',
      allowPrivateSinks: true,
      sinks: [
        parseSinkConfig({ name: 'crm', url: consumer.url, secrets: [SECRET], retrySchedule: ['50ms'] }, 0),
      ],
    });
  });
  after(async () => {
    await service.close();
    await consumer.stop();
  });

  it('shows a callback in the live feed as it arrives, then its exact body; a dead letter is replayed from the page', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${service.url}/`);
    await page.locator('#feed-state', { hasText: 'live' }).waitFor(WAIT);
    await shot(page, '1-feed-empty');

    const answer = await postLikeOpenIM(`${service.callbackUrl}/${SEED_COMMAND}`, SEED_BODY, {
      operationID: 'dash-op',
    });
    assert.equal(answer.body, SUCCESS_BODY);
    const row = page.locator('#feed-rows tr', { hasText: 'si_123228123_622925731' });
    await row.waitFor(WAIT); // no reload: it came over the event stream
    assert.match(await row.innerText(), /dash-op/);
    await shot(page, '2-feed-with-seed');

    await row.getByRole('link').click();
    await page.locator('#raw-body').waitFor(WAIT);
    assert.equal(
      await page.locator('#raw-body').textContent(),
      SEED_BODY,
      'the body byte for byte, newline included',
    );
    assert.equal(await page.locator('#operation-id').textContent(), 'dash-op');
    assert.match((await page.locator('#answer').textContent()) ?? '', /HTTP 200/);
    await shot(page, '3-event-detail');

    // The sink answered 500 twice: a dead letter.
    const dead = async () =>
      (
        (await (
          await fetch(`${service.url}/api/v1/deliveries?consistent=true&status=dead`)
        ).json()) as ListPage<DeliveryRecord>
      ).items;
    assert.ok(await waitFor(async () => (await dead()).length === 1), 'dead-lettered');
    const [letter] = await dead();
    consumer.status = 200; // the business server is fixed

    await page.goto(`${service.url}/#/sinks`);
    const replay = page.locator(`button.replay[data-event-id="${letter?.eventId}"]`);
    await replay.waitFor(WAIT);
    await shot(page, '4-sinks-dead-letter');
    await replay.click();
    await page.locator('#sink-table .delivered-count', { hasText: /^1$/ }).waitFor(WAIT);
    assert.equal(consumer.deliveries.size, 1, 'the business server got it, signed');
    await page.locator('section[data-sink="crm"] .attempts tr', { hasText: 'HTTP 200' }).waitFor(WAIT);
    await shot(page, '5-sinks-delivered');

    await page.goto(`${service.url}/#/commands`);
    await page.locator('#commands tr', { hasText: SEED_COMMAND }).waitFor(WAIT);
    await page.locator('#chart canvas').waitFor(WAIT);
    await shot(page, '6-commands-chart');
    await page.close();
  });

  it('filters the feed by owner and searches conversations', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${service.url}/#/?ownerUserId=filtered-owner`);
    await page.locator('#feed-state', { hasText: 'live' }).waitFor(WAIT);
    await postLikeOpenIM(`${service.callbackUrl}/${SEED_COMMAND}`, singleChatBody('other-owner', 'p'));
    await postLikeOpenIM(`${service.callbackUrl}/${SEED_COMMAND}`, singleChatBody('filtered-owner', 'p'));
    await page.locator('#feed-rows tr', { hasText: 'filtered-owner' }).waitFor(WAIT);
    assert.equal(await page.locator('#feed-rows tr', { hasText: 'other-owner' }).count(), 0);

    await page.goto(`${service.url}/#/conversations?ownerUserId=filtered-owner`);
    await page.locator('#conversations tr', { hasText: 'si_filtered-owner_p' }).waitFor(WAIT);
    await shot(page, '7-conversations');
    await page.close();
  });
});

describe('the dashboard with an API token', () => {
  it('asks for the token, keeps it in the session, never in the URL', async () => {
    const service = await startService({
      ...DEFAULT_CONFIG,
      port: 0,
      database: join(dir, 'token.db'),
      logLevel: 'silent',
      apiTokens: ['dashboard-token'],
    });
    const page = await browser.context.newPage();
    try {
      await page.goto(`${service.url}/`);
      await page.locator('#token-form').waitFor({ state: 'visible', ...WAIT });
      await shot(page, '8-token-form');
      await page.locator('#token').fill('dashboard-token');
      await page.locator('#token-form button').click();
      await page.locator('#feed-state', { hasText: 'live' }).waitFor(WAIT);
      await postLikeOpenIM(`${service.callbackUrl}/${SEED_COMMAND}`, SEED_BODY);
      await page.locator('#feed-rows tr', { hasText: 'si_123228123_622925731' }).waitFor(WAIT);
      assert.ok(!page.url().includes('dashboard-token'), 'not in the address');
      assert.equal(
        await page.evaluate("sessionStorage.getItem('openim-hooks-api-token')"),
        'dashboard-token',
      );
    } finally {
      await page.close();
      await service.close();
    }
  });
});
