import assert from 'node:assert/strict';
import { continueWith, createReceiver } from '../../src/receiver/index.js';
import type { Receiver } from '../../src/receiver/index.js';
import type { Store } from '../../src/store/index.js';
import { SEED_BODY, SEED_COMMAND, SUCCESS_BODY, singleChatBody } from '../fixtures/seed.js';
import { postLikeOpenIM } from './openim-client.js';

/** The receiver every adapter test mounts: the store, a small body limit, one before-callback that overrides. */
export function contractReceiver(store: Store): Receiver {
  return createReceiver({
    recorder: store,
    maxBodyBytes: 4096,
    handlers: { callbackBeforeCreateSingleChatConversationsCommand: () => continueWith({ isPinned: true }) },
  });
}

/**
 * The seed's contract through a framework over real HTTP: the seed callback answered with the success package and
 * stored byte for byte, a redelivery stored once, a before-callback's override in the answer, and refusals in
 * OpenIM's package with our codes. `tag` keeps each framework's operationIDs apart in a shared store.
 */
export async function runSeedContract(base: string, store: Store, tag: string): Promise<void> {
  const seed = await postLikeOpenIM(`${base}/${SEED_COMMAND}`, SEED_BODY, { operationID: `seed-${tag}` });
  assert.equal(seed.status, 200);
  assert.equal(seed.body, SUCCESS_BODY);
  assert.match(String(seed.headers['content-type']), /^application\/json/);
  const again = await postLikeOpenIM(`${base}/${SEED_COMMAND}`, SEED_BODY, { operationID: `seed-${tag}` });
  assert.equal(again.body, SUCCESS_BODY);
  const events = await store.listEvents({ operationID: `seed-${tag}` });
  assert.equal(events.items.length, 1, 'a redelivery is stored once');
  assert.equal(events.items[0]?.rawBody, SEED_BODY, 'the exact bytes');

  const before = 'callbackBeforeCreateSingleChatConversationsCommand';
  const pinned = await postLikeOpenIM(`${base}/${before}`, singleChatBody(`a-${tag}`, 'b', before));
  assert.equal((JSON.parse(pinned.body) as { isPinned: boolean }).isPinned, true);

  const refusals: [string, string, number, number][] = [
    [SEED_COMMAND, '{"truncated":', 400, 29006],
    ['callbackNoSuchCommand', SEED_BODY, 404, 29003],
    [SEED_COMMAND, `{"pad":"${'x'.repeat(5000)}"}`, 413, 29005],
  ];
  for (const [command, body, status, errCode] of refusals) {
    const answer = await postLikeOpenIM(`${base}/${command}`, body);
    assert.equal(answer.status, status, `${command} ${body.slice(0, 20)}: ${answer.body}`);
    const pkg = JSON.parse(answer.body) as { errCode: number; nextCode: number };
    assert.equal(pkg.errCode, errCode);
    assert.equal(pkg.nextCode, 0);
  }
}
