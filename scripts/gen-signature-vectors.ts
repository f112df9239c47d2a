/**
 * Writes test/fixtures/signature-vectors.json: published test vectors of the receiver's signature checks (OpenIM
 * commercial nonce signature and our body HMAC). Each vector is one request replayed in order against one receiver
 * per group with a fixed clock; `expect` is the HTTP status. Keys are generated once per run: the file, not this
 * script, is the reference.
 */
import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { signBody } from '../src/receiver/index.js';
import { SEED_BODY } from '../test/fixtures/seed.js';

const NOW = 1_764_000_000_000;
const SECONDS = NOW / 1000;
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
const hmac = (hash: string, key: string, nonce: string) => createHmac(hash, key).update(nonce).digest();

interface Vector {
  name: string;
  headers: Record<string, string>;
  /** base64 of the body bytes (default: the seed body) */
  body?: string;
  expect: 200 | 400 | 401;
}
interface Group {
  name: string;
  auth: Record<string, unknown>;
  vectors: Vector[];
}

const groups: Group[] = [];

for (const [algorithm, hash] of [
  ['hmac-sha1', 'sha1'],
  ['hmac-sha256', 'sha256'],
  ['hmac-sha512', 'sha512'],
] as const) {
  const keys = ['current-secret', 'previous-secret'];
  const h = (nonce: string, key = keys[0] ?? '') => ({
    'x-nonce': nonce,
    'x-signature': hmac(hash, key, nonce).toString('hex'),
  });
  groups.push({
    name: algorithm,
    auth: { signature: { algorithm, keys } },
    vectors: [
      { name: 'valid, ms in nonce, hex', headers: h(`${NOW}-n1`), expect: 200 },
      { name: 'same nonce again (replay)', headers: h(`${NOW}-n1`), expect: 401 },
      {
        name: 'valid, seconds in nonce, base64',
        headers: {
          'x-nonce': `${SECONDS}-n2`,
          'x-signature': b64(hmac(hash, keys[0] ?? '', `${SECONDS}-n2`)),
        },
        expect: 200,
      },
      {
        name: 'signed with the previous secret (rotation)',
        headers: h(`${NOW}-n3`, 'previous-secret'),
        expect: 200,
      },
      { name: 'signed with an unknown secret', headers: h(`${NOW}-n4`, 'other'), expect: 401 },
      {
        name: 'nonce tampered after signing',
        headers: { ...h(`${NOW}-n5`), 'x-nonce': `${NOW}-n6` },
        expect: 401,
      },
      { name: 'expired: 301 s old', headers: h(`${NOW - 301_000}-n7`), expect: 401 },
      { name: 'future: 301 s ahead', headers: h(`${NOW + 301_000}-n8`), expect: 401 },
      { name: 'at the edge: 300 s old', headers: h(`${NOW - 300_000}-n9`), expect: 200 },
      { name: 'nonce without a time', headers: h('no-time-at-all'), expect: 401 },
      { name: 'missing signature header', headers: { 'x-nonce': `${NOW}-n10` }, expect: 401 },
      {
        name: 'missing nonce header',
        headers: { 'x-signature': h(`${NOW}-n11`)['x-signature'] },
        expect: 401,
      },
      { name: 'oversized nonce (2 KiB)', headers: h(`${NOW}-${'x'.repeat(2048)}`), expect: 401 },
      {
        name: 'signature not hex nor base64',
        headers: { 'x-nonce': `${NOW}-n12`, 'x-signature': '*not a signature*' },
        expect: 401,
      },
    ],
  });
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
for (const [algorithm, pair] of [
  ['rsa-sha256', rsa],
  ['ecdsa-sha256', ec],
] as const) {
  const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const sign = (nonce: string) => createSign('sha256').update(nonce).sign(pair.privateKey);
  const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  groups.push({
    name: algorithm,
    auth: {
      signature: {
        algorithm,
        keys: [pem],
        signatureHeader: 'x-openim-signature',
        nonceHeader: 'x-openim-nonce',
      },
    },
    vectors: [
      {
        name: 'valid, base64, custom header names',
        headers: { 'x-openim-nonce': `${NOW}-p1`, 'x-openim-signature': b64(sign(`${NOW}-p1`)) },
        expect: 200,
      },
      {
        name: 'valid, url-safe base64',
        headers: {
          'x-openim-nonce': `${NOW}-p2`,
          'x-openim-signature': b64(sign(`${NOW}-p2`))
            .replace(/\+/g, '-')
            .replace(/\//g, '_'),
        },
        expect: 200,
      },
      {
        name: 'replay',
        headers: { 'x-openim-nonce': `${NOW}-p1`, 'x-openim-signature': b64(sign(`${NOW}-p1`)) },
        expect: 401,
      },
      {
        name: 'signed by another key',
        headers: {
          'x-openim-nonce': `${NOW}-p3`,
          'x-openim-signature': b64(createSign('sha256').update(`${NOW}-p3`).sign(other.privateKey)),
        },
        expect: 401,
      },
      {
        name: 'signature of another nonce',
        headers: { 'x-openim-nonce': `${NOW}-p4`, 'x-openim-signature': b64(sign(`${NOW}-p5`)) },
        expect: 401,
      },
      {
        name: 'default header names are not read when renamed',
        headers: { 'x-nonce': `${NOW}-p6`, 'x-signature': b64(sign(`${NOW}-p6`)) },
        expect: 401,
      },
    ],
  });
}

const body = Buffer.from(SEED_BODY, 'utf8');
const nonUtf8 = Buffer.concat([
  Buffer.from('{"callbackCommand":"'),
  Buffer.from([0xff, 0xfe]),
  Buffer.from('"}\n'),
]);
groups.push({
  name: 'body-hmac',
  auth: { bodyHmac: { secrets: ['new-secret', 'old-secret'] } },
  vectors: [
    {
      name: 'valid, exact bytes with the trailing newline',
      headers: signBody(['new-secret'], body, SECONDS),
      expect: 200,
    },
    { name: 'replay of the same signature', headers: signBody(['new-secret'], body, SECONDS), expect: 401 },
    {
      name: 'signed without the trailing newline',
      headers: signBody(['new-secret'], body.subarray(0, -1), SECONDS + 1),
      expect: 401,
    },
    {
      name: 'body altered after signing',
      headers: signBody(['new-secret'], body, SECONDS + 2),
      body: b64(SEED_BODY.replace('"isPinned":false', '"isPinned":true ')),
      expect: 401,
    },
    {
      name: 'two v1 signatures, the second valid (rotation)',
      headers: signBody(['unknown', 'old-secret'], body, SECONDS + 3),
      expect: 200,
    },
    { name: 'expired timestamp', headers: signBody(['new-secret'], body, SECONDS - 301), expect: 401 },
    { name: 'future timestamp', headers: signBody(['new-secret'], body, SECONDS + 301), expect: 401 },
    {
      name: 'timestamp altered after signing',
      headers: {
        ...signBody(['new-secret'], body, SECONDS + 4),
        'x-openim-hooks-timestamp': String(SECONDS + 5),
      },
      expect: 401,
    },
    {
      name: 'missing timestamp',
      headers: {
        'x-openim-hooks-signature':
          signBody(['new-secret'], body, SECONDS + 6)['x-openim-hooks-signature'] ?? '',
      },
      expect: 401,
    },
    { name: 'missing signature', headers: { 'x-openim-hooks-timestamp': String(SECONDS) }, expect: 401 },
    {
      name: 'non-UTF-8 body, validly signed: authenticated, then refused as invalid JSON',
      headers: signBody(['new-secret'], nonUtf8, SECONDS + 7),
      body: b64(nonUtf8),
      expect: 400,
    },
  ],
});

const vectors = { now: NOW, toleranceSeconds: 300, groups };
writeFileSync(
  new URL('../test/fixtures/signature-vectors.json', import.meta.url),
  `${JSON.stringify(vectors, null, 2)}\n`,
);
process.stdout.write(
  `${groups.reduce((n, g) => n + g.vectors.length, 0)} vectors in ${groups.length} groups\n`,
);
