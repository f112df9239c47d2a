import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { commandSpec, encodeGoJson, goJsonString, goString, struct } from '../src/protocol/index.js';
import type { GoType, StructType } from '../src/protocol/index.js';
import { GO_SKIP_REASON, goMinorVersion, runGo } from './emitter-go.js';
import { TRICKY } from './helpers/go-samples.js';
import { SEED_BODY } from './fixtures/seed.js';

/** The request package example of the seed page (a copy of shared/seed, so tests need nothing outside the repo). */
function seedExample(): Record<string, unknown> {
  const page = readFileSync(new URL('./fixtures/seed-page.txt', import.meta.url), 'utf8');
  const start = page.indexOf('{', page.indexOf('Request Package Example'));
  const end = page.indexOf('}', start) + 1;
  return JSON.parse(page.slice(start, end)) as Record<string, unknown>;
}

const SINGLE_CHAT_FIELDS = commandSpec('callbackAfterCreateSingleChatConversationsCommand').request;

describe('encodeGoJson: golden bytes', () => {
  test('the seed example, in OpenIM field order whatever the key order given', () => {
    const seed = seedExample();
    const shuffled = Object.fromEntries(Object.entries(seed).reverse());
    assert.equal(encodeGoJson(shuffled, SINGLE_CHAT_FIELDS), SEED_BODY);
    assert.equal(encodeGoJson(seed, SINGLE_CHAT_FIELDS), `${JSON.stringify(seed)}\n`);
  });

  test('every field present: missing fields are written as zero values', () => {
    assert.equal(
      encodeGoJson({ callbackCommand: 'c' }, SINGLE_CHAT_FIELDS),
      '{"callbackCommand":"c","ownerUserId":"","conversationId":"","conversationType":0,"userId":"",' +
        '"recvMsgOpt":0,"isPinned":false,"isPrivateChat":false,"burnDuration":0,"groupAtType":0,"attachedInfo":"","ex":""}\n',
    );
  });

  test('HTML characters are escaped like Go', () => {
    assert.equal(
      goJsonString('<a href="x">&amp;</a>'),
      '"\\u003ca href=\\"x\\"\\u003e\\u0026amp;\\u003c/a\\u003e"',
    );
  });

  test('Chinese and emoji are written as raw UTF-8', () => {
    const body = encodeGoJson({ ex: '你好，世界 👋🏽' }, struct('T', { ex: goString }));
    assert.deepEqual(Buffer.from(body, 'utf8'), Buffer.from('{"ex":"你好，世界 👋🏽"}\n', 'utf8'));
    assert.equal(Buffer.byteLength(body), 34);
  });

  test('U+2028 and U+2029 are escaped, DEL is not', () => {
    assert.equal(goJsonString('a\u2028b\u2029c\u007f'), '"a\\u2028b\\u2029c\u007f"');
  });

  test('control characters: short forms for \\t \\n \\r \\b \\f (Go ≥ 1.22), \\u00XX for the rest', () => {
    assert.equal(goJsonString('\t\n\r\b\f\u0000\u001f"\\'), '"\\t\\n\\r\\b\\f\\u0000\\u001f\\"\\\\"');
    assert.equal(goJsonString('\b\f', { goBefore122: true }), '"\\u0008\\u000c"');
  });

  test('a lone surrogate becomes U+FFFD', () => {
    assert.equal(goJsonString('a\ud800b\udc00'), '"a\ufffdb\ufffd"');
  });

  test('nil lists are null, empty lists are [], numbers as Go writes them', () => {
    assert.equal(
      encodeGoJson({ atUserList: null, seqs: [], seq: 0, big: 2 ** 53, small: 1e-7 }),
      '{"atUserList":null,"seqs":[],"seq":0,"big":9007199254740992,"small":1e-7}\n',
    );
    assert.equal(encodeGoJson({ atUserList: undefined }), '{"atUserList":null}\n');
  });
});

const GO_MINOR = goMinorVersion();

function goType(type: GoType): string {
  return type.kind === 'string' ? 'string' : type.kind === 'bool' ? 'bool' : 'int32';
}

/** A Go program with a struct generated from our own field list, encoding stdin's cases with json.Encoder. */
function goProgram(type: StructType): string {
  const structFields = type.fields
    .map((field, i) => `\tF${i} ${goType(field.type)} \`json:"${field.name}"\``)
    .join('\n');
  return `package main

import (
\t"bytes"
\t"encoding/json"
\t"os"
)

type Conversation struct {
${structFields}
}

type Extra struct {
\tAtUserList []string \`json:"atUserList"\`
\tContent    string   \`json:"content"\`
\tSeq        uint32   \`json:"seq"\`
\tSendTime   int64    \`json:"sendTime"\`
}

type Cases struct {
\tConversations []Conversation \`json:"conversations"\`
\tExtras        []Extra        \`json:"extras"\`
}

func main() {
\tvar cases Cases
\tif err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
\t\tpanic(err)
\t}
\tvar out bytes.Buffer
\tencoder := json.NewEncoder(&out)
\tfor _, c := range cases.Conversations {
\t\tif err := encoder.Encode(c); err != nil {
\t\t\tpanic(err)
\t\t}
\t}
\tfor _, e := range cases.Extras {
\t\tif err := encoder.Encode(e); err != nil {
\t\t\tpanic(err)
\t\t}
\t}
\tos.Stdout.Write(out.Bytes())
}
`;
}

describe('encodeGoJson against Go encoding/json', () => {
  test(
    'same bytes as json.Encoder for the conversation struct and lists',
    { skip: GO_MINOR === undefined ? GO_SKIP_REASON : false },
    () => {
      const conversations = TRICKY.map((text, i) => ({
        callbackCommand: 'callbackAfterCreateSingleChatConversationsCommand',
        ownerUserId: text,
        conversationId: `si_${text}`,
        conversationType: 1,
        userId: 'u<1>',
        recvMsgOpt: i % 3,
        isPinned: i % 2 === 0,
        isPrivateChat: false,
        burnDuration: -i * 1000,
        groupAtType: 2,
        attachedInfo: text,
        ex: text,
      }));
      const extras = [
        { atUserList: null, content: TRICKY[1], seq: 0, sendTime: 1_700_000_000_123 },
        { atUserList: [], content: '', seq: 4_294_967_295, sendTime: -1 },
        { atUserList: TRICKY, content: TRICKY.join('|'), seq: 7, sendTime: 0 },
      ];
      const fromGo = runGo(goProgram(SINGLE_CHAT_FIELDS), JSON.stringify({ conversations, extras }));
      const options = { goBefore122: (GO_MINOR ?? 0) < 22 };
      const ours = [
        ...conversations.map((c) => encodeGoJson(c, SINGLE_CHAT_FIELDS, options)),
        ...extras.map((e) => encodeGoJson(e, undefined, options)),
      ].join('');
      assert.equal(ours, fromGo.toString('utf8'));
      assert.equal(Buffer.compare(Buffer.from(ours, 'utf8'), fromGo), 0, 'byte for byte');
    },
  );
});
