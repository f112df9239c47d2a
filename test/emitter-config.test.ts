import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  callbackConfigOf,
  loadWebhooksConfig,
  parseWebhooksYaml,
  resolveWebhooksConfig,
} from '../src/emitter/index.js';

/** The shape of OpenIM's shipped config/webhooks.yml (a few keys of it), with comments and obsolete settings. */
const OPENIM_STYLE = `
url: http://127.0.0.1:10006/callbackExample
beforeSendSingleMsg:
  enable: false
  timeout: 5
  failedContinue: true
  # Only the contentType in allowedTypes will send the callback.
  allowedTypes: []
  deniedTypes: [113]
afterSendSingleMsg:
  enable: true
  timeout: 5
  attentionIds: [u1, 2002]
  allowedTypes: []
  deniedTypes: []
beforeCreateSingleChatConversations:
  enable: true
  timeout: 3600
  failedContinue: false
afterCreateSingleChatConversations:
  enable: true
  timeout: 5
  failedContinue: false
BeforeCreateGroupChatConversations:
  Enable: "true"
  timeout: "2"
afterUserRegisterr:
  enable: true
`;

describe('webhooks.yml', () => {
  test("reads OpenIM's own format: url and per-key settings", () => {
    const { config } = parseWebhooksYaml(OPENIM_STYLE);
    assert.equal(config.url, 'http://127.0.0.1:10006/callbackExample');
    assert.deepEqual(config.callbacks.beforeSendSingleMsg, {
      enable: false,
      timeout: 5,
      failedContinue: true,
      attentionIds: [],
      deniedTypes: [113],
    });
    assert.deepEqual(config.callbacks.afterSendSingleMsg?.attentionIds, ['u1', '2002']);
    assert.equal(config.callbacks.beforeCreateSingleChatConversations?.timeout, 3600);
  });

  test('keys match case-insensitively, as viper reads them; numeric and boolean strings are accepted', () => {
    const { config } = parseWebhooksYaml(OPENIM_STYLE);
    assert.equal(config.callbacks.beforeCreateGroupChatConversations?.enable, true);
    assert.equal(config.callbacks.beforeCreateGroupChatConversations?.timeout, 2);
  });

  test('unknown and ignored keys give warnings, never errors', () => {
    const { warnings } = parseWebhooksYaml(OPENIM_STYLE);
    assert.ok(warnings.some((w) => w.includes('"afterUserRegisterr"')));
    assert.ok(warnings.some((w) => w.includes('allowedTypes')));
    assert.ok(warnings.some((w) => w.includes('afterCreateSingleChatConversations.failedContinue')));
  });

  test('a key absent from the file is disabled, as Go zero values are', () => {
    const { config } = parseWebhooksYaml(OPENIM_STYLE);
    assert.equal(callbackConfigOf(config, 'callbackAfterCreateGroupChatConversationsCommand').enable, false);
    assert.equal(callbackConfigOf(config, 'callbackAfterCreateSingleChatConversationsCommand').enable, true);
  });

  test('wrong types and a missing url are errors', () => {
    assert.throws(
      () => parseWebhooksYaml('url: http://x\nafterSendSingleMsg:\n  enable: maybe\n'),
      TypeError,
    );
    assert.throws(() => parseWebhooksYaml('afterSendSingleMsg:\n  enable: true\n'), TypeError);
    assert.throws(
      () => parseWebhooksYaml('url: http://x\nafterSendSingleMsg:\n  deniedTypes: 5\n'),
      TypeError,
    );
  });

  test('loads from a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openim-hooks-yml-'));
    try {
      const file = join(dir, 'webhooks.yml');
      writeFileSync(file, OPENIM_STYLE);
      const { config } = await loadWebhooksConfig(file);
      assert.equal(config.callbacks.afterCreateSingleChatConversations?.enable, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the same config given programmatically', () => {
    const fromYaml = parseWebhooksYaml(
      'url: http://h/cb\nafterCreateSingleChatConversations:\n  enable: true\n  timeout: 5\n',
    ).config;
    const programmatic = resolveWebhooksConfig({
      url: 'http://h/cb',
      callbacks: { afterCreateSingleChatConversations: { enable: true, timeout: 5 } },
    });
    assert.deepEqual(programmatic, fromYaml);
    const all = resolveWebhooksConfig({ url: 'http://h/cb', enableAll: true });
    assert.deepEqual(callbackConfigOf(all, 'callbackBeforeCreateGroupChatConversationsCommand'), {
      enable: true,
      timeout: 5,
      failedContinue: false,
      attentionIds: [],
      deniedTypes: [],
    });
  });
});
