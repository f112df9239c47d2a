import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { commandSpec, goString, int32 } from '../src/protocol/index.js';
import type { GoType } from '../src/protocol/index.js';
import { parseCallbackResponse } from '../src/emitter/index.js';
import { GO_SKIP_REASON, goMinorVersion, runGo } from './emitter-go.js';

const ANSWER = commandSpec('callbackBeforeCreateSingleChatConversationsCommand').answer;
if (!ANSWER) throw new Error('the conversation before-callback has overrides');
const OVERRIDE_FIELD_SPECS = ANSWER.fields;
const COMMON = [
  { name: 'actionCode', type: int32 },
  { name: 'errCode', type: int32 },
  { name: 'errMsg', type: goString },
  { name: 'errDlt', type: goString },
  { name: 'nextCode', type: int32 },
];

/** The conversation answer's fields are scalars and pointers to scalars. */
function goType(type: GoType): string {
  if (type.kind === 'pointer') return `*${goType(type.elem)}`;
  return type.kind === 'string' ? 'string' : type.kind === 'bool' ? 'bool' : 'int32';
}

/** A response struct generated from our own field lists: the common package, then pointer overrides. */
function goProgram(): string {
  const fields = [
    ...COMMON.map((spec, i) => `\tC${i} ${goType(spec.type)} \`json:"${spec.name}"\``),
    ...OVERRIDE_FIELD_SPECS.map((spec, i) => `\tO${i} ${goType(spec.type)} \`json:"${spec.name}"\``),
  ].join('\n');
  const common = COMMON.map((spec, i) => `\t\t\t"${spec.name}": r.C${i},`).join('\n');
  const overrides = OVERRIDE_FIELD_SPECS.map(
    (spec, i) => `\t\tif r.O${i} != nil {\n\t\t\toverrides["${spec.name}"] = *r.O${i}\n\t\t}`,
  ).join('\n');
  return `package main

import (
\t"encoding/json"
\t"os"
)

type Response struct {
${fields}
}

func main() {
\tvar bodies []string
\tif err := json.NewDecoder(os.Stdin).Decode(&bodies); err != nil {
\t\tpanic(err)
\t}
\tencoder := json.NewEncoder(os.Stdout)
\tfor _, body := range bodies {
\t\tvar r Response
\t\tif err := json.Unmarshal([]byte(body), &r); err != nil {
\t\t\tencoder.Encode(map[string]interface{}{"ok": false})
\t\t\tcontinue
\t\t}
\t\toverrides := map[string]interface{}{}
${overrides}
\t\tencoder.Encode(map[string]interface{}{
\t\t\t"ok": true,
\t\t\t"response": map[string]interface{}{
${common}
\t\t\t},
\t\t\t"overrides": overrides,
\t\t})
\t}
}
`;
}

const BODIES = [
  '',
  ' ',
  'OK',
  '<html><body>OK</body></html>',
  'null',
  ' null ',
  '{}',
  '[]',
  '[{"nextCode":1}]',
  '"ok"',
  '1',
  'true',
  '{"actionCode":0,"errCode":0,"errMsg":"","errDlt":"","nextCode":0}',
  '{"actionCode":0,"errCode":5001,"errMsg":"拒绝 \\u003c😀","errDlt":"d","nextCode":1}',
  '{"ACTIONCODE":1,"errcode":2,"ErrMsg":"x","NextCode":1}',
  '{"nextCode":1,"NEXTCODE":0}',
  '{"errMsg":"a","errmsg":"b","ERRMSG":"c"}',
  '{"nextCode":"0"}',
  '{"nextCode":""}',
  '{"nextCode":null}',
  '{"actionCode":1.0}',
  '{"actionCode":1e2}',
  '{"actionCode":-0}',
  '{"errCode":2147483647}',
  '{"errCode":-2147483648}',
  '{"errCode":2147483648}',
  '{"errCode":-2147483649}',
  '{"errMsg":5}',
  '{"errCode":{}}',
  '{"errCode":[]}',
  '{"errMsg":true}',
  '{"isPinned":true,"burnDuration":30,"ex":"x","attachedInfo":"","recvMsgOpt":7,"groupAtType":-1}',
  '{"isPinned":false,"isPrivateChat":null}',
  '{"ex":"a","ex":null}',
  '{"ex":null,"EX":"b"}',
  '{"isPinned":1}',
  '{"recvMsgOpt":"1"}',
  '{"attachedInfo":123}',
  '{"iſPinned":true}',
  '{"unknown":{"deep":[1,{"x":"}"}]},"errCode":3}',
  '{"errCode":1} trailing',
  '{"errCode":1}{"errCode":2}',
  '{"errCode":01}',
  '{"errCode":1,}',
  '{"errDlt":"line\\u2028sep\\ud800"}',
];

describe('answers decoded exactly as Go json.Unmarshal decodes them', () => {
  test(
    'same verdict and values as encoding/json on a struct generated from our field lists',
    { skip: goMinorVersion() === undefined ? GO_SKIP_REASON : false },
    () => {
      const fromGo = runGo(goProgram(), JSON.stringify(BODIES))
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown);
      BODIES.forEach((body, i) => {
        const parsed = parseCallbackResponse(Buffer.from(body, 'utf8'), ANSWER);
        const ours = parsed.ok
          ? { ok: true, response: parsed.response, overrides: parsed.overrides }
          : { ok: false };
        assert.deepEqual(ours, fromGo[i], `body ${JSON.stringify(body)}`);
      });
    },
  );
});
