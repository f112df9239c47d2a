import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { COMMANDS, encodeGoJson } from '../src/protocol/index.js';
import type { CallbackSpec, CommandInfo, GoType, StructType } from '../src/protocol/index.js';
import { continueWith, createReceiver } from '../src/receiver/index.js';
import type { CallbackHandlers } from '../src/receiver/index.js';
import { exampleRequest, goZero, parseCallbackResponse, responseStruct } from '../src/emitter/index.js';
import { GO_SKIP_REASON, goMinorVersion, runGo } from './emitter-go.js';
import { sampleValue, wrongValue } from './helpers/go-samples.js';

/**
 * Golden tests for every command against test/go/openim-callbacks.go, a mirror of OpenIM's Go structs written
 * independently of our specs: our bytes are Go's bytes, what we refuse Go cannot decode, and what our receiver
 * answers decodes in Go into exactly the overrides the handler gave.
 */
const GO_MINOR = goMinorVersion();
const skip = GO_MINOR === undefined ? GO_SKIP_REASON : false;
const options = { goBefore122: (GO_MINOR ?? 0) < 22 };
const PROGRAM = readFileSync(new URL('./go/openim-callbacks.go', import.meta.url), 'utf8');

interface GoCase {
  mode: 'encode' | 'answer';
  command: string;
  body: string;
}
type GoResult = { ok: true; out: string } | { ok: false; error: string };

/** Every case of this file through one Go process (one compile). */
const cases: GoCase[] = [];
let results: GoResult[] = [];
function goCase(mode: GoCase['mode'], command: string, body: string): () => GoResult {
  const index = cases.push({ mode, command, body }) - 1;
  return () => results[index] ?? { ok: false, error: 'not run' };
}

/** A request of `command` whose every field holds a sample of its type (variant `n`). */
function sampleRequest(info: CommandInfo, n: number, full = false): Record<string, unknown> {
  return {
    ...(sampleValue(info.request, n, full) as Record<string, unknown>),
    callbackCommand: info.command,
  };
}

/** The path of each field of a struct, one level into lists and structs (`users[0].nickname`). */
function fieldPaths(
  type: StructType,
  body: Readonly<Record<string, unknown>>,
): { path: string[]; type: GoType }[] {
  const paths: { path: string[]; type: GoType }[] = [];
  for (const field of type.fields) {
    if (field.name === 'callbackCommand') continue;
    if (field.embeddedPointer !== undefined && body[field.name] === undefined) continue;
    paths.push({ path: [field.name], type: field.type });
    let inner = field.type;
    const steps = [field.name];
    if (inner.kind === 'slice') {
      inner = inner.elem;
      steps.push('0');
    }
    if (inner.kind === 'pointer') inner = inner.elem;
    const container = steps.reduce<unknown>(
      (value, step) => (value as Record<string, unknown> | null)?.[step],
      body,
    );
    if (inner.kind === 'struct' && typeof container === 'object' && container !== null)
      for (const sub of inner.fields) paths.push({ path: [...steps, sub.name], type: sub.type });
  }
  return paths;
}

function withValue(body: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  let target: Record<string, unknown> = copy;
  for (const step of path.slice(0, -1)) target = target[step] as Record<string, unknown>;
  target[path.at(-1) ?? ''] = value;
  return copy;
}

const label = (path: string[]) => path.join('.').replace(/\.(\d+)(\.|$)/g, '[$1]$2');

// --- the cases, built when the file loads --------------------------------------------------------------------

const encodings = COMMANDS.flatMap((info) =>
  [
    exampleRequest(info.command, 'op-golden'),
    sampleRequest(info, 0),
    sampleRequest(info, 1),
    sampleRequest(info, 2),
  ].map((body) => {
    const ours = encodeGoJson(body, info.request, options);
    return { info, ours, go: goCase('encode', info.command, ours) };
  }),
);

const mutations = COMMANDS.flatMap((info) => {
  const body = sampleRequest(info, 2, true);
  return fieldPaths(info.request, body).map(({ path, type }) => {
    const wrong = withValue(body, path, wrongValue(type));
    return { info, path: label(path), wrong, go: goCase('encode', info.command, JSON.stringify(wrong)) };
  });
});

const withAnswers = COMMANDS.filter((info) => info.kind === 'before' && info.answer !== undefined);

/** Overrides of every field OpenIM applies, each a sample of its type; the request's own values where it needs one. */
function sampleOverrides(info: CommandInfo, request: Record<string, unknown>): Record<string, unknown> {
  const { answer, ignored = [], echo = [], setOnlyIfSent = [] }: CallbackSpec = info;
  const applied = (answer?.fields ?? []).filter((f) => !ignored.includes(f.name));
  return Object.fromEntries(
    applied
      .filter((f) => !(setOnlyIfSent.includes(f.name) && (request[f.name] ?? null) === null))
      // Leave the echoed fields out half of the time: the builder must fill them from the request.
      .filter((f, i) => !echo.includes(f.name) || i % 2 === 0)
      .map((f, i) => [f.name, sampleValue(f.type, i, true)]),
  );
}

const answered = withAnswers.map((info) => {
  const request = exampleRequest(info.command, 'op-answer');
  return { info, request, overrides: sampleOverrides(info, request) };
});

describe('every command against a Go mirror of OpenIM structs', { skip }, () => {
  before(async () => {
    // The receiver's answers join the Go run: handlers give the sample overrides of each command.
    const handlers: Record<string, () => unknown> = {};
    for (const { info, overrides } of answered) handlers[info.command] = () => continueWith(overrides);
    const receiver = createReceiver({ handlers: handlers as CallbackHandlers });
    for (const entry of answered) {
      const body = encodeGoJson(entry.request, entry.info.request);
      const response = await receiver.handle({
        method: 'POST',
        url: `/callbackExample/${entry.info.command}`,
        header: (name) => (name === 'operationid' ? 'op-answer' : undefined),
        body: new TextEncoder().encode(body),
      });
      Object.assign(entry, { status: response.status, answer: response.body });
      Object.assign(entry, { go: goCase('answer', entry.info.command, response.body) });
    }
    const output = runGo(PROGRAM, cases.map((c) => JSON.stringify(c)).join('\n') + '\n');
    results = output
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as GoResult);
    assert.equal(results.length, cases.length);
  });

  test('our request bytes are json.Encoder bytes of OpenIM struct, for all 52 (examples, tricky strings, extremes)', () => {
    assert.equal(new Set(encodings.map((e) => e.info.command)).size, 52);
    for (const { info, ours, go } of encodings) {
      const result = go();
      assert.ok(result.ok, `${info.command}: Go could not decode our body: ${result.ok ? '' : result.error}`);
      assert.equal(ours, result.out, info.command);
    }
  });

  test('a wrong type in any field: Go cannot decode it, and our validation names that field', async () => {
    const receiver = createReceiver();
    assert.ok(mutations.length > 300, `${mutations.length} mutated fields`);
    for (const { info, path, wrong, go } of mutations) {
      assert.equal(go().ok, false, `Go decodes ${info.command} with a wrong ${path}`);
      const response = await receiver.handle({
        method: 'POST',
        url: `/callbackExample/${info.command}`,
        header: () => undefined,
        body: new TextEncoder().encode(JSON.stringify(wrong)),
      });
      const pkg = JSON.parse(response.body) as { errCode: number; errDlt: string; nextCode: number };
      assert.equal(pkg.errCode, 29009, `${info.command} ${path}`);
      assert.equal(pkg.nextCode, 0, 'an error never blocks OpenIM');
      assert.ok(
        pkg.errDlt.split('; ').some((e) => e.startsWith(`${path}:`)),
        `${path} in ${pkg.errDlt}`,
      );
    }
  });

  test('before-callback overrides reach OpenIM exactly: Go decodes our answer into its response struct', () => {
    assert.ok(answered.length >= 15, `${answered.length} commands with answer fields`);
    for (const entry of answered as ((typeof answered)[number] & {
      status: number;
      answer: string;
      go: () => GoResult;
    })[]) {
      const { info, request, overrides } = entry;
      assert.equal(entry.status, 200, `${info.command}: ${entry.answer}`);
      const result = entry.go();
      assert.ok(
        result.ok,
        `${info.command}: Go could not decode our answer: ${result.ok ? '' : result.error}`,
      );
      const whole = responseStruct(info.answer);
      const echo: readonly string[] = info.echo ?? [];
      const echoed = Object.fromEntries(echo.filter((f) => !(f in overrides)).map((f) => [f, request[f]]));
      const expected = JSON.parse(
        encodeGoJson({ ...(goZero(whole) as object), ...overrides, ...echoed }, whole),
      ) as Record<string, unknown>;
      const fromGo = JSON.parse(result.out) as Record<string, unknown>;
      // OpenIM declares refusedMembersAccount `omitempty`, the one such field: absent when empty.
      if (fromGo['refusedMembersAccount'] === undefined) delete expected['refusedMembersAccount'];
      assert.deepEqual(fromGo, expected, info.command);
      const parsed = parseCallbackResponse(entry.answer, info.answer);
      assert.ok(parsed.ok);
      // Our emitter reports what OpenIM applies: the fields given, less those Go decoded as nil.
      const given = Object.keys({ ...overrides, ...echoed }).filter((name) => fromGo[name] !== null);
      assert.deepEqual(
        parsed.overrides,
        Object.fromEntries(given.map((name) => [name, fromGo[name]])),
        `our emitter reads ${info.command} as Go does`,
      );
    }
  });
});
