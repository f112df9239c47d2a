import { createHttpSink } from './http-sink.js';
import { openimFormatSink } from './openim-format-sink.js';
import { isOpenimFormatUrl } from './sink-config.js';
import type { SinkConfig } from './sink-config.js';
import type { Sink, SinkWarnings } from './sink.js';

/**
 * The sink a configuration names, by its URL's scheme. Broker clients are loaded only when a sink of their kind is
 * configured, so a receiver without NATS or Redis sinks never loads their drivers.
 */
export async function createSink(
  config: SinkConfig,
  allowPrivate: boolean,
  logger: SinkWarnings,
): Promise<Sink> {
  if (isOpenimFormatUrl(config.url)) {
    return openimFormatSink({
      name: config.name,
      url: config.url.slice('openim+'.length),
      allowPrivate,
      ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
    });
  }
  const scheme = new URL(config.url).protocol;
  if (scheme === 'http:' || scheme === 'https:') {
    return createHttpSink({
      name: config.name,
      url: config.url,
      allowPrivate,
      ...(config.secrets ? { secrets: config.secrets } : {}),
      ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
    });
  }
  if (scheme === 'nats:') {
    const { createNatsSink } = await import('./nats-sink.js');
    return createNatsSink({
      name: config.name,
      url: config.url,
      logger,
      ...(config.subject ? { subject: config.subject } : {}),
      // JetStream only acknowledges what a stream captures: with no stream named, use (and make) OPENIM.
      stream: config.stream
        ? { name: config.stream, create: config.createStream ?? false }
        : { name: 'OPENIM', create: config.createStream ?? true },
    });
  }
  const { createRedisSink } = await import('./redis-sink.js');
  return createRedisSink({
    name: config.name,
    url: config.url,
    logger,
    ...(config.stream ? { stream: config.stream } : {}),
    ...(config.maxLen !== undefined ? { maxLen: config.maxLen } : {}),
    ...(config.group ? { group: config.group } : {}),
  });
}
