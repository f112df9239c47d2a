import { Redis } from 'ioredis';
import { messageOf, withoutCredentials } from './sink.js';
import type { AttemptResult, OutgoingEvent, Sink, SinkWarnings } from './sink.js';

export interface RedisSinkOptions {
  readonly name: string;
  /** `redis://[user:password@]host:port[/db]`; credentials are left out of `target`. */
  readonly url: string;
  /** Stream key. Default `openim:events`. */
  readonly stream?: string;
  /** Approximate cap of the stream (`XADD MAXLEN ~`). Default 1,000,000. */
  readonly maxLen?: number;
  /** A consumer group to keep in existence: recreated (from the stream's start) when the stream or the group vanished. */
  readonly group?: string;
  /** How often, at most, the group is re-ensured alongside an XADD. Default 2 s (G16: recovered within 5 s). */
  readonly groupCheckMs?: number;
  /** Bound of one command and of a connect. Default 5 s. */
  readonly timeoutMs?: number;
  readonly logger?: SinkWarnings;
}

const consoleWarnings: SinkWarnings = { warn: (fields, message) => console.warn(message, fields) };

/** Replies that mean the server cannot take writes right now, not that this event is wrong. */
const SERVER_BUSY = /^(LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY|OOM|NOREPLICAS)\b/;

/**
 * A sink that appends each event to a Redis stream: `XADD key MAXLEN ~ n * id <eventId> command <cmd> envelope <body>`.
 * XADD always appends, so a retried event can appear twice: consumers dedupe by the `id` field. With `group`, the sink
 * runs `XGROUP CREATE key group 0 MKSTREAM` before its first XADD and then every `groupCheckMs` in the same pipeline,
 * so a stream that was deleted (and silently recreated, groupless, by the next XADD) gets its group back within
 * seconds, and from id 0, so the group's consumers miss nothing that was added meanwhile (svix #1844).
 *
 * Commands never queue while disconnected (`enableOfflineQueue: false`) and are not resent after a reconnect:
 * a delivery during an outage answers `unavailable` at once and the relay backs off.
 *
 * @example
 * const sink = createRedisSink({ name: 'cache', url: 'redis://127.0.0.1:6379', group: 'workers' });
 * await sink.deliver(event); // { kind: 'delivered' }
 */
export function createRedisSink(options: RedisSinkOptions): Sink {
  const {
    name,
    url,
    stream = 'openim:events',
    maxLen = 1_000_000,
    group,
    groupCheckMs = 2_000,
    timeoutMs = 5_000,
  } = options;
  const logger = options.logger ?? consoleWarnings;
  const target = withoutCredentials(url);
  let lastGroupCheck = -Infinity;
  let durabilityChecked = false;
  let lastError = '';
  let closed = false;

  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    // Reconnect forever, at most every 2 s: the relay decides how often to try deliveries.
    retryStrategy: (times) => Math.min(100 * 2 ** times, 2_000),
  });
  // Without a listener ioredis prints every reconnect failure; the reason is returned by the next delivery instead.
  redis.on('error', (error: Error) => {
    lastError = error.message;
  });
  // A new connection may be to a restarted (emptied) server: check the group again before the next XADD.
  redis.on('ready', () => {
    lastGroupCheck = -Infinity;
  });

  /** Once per sink: AOF with an fsync per write is the only Redis setting under which an XADD reply means "on disk". */
  async function checkDurability(): Promise<void> {
    durabilityChecked = true;
    try {
      const appendonly = (await redis.config('GET', 'appendonly')) as string[];
      const appendfsync = (await redis.config('GET', 'appendfsync')) as string[];
      if (appendonly[1] !== 'yes' || appendfsync[1] !== 'always') {
        logger.warn(
          { sink: name, target, appendonly: appendonly[1], appendfsync: appendfsync[1] },
          'Redis may lose acknowledged events on a crash: set `appendonly yes` and `appendfsync always`',
        );
      }
    } catch {
      // CONFIG is often renamed or refused on managed Redis: nothing to check then.
    }
  }

  let connecting: Promise<void> | undefined;

  async function ready(): Promise<string | undefined> {
    if (redis.status === 'ready') return undefined;
    // The first deliveries arrive together: they all wait for the one connect (bounded by connectTimeout) instead
    // of all but the first finding the client "connecting" and sending the whole lane into back-off.
    if (redis.status === 'wait' || redis.status === 'end') connecting = redis.connect();
    if (connecting) {
      try {
        await connecting;
        return undefined;
      } catch (error) {
        return messageOf(error);
      } finally {
        connecting = undefined;
      }
    }
    // Reconnecting after a drop: the client is on it; do not wait for it here.
    return lastError || redis.status;
  }

  return {
    name,
    kind: 'redis',
    target,
    async deliver(event: OutgoingEvent): Promise<AttemptResult> {
      if (closed) return { kind: 'unavailable', error: 'sink closed' };
      const notReady = await ready();
      if (notReady !== undefined) return { kind: 'unavailable', error: `${target}: ${notReady}` };
      if (!durabilityChecked) await checkDurability();
      const pipeline = redis.pipeline();
      const now = Date.now();
      const checkGroup = group !== undefined && now - lastGroupCheck >= groupCheckMs;
      if (checkGroup) pipeline.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
      pipeline.xadd(
        stream,
        'MAXLEN',
        '~',
        maxLen,
        '*',
        'id',
        event.eventId,
        'command',
        event.callbackCommand,
        'envelope',
        event.body,
      );
      let results;
      try {
        results = await pipeline.exec();
      } catch (error) {
        return classify(error);
      }
      if (!results) return { kind: 'unavailable', error: `${target}: pipeline discarded` };
      const [groupResult, addResult] = checkGroup ? results : [undefined, results[0]];
      if (checkGroup) lastGroupCheck = now;
      if (groupResult?.[0] && !/^BUSYGROUP/.test(groupResult[0].message)) {
        // Not fatal for this event (it was still appended); tried again after groupCheckMs, so this logs ≤ 1 line per check.
        logger.warn(
          { sink: name, stream, group, error: groupResult[0].message },
          'Redis consumer group could not be created',
        );
      }
      if (!addResult) return { kind: 'failed', error: 'no reply to XADD' };
      if (addResult[0]) return classify(addResult[0]);
      return { kind: 'delivered' };
    },
    async check(): Promise<void> {
      const notReady = await ready();
      if (notReady !== undefined) {
        logger.warn(
          { sink: name, target, error: notReady },
          'Redis unreachable at start: deliveries wait for it',
        );
        return;
      }
      if (!durabilityChecked) await checkDurability();
    },
    async close(): Promise<void> {
      closed = true;
      redis.disconnect(false);
    },
  };
}

/** Connection trouble, timeouts and "cannot write now" replies are the broker's; any other reply is the event's. */
function classify(error: unknown): AttemptResult {
  const message = messageOf(error);
  const isReply = error instanceof Error && error.name === 'ReplyError';
  if (!isReply || SERVER_BUSY.test(message)) return { kind: 'unavailable', error: message };
  return { kind: 'failed', error: message };
}
