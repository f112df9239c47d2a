import fc from 'fast-check';
import { COMMANDS, ERROR_CODES } from '../../src/protocol/index.js';
import type { Receiver, RawRequest, RawResponse } from '../../src/receiver/index.js';
import { SEED_BODY, SEED_COMMAND, groupChatBody } from '../fixtures/seed.js';

/** One generated request, in a form that can go to `receiver.handle` or over a socket. */
export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const SEED = JSON.parse(SEED_BODY) as Record<string, unknown>;
const FIELDS = Object.keys(SEED);
const commands = COMMANDS.map((c) => c.command);

/** Values of every JSON type, including the awkward ones: huge and non-safe numbers, deep nesting, odd strings. */
const awkwardValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 53 + 1,
    1e308,
    -0,
    0.5,
    Number.MAX_SAFE_INTEGER,
    '1',
    '',
    'true',
    null,
    [],
    {},
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...commands),
);

/** Text of a JSON value nested `depth` levels deep (arrays or objects). */
const deepText = fc
  .tuple(fc.integer({ min: 100, max: 20_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
  );

/** A body: mostly the seed (or a group body) with one mutation, sometimes anything at all. */
const bodyArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  // the seed with one field set to an awkward value (wrong types in every field)
  fc
    .tuple(fc.constantFrom(...FIELDS), awkwardValue)
    .map(([field, value]) => utf8(`${JSON.stringify({ ...SEED, [field]: value })}\n`)),
  // a field removed
  fc
    .constantFrom(...FIELDS)
    .map((field) =>
      utf8(JSON.stringify(Object.fromEntries(Object.entries(SEED).filter(([k]) => k !== field)))),
    ),
  // prototype pollution attempts, plain and escaped, at the top and nested
  fc
    .constantFrom(
      SEED_BODY.replace('{', '{"__proto__":{"polluted":1},'),
      SEED_BODY.replace('{', '{"\\u005f_proto__":{"polluted":1},'),
      SEED_BODY.replace('"ex":"', '"constructor":{"prototype":{"polluted":1}},"ex":"'),
      SEED_BODY.replace('"ex":"Extra conversation data"', '"ex":{"__proto__":{"polluted":1}}'),
    )
    .map(utf8),
  // duplicate keys: the last one wins in JSON.parse; the stored raw bytes keep both
  fc
    .tuple(fc.constantFrom(...FIELDS), awkwardValue)
    .map(([field, value]) =>
      utf8(SEED_BODY.replace('{', `{${JSON.stringify(field)}:${JSON.stringify(value) ?? 'null'},`)),
    ),
  // deep nesting in a field, or as the whole body
  fc
    .tuple(deepText, fc.boolean())
    .map(([deep, inField]) => utf8(inField ? SEED_BODY.replace('"Extra conversation data"', deep) : deep)),
  // huge numbers as text (beyond double range, many digits)
  fc
    .constantFrom('1e400', '-1e400', '9'.repeat(400), '0.' + '0'.repeat(300) + '1')
    .map((n) => utf8(SEED_BODY.replace('"conversationType":1', `"conversationType":${n}`))),
  // invalid UTF-8 spliced into the seed, or truncated bytes
  fc
    .tuple(
      fc.nat({ max: SEED_BODY.length }),
      fc.uint8Array({ minLength: 1, maxLength: 4 }).map((b) => b.map((x) => 0x80 | x)),
    )
    .map(([at, bad]) => {
      const seed = utf8(SEED_BODY);
      return new Uint8Array([...seed.subarray(0, at), ...bad, ...seed.subarray(at)]);
    }),
  fc.nat({ max: SEED_BODY.length }).map((at) => utf8(SEED_BODY.slice(0, at))),
  // a valid group body, a random JSON value, random bytes
  fc.constant(utf8(groupChatBody('fuzz-group'))),
  fc.jsonValue({ maxDepth: 4 }).map((v) => utf8(JSON.stringify(v) ?? 'null')),
  fc.uint8Array({ maxLength: 300 }),
);

const urlArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(`/callbackExample/${SEED_COMMAND}`) },
  { weight: 2, arbitrary: fc.constantFrom(...commands).map((c) => `/callbackExample/${c}?contenttype=json`) },
  fc.constantFrom(
    '/callbackExample',
    `/callbackExample//${SEED_COMMAND}`,
    `/callbackExample?command=${SEED_COMMAND}`,
    '/elsewhere',
    '/callbackExample/%E0%A4%A',
    '/callbackExample/a/b',
  ),
  fc.webPath().map((p) => `/callbackExample${p}`),
);

const headerText = fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));

export const requestArb: fc.Arbitrary<FuzzRequest> = fc.record({
  method: fc.oneof(
    { weight: 9, arbitrary: fc.constant('POST') },
    fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH'),
  ),
  url: urlArb,
  headers: fc.record({
    'content-type': fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json',
      'application/json; charset=iso-8859-1',
      'text/plain',
      'application/x-www-form-urlencoded',
      '',
    ),
    operationid: headerText,
  }),
  body: bodyArb,
});

const STATUSES = new Set([200, ...Object.values(ERROR_CODES).map((e) => e.status)]);

/** Throws unless `response` is a complete OpenIM response package that never blocks OpenIM on our error. */
export function checkAnswer(response: Pick<RawResponse, 'status' | 'body'>): void {
  if (!STATUSES.has(response.status)) throw new Error(`unexpected status ${response.status}`);
  const pkg = JSON.parse(response.body) as Record<string, unknown>;
  for (const key of ['actionCode', 'errCode', 'nextCode']) {
    if (!Number.isInteger(pkg[key])) throw new Error(`${key} is not an integer in ${response.body}`);
  }
  for (const key of ['errMsg', 'errDlt'])
    if (typeof pkg[key] !== 'string') throw new Error(`${key} is not a string`);
  if (response.status !== 200 && pkg['nextCode'] !== 0)
    throw new Error(`an error of ours blocks OpenIM: ${response.body}`);
  if (response.status === 200 && pkg['errCode'] !== 0) throw new Error(`200 with errCode: ${response.body}`);
}

export function toRawRequest(request: FuzzRequest): RawRequest {
  return {
    method: request.method,
    url: request.url,
    header: (name) => request.headers[name],
    body: request.body,
    remoteAddress: '127.0.0.1',
  };
}

export interface FuzzTally {
  requests: number;
  recorded: number;
  refused: number;
}

/**
 * Runs `count` generated requests through `receiver.handle`, `concurrency` at a time (so that a store commits them
 * in groups), checking every answer; each must come within `hangMs`. Throws on the first violation, naming the seed
 * and the request.
 */
export async function fuzzReceiver(
  receiver: Receiver,
  options: { seed: number; count: number; concurrency?: number; hangMs?: number },
): Promise<FuzzTally> {
  const tally: FuzzTally = { requests: 0, recorded: 0, refused: 0 };
  const concurrency = options.concurrency ?? 64;
  const hangMs = options.hangMs ?? 5000;
  const batchSize = 1000;
  for (let done = 0; done < options.count; done += batchSize) {
    const batch = fc.sample(requestArb, {
      seed: options.seed + done,
      numRuns: Math.min(batchSize, options.count - done),
    });
    let next = 0;
    const worker = async () => {
      while (next < batch.length) {
        const request = batch[next++];
        if (!request) break;
        let timer: NodeJS.Timeout | undefined;
        const hang = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${hangMs} ms`)), hangMs);
        });
        try {
          const response = await Promise.race([receiver.handle(toRawRequest(request)), hang]);
          checkAnswer(response);
          // Recorded: accepted (200) or well formed but invalid (400, 29009, kept flagged); never a redelivery.
          if (response.outcome.eventId !== undefined && !response.outcome.duplicate) tally.recorded += 1;
          if (response.status !== 200) tally.refused += 1;
          tally.requests += 1;
        } catch (error) {
          const shown = { ...request, body: Buffer.from(request.body).toString('base64').slice(0, 400) };
          throw new Error(
            `seed ${options.seed}: ${error instanceof Error ? error.message : String(error)}\n${JSON.stringify(shown)}`,
          );
        } finally {
          clearTimeout(timer);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }
  return tally;
}
