import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createReceiver } from '../src/receiver/index.js';
import type { AuthOptions } from '../src/receiver/index.js';
import { SEED_BODY, SEED_COMMAND } from './fixtures/seed.js';

interface Vectors {
  now: number;
  groups: {
    name: string;
    auth: AuthOptions;
    vectors: { name: string; headers: Record<string, string>; body?: string; expect: number }[];
  }[];
}

/** The published vectors (scripts/gen-signature-vectors.ts wrote them): each replayed in order, clock fixed. */
const VECTORS = JSON.parse(
  readFileSync(new URL('./fixtures/signature-vectors.json', import.meta.url), 'utf8'),
) as Vectors;

describe('signature test vectors', () => {
  it('there are at least 25 of them', () => {
    assert.ok(VECTORS.groups.reduce((n, g) => n + g.vectors.length, 0) >= 25);
  });

  for (const group of VECTORS.groups) {
    it(`${group.name}: ${group.vectors.length} vectors answer as published`, async () => {
      const receiver = createReceiver({ auth: { ...group.auth, now: () => VECTORS.now } });
      for (const vector of group.vectors) {
        const headers: Record<string, string> = {
          'content-type': 'application/json; charset=utf-8',
          operationid: `vector-${vector.name}`,
          ...vector.headers,
        };
        const answer = await receiver.handle({
          method: 'POST',
          url: `/callbackExample/${SEED_COMMAND}`,
          header: (name) => headers[name],
          body:
            vector.body === undefined
              ? new TextEncoder().encode(SEED_BODY)
              : Buffer.from(vector.body, 'base64'),
          remoteAddress: '127.0.0.1',
        });
        assert.equal(answer.status, vector.expect, `${group.name}: ${vector.name}: ${answer.body}`);
      }
    });
  }
});
