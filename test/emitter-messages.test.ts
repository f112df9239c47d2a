import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createEmitter, messageKeyTarget, resolveWebhooksConfig } from '../src/emitter/index.js';
import type { AfterCall } from '../src/emitter/index.js';
import { GO_SKIP_REASON, goMinorVersion, runGo } from './emitter-go.js';
import { SUCCESS, startServer } from './emitter-servers.js';

const SINGLE = 'callbackAfterSendSingleMsgCommand';

function key(sendID: string, recvID: string, groupID: string): string {
  const json = `{"sendID":${JSON.stringify(sendID)},"recvID":${JSON.stringify(recvID)},"groupID":${JSON.stringify(groupID)}}`;
  return encodeURIComponent(Buffer.from(json).toString('base64'));
}

describe('message callbacks: ?key= and the filters OpenIM applies', () => {
  test('the three keyed commands get ?key=<base64 of {sendID, recvID, groupID}>; others do not', () => {
    const body = '{"sendID":"u1","recvID":"u2","groupID":"","contentType":101}\n';
    assert.equal(
      messageKeyTarget(`http://h:1/cb/${SINGLE}`, SINGLE, body),
      `http://h:1/cb/${SINGLE}?key=${key('u1', 'u2', '')}`,
    );
    assert.equal(
      messageKeyTarget(
        'http://h/cb/callbackAfterMsgSaveDBCommand',
        'callbackAfterMsgSaveDBCommand',
        '{"groupID":"g"}',
      ),
      `http://h/cb/callbackAfterMsgSaveDBCommand?key=${key('', '', 'g')}`,
    );
    assert.equal(
      messageKeyTarget('http://h/cb/x', 'callbackBeforeSendSingleMsgCommand', body),
      'http://h/cb/x',
    );
  });

  test("a query in url swallows the command, then Go re-encodes it sorted (docs/protocol.md §1.1's pitfall)", () => {
    assert.equal(
      messageKeyTarget(`http://h/cb?token=x/${SINGLE}`, SINGLE, '{"sendID":"a","recvID":"b"}'),
      `http://h/cb?key=${key('a', 'b', '')}&token=x%2F${SINGLE}`,
    );
  });

  test(
    'the same URL as Go builds with net/url',
    { skip: goMinorVersion() === undefined ? GO_SKIP_REASON : false },
    () => {
      const cases = [
        [`http://127.0.0.1:10006/callbackExample/${SINGLE}`, 'a', 'b', ''],
        [`http://h/cb?token=x/${SINGLE}`, 'a<&>', '用户', ''],
        [`http://h/cb?z=1&a=2&a=1/${SINGLE}`, '', '', 'g 1+2'],
        [`http://u:p@h:8080/cb/${SINGLE}`, 'x', 'y', ''],
      ];
      const program = `package main

import (
\t"encoding/base64"
\t"encoding/json"
\t"fmt"
\t"net/url"
\t"os"
)

type Key struct {
\tSendID  string \`json:"sendID"\`
\tRecvID  string \`json:"recvID"\`
\tGroupID string \`json:"groupID"\`
}

func main() {
\tvar cases [][4]string
\tif err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
\t\tpanic(err)
\t}
\tfor _, c := range cases {
\t\tu, err := url.Parse(c[0])
\t\tif err != nil {
\t\t\tpanic(err)
\t\t}
\t\tdata, _ := json.Marshal(Key{c[1], c[2], c[3]})
\t\tq := u.Query()
\t\tq.Set("key", base64.StdEncoding.EncodeToString(data))
\t\tu.RawQuery = q.Encode()
\t\tfmt.Println(u.String())
\t}
}
`;
      const fromGo = runGo(program, JSON.stringify(cases)).toString('utf8').trimEnd().split('\n');
      cases.forEach(([target = '', sendID, recvID, groupID], i) => {
        const body = JSON.stringify({ sendID, recvID, groupID });
        assert.equal(messageKeyTarget(target, SINGLE, body), fromGo[i]);
      });
    },
  );

  test('typing, notifications, deniedTypes and attentionIds are filtered out; the rest is posted with its key', async () => {
    const server = await startServer((_request, res) => res.end(SUCCESS));
    const emitter = createEmitter({
      config: resolveWebhooksConfig({
        url: server.url,
        callbacks: {
          afterSendSingleMsg: { enable: true, timeout: 5, deniedTypes: [102], attentionIds: ['bob'] },
        },
      }),
    });
    const message = (contentType: number, recvID: string): Record<string, unknown> => ({
      sendID: 'alice',
      callbackCommand: SINGLE,
      contentType,
      recvID,
    });
    const status = (call: AfterCall): string =>
      call.queued ? 'queued' : `${call.reason}: ${call.detail ?? ''}`;
    try {
      const calls = [
        await emitter.callAfter(SINGLE, message(113, 'bob'), 'op'),
        await emitter.callAfter(SINGLE, message(1501, 'bob'), 'op'),
        await emitter.callAfter(SINGLE, message(102, 'bob'), 'op'),
        await emitter.callAfter(SINGLE, message(101, 'carol'), 'op'),
        await emitter.callAfter(SINGLE, message(101, 'bob'), 'op'),
      ];
      await emitter.drain();
      assert.deepEqual(calls.map(status), [
        'filtered: content type 113 (typing) never calls back',
        'filtered: content type 1501 is a notification',
        'filtered: content type 102 is in deniedTypes',
        'filtered: recvID "carol" is not in attentionIds',
        'queued',
      ]);
      assert.equal(emitter.stats().filtered, 4);
      assert.equal(server.requests.length, 1);
      assert.equal(server.requests[0]?.path, `/callbackExample/${SINGLE}?key=${key('alice', 'bob', '')}`);
    } finally {
      await emitter.close();
      await server.close();
    }
  });
});
