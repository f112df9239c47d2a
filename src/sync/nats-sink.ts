import { connect, errors, nanos } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamApiError } from '@nats-io/jetstream';
import type { JetStreamClient } from '@nats-io/jetstream';
import { messageOf, withoutCredentials } from './sink.js';
import type { AttemptResult, OutgoingEvent, Sink, SinkWarnings } from './sink.js';

export interface NatsSinkOptions {
  readonly name: string;
  /** `nats://host:port` (user info, if any, is used to connect and left out of `target`). */
  readonly url: string;
  /** Subject to publish to; `{command}` is replaced by the callback command. Default `openim.{command}`. */
  readonly subject?: string;
  /** The stream that captures the subject; with `create`, it is made (file storage, 2 min duplicate window) if missing. */
  readonly stream?: { readonly name: string; readonly create: boolean };
  /** How long a publish waits for its PubAck before the broker counts as unavailable. Default 5 s. */
  readonly timeoutMs?: number;
  readonly logger?: SinkWarnings;
}

/** JetStream dedupes `Nats-Msg-Id` only within this window; retries of one event closer together than this are no-ops. */
const DUPLICATE_WINDOW_MS = 120_000;

const consoleWarnings: SinkWarnings = { warn: (fields, message) => console.warn(message, fields) };

/**
 * A sink that publishes each event's envelope to NATS JetStream with `Nats-Msg-Id` = event id, so a retry of an event
 * the broker already stored is acknowledged as a duplicate instead of stored twice. Connects on the first delivery;
 * the client then reconnects forever, and while it is disconnected deliveries answer `unavailable` at once rather
 * than buffering a publish that would go out, unacknowledged, after the reconnect.
 *
 * @example
 * const sink = createNatsSink({ name: 'bus', url: 'nats://127.0.0.1:4222', stream: { name: 'OPENIM', create: true } });
 * await sink.deliver(event); // { kind: 'delivered' }
 */
export function createNatsSink(options: NatsSinkOptions): Sink {
  const { name, url, timeoutMs = 5_000, logger = consoleWarnings } = options;
  const subjectTemplate = options.subject ?? 'openim.{command}';
  const target = withoutCredentials(url);
  let session: Promise<Session> | undefined;
  let closed = false;

  async function open(): Promise<Session> {
    const nc = await connect({
      servers: url,
      name: `openim-hooks sink ${name}`,
      timeout: timeoutMs,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
    });
    const current: Session = { nc, js: jetstream(nc, { timeout: timeoutMs }), connected: true };
    void followStatus(current);
    try {
      if (options.stream)
        await checkStream(nc, options.stream, streamSubject(subjectTemplate), { name, logger });
    } catch (error) {
      // Unreachable in the middle of the check: give up this connection; the next delivery connects afresh.
      await nc.close().catch(() => undefined);
      throw error;
    }
    // The client cannot see the server's fsync policy, so say once per connection what Jepsen found (NATS 2.12.1).
    logger.warn(
      { sink: name, target, server: nc.info?.version },
      'JetStream acknowledges before it fsyncs (every 2 min by default): set `jetstream { sync_interval: always }` on the server so acknowledged events survive a power loss',
    );
    return current;
  }

  async function followStatus(current: Session): Promise<void> {
    for await (const status of current.nc.status()) {
      if (status.type === 'disconnect') current.connected = false;
      if (status.type === 'reconnect') current.connected = true;
    }
  }

  return {
    name,
    kind: 'nats',
    target,
    async deliver(event: OutgoingEvent): Promise<AttemptResult> {
      if (closed) return { kind: 'unavailable', error: 'sink closed' };
      let current: Session;
      try {
        current = await (session ??= open());
      } catch (error) {
        session = undefined;
        return { kind: 'unavailable', error: `connect ${target}: ${messageOf(error)}` };
      }
      if (current.nc.isClosed()) {
        session = undefined;
        return { kind: 'unavailable', error: `connection to ${target} closed` };
      }
      if (!current.connected) return { kind: 'unavailable', error: `reconnecting to ${target}` };
      try {
        // A duplicate PubAck means the stream already holds this event id: delivered all the same.
        await current.js.publish(subjectFor(subjectTemplate, event.callbackCommand), event.body, {
          msgID: event.eventId,
          timeout: timeoutMs,
        });
        return { kind: 'delivered' };
      } catch (error) {
        return classifyPublishError(error);
      }
    },
    async check(): Promise<void> {
      try {
        await (session ??= open());
      } catch (error) {
        session = undefined;
        logger.warn(
          { sink: name, target, error: messageOf(error) },
          'NATS unreachable at start: deliveries wait for it',
        );
      }
    },
    async close(): Promise<void> {
      closed = true;
      const pending = session;
      session = undefined;
      const current = await pending?.catch(() => undefined);
      await current?.nc.close().catch(() => undefined);
    },
  };
}

interface Session {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  connected: boolean;
}

/** Broker-level trouble (no answer, no connection) keeps the event's attempts; anything JetStream answered is the event's. */
function classifyPublishError(error: unknown): AttemptResult {
  const message = messageOf(error);
  if (
    error instanceof errors.TimeoutError ||
    error instanceof errors.ConnectionError ||
    error instanceof errors.ClosedConnectionError ||
    error instanceof errors.DrainingConnectionError
  ) {
    return { kind: 'unavailable', error: message };
  }
  // JetStreamNotEnabled (no stream listens on the subject) and JetStreamApiError (e.g. a full stream) land here.
  return { kind: 'failed', error: message };
}

/** Creates the stream when asked to and it is missing; warns when an existing one dedupes for too short or is not on disk. */
async function checkStream(
  nc: NatsConnection,
  stream: { readonly name: string; readonly create: boolean },
  subject: string,
  context: { name: string; logger: SinkWarnings },
): Promise<void> {
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  let config;
  try {
    config = (await jsm.streams.info(stream.name)).config;
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || !/not found/i.test(error.message)) throw error;
    if (!stream.create) {
      context.logger.warn(
        { sink: context.name, stream: stream.name },
        'JetStream stream not found: deliveries fail until it exists',
      );
      return;
    }
    await jsm.streams.add({
      name: stream.name,
      subjects: [subject],
      storage: 'file',
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    });
    return;
  }
  if (config.duplicate_window < nanos(DUPLICATE_WINDOW_MS)) {
    context.logger.warn(
      { sink: context.name, stream: stream.name, duplicateWindowMs: config.duplicate_window / 1e6 },
      'JetStream duplicate window under 2 min: a retried event may be stored twice',
    );
  }
  if (config.storage !== 'file') {
    context.logger.warn(
      { sink: context.name, stream: stream.name, storage: config.storage },
      'JetStream stream is not on disk: a restart loses it',
    );
  }
}

/** `openim.{command}` with the command as one safe subject token (no dots, wildcards or spaces). */
export function subjectFor(template: string, command: string): string {
  return template.replaceAll('{command}', command.replace(/[^A-Za-z0-9_-]/g, '_'));
}

/** The subjects a created stream captures: the template with each `{command}` token as `*` (`openim.{command}` → `openim.*`). */
export function streamSubject(template: string): string {
  return template
    .split('.')
    .map((token) => (token.includes('{command}') ? '*' : token))
    .join('.');
}
