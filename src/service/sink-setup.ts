import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Store } from '../store/index.js';
import { createSink } from '../sync/create-sink.js';
import type { RelaySink } from '../sync/relay.js';
import type { SinkConfig } from '../sync/sink-config.js';
import { isPrivateAddress } from '../sync/ssrf-guard.js';
import type { SinkWarnings } from '../sync/sink.js';
import type { SinkInfo } from './api/api-context.js';
import { ConfigError } from './config.js';
import type { ServiceConfig } from './config.js';

/** http(s):// and openim+http(s)://: the sinks the SSRF guard covers (brokers are usually local on purpose). */
function httpHostOf(url: string): string | undefined {
  if (!/^(openim\+)?https?:\/\//.test(url)) return undefined;
  return new URL(url.replace(/^openim\+/, '')).hostname.replace(/^\[|\]$/g, '');
}

/**
 * Refuses to start with a sink the SSRF guard would refuse at every attempt (loopback or private), so the mistake is
 * seen at once rather than as a sink that never delivers. A name that does not resolve now is left to the guard.
 */
export async function checkPrivateSinks(
  config: Pick<ServiceConfig, 'sinks' | 'allowPrivateSinks'>,
): Promise<void> {
  if (config.allowPrivateSinks) return;
  for (const sink of config.sinks) {
    const host = httpHostOf(sink.url);
    if (host === undefined) continue;
    const addresses = isIP(host)
      ? [host]
      : await lookup(host, { all: true }).then(
          (found) => found.map((a) => a.address),
          () => [],
        );
    const blocked = addresses.find(isPrivateAddress);
    if (blocked === undefined) continue;
    throw new ConfigError(
      `sink ${sink.name}: ${host} is a loopback or private address (${blocked}); to send there, set ` +
        'allowPrivateSinks: true (flag --allow-private-sinks, OPENIM_HOOKS_ALLOW_PRIVATE_SINKS=true)',
    );
  }
}

const isSignedHttp = (sink: SinkConfig) => /^https?:\/\//.test(sink.url);

/** A fresh Standard Webhooks secret: 24 random bytes, base64, as `whsec_…`. */
const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

export interface PreparedSinks {
  readonly relaySinks: RelaySink[];
  readonly info: SinkInfo[];
}

/**
 * The relay's sinks from the configuration: an HTTP sink configured without secrets signs with one generated once and
 * kept in the database (as `stripe listen` does), unless it is marked `unsigned: true`; broker sinks connect now, so
 * that their durability warnings come at start.
 */
export async function prepareSinks(
  config: ServiceConfig,
  store: Store,
  logger: SinkWarnings,
): Promise<PreparedSinks> {
  const relaySinks: RelaySink[] = [];
  const info: SinkInfo[] = [];
  for (const sink of config.sinks) {
    const generate = isSignedHttp(sink) && !sink.unsigned && (sink.secrets ?? []).length === 0;
    const generatedSecret = generate ? await store.sinkSecret(sink.name, newSecret) : undefined;
    const created = await createSink(
      generatedSecret ? { ...sink, secrets: [generatedSecret] } : sink,
      config.allowPrivateSinks,
      logger,
    );
    await created.check?.();
    relaySinks.push({
      sink: created,
      schedule: sink.retrySchedule,
      leaseMs: sink.leaseMs ?? (sink.timeoutMs ?? 15_000) + 30_000,
      ...(sink.concurrency !== undefined ? { concurrency: sink.concurrency } : {}),
    });
    info.push({
      name: sink.name,
      unsigned: sink.unsigned ?? false,
      ...(generatedSecret ? { generatedSecret } : {}),
    });
  }
  return { relaySinks, info };
}
