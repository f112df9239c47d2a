import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { commandSpec } from '../src/protocol/index.js';
import { parseCallbackResponse } from '../src/emitter/index.js';

function parse(body: string) {
  return parseCallbackResponse(
    Buffer.from(body),
    commandSpec('callbackBeforeCreateSingleChatConversationsCommand').answer,
  );
}

describe('answers decoded like Go json.Unmarshal', () => {
  test('keys match case-insensitively, unknown keys are ignored', () => {
    const parsed = parse('{"ACTIONCODE":0,"errcode":5001,"ErrMsg":"x","nextcode":1,"whatever":[1,{"a":2}]}');
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.response, { actionCode: 0, errCode: 5001, errMsg: 'x', errDlt: '', nextCode: 1 });
  });

  test('the last matching key wins, whatever its case', () => {
    const parsed = parse('{"nextCode":1,"NEXTCODE":0,"errMsg":"a","errmsg":"b"}');
    assert.ok(parsed.ok);
    assert.equal(parsed.response.nextCode, 0);
    assert.equal(parsed.response.errMsg, 'b');
  });

  test('type mismatches are errors: strings, floats, out of int32 range, objects', () => {
    for (const body of [
      '{"nextCode":"0"}',
      '{"nextCode":""}',
      '{"actionCode":1.0}',
      '{"actionCode":1e2}',
      '{"errCode":2147483648}',
      '{"errMsg":5}',
      '{"errCode":{}}',
      '{"isPinned":1}',
      '{"recvMsgOpt":"1"}',
    ]) {
      const parsed = parse(body);
      assert.equal(parsed.ok, false, body);
      assert.equal(parsed.ok ? '' : parsed.kind, 'response-type', body);
    }
  });

  test('format errors: empty, not JSON, array, scalar, trailing garbage', () => {
    for (const body of ['', '   ', 'OK', '[]', '[{"nextCode":0}]', '"ok"', '1', '{"a":1} x', '{"a":1']) {
      const parsed = parse(body);
      assert.equal(parsed.ok ? '' : parsed.kind, 'response-format', JSON.stringify(body));
    }
  });

  test('null and {} are success with zero values; null leaves a field at zero', () => {
    for (const body of ['null', '{}', ' {\n} ', '{"errCode":null,"errMsg":null}']) {
      const parsed = parse(body);
      assert.ok(parsed.ok, body);
      assert.deepEqual(parsed.response, { actionCode: 0, errCode: 0, errMsg: '', errDlt: '', nextCode: 0 });
    }
  });

  test('overrides are the pointer fields present and non-null', () => {
    const parsed = parse('{"isPinned":false,"burnDuration":-5,"ex":"","attachedInfo":null,"recvMsgOpt":7}');
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.overrides, { isPinned: false, burnDuration: -5, ex: '', recvMsgOpt: 7 });
    const reset = parse('{"ex":"a","ex":null}');
    assert.ok(reset.ok);
    assert.deepEqual(reset.overrides, {});
  });

  test('after-callbacks have no overrides: those fields are unknown keys there', () => {
    const parsed = parseCallbackResponse(Buffer.from('{"isPinned":"not a bool"}'));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.overrides, {});
  });

  test('strings with escapes and non-ASCII decode as text', () => {
    const parsed = parse('{"errMsg":"拒绝 \\u003c\\ud83d\\ude00\\"","errDlt":"a,}b"}');
    assert.ok(parsed.ok);
    assert.equal(parsed.response.errMsg, '拒绝 <😀"');
    assert.equal(parsed.response.errDlt, 'a,}b');
  });
});
