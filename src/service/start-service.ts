import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createReceiver, handleNodeRequest, writeRawResponse } from '../receiver/index.js';
import type { CallbackHandlers } from '../receiver/index.js';
import {
  createSpoolingRecorder,
  isPostgresUrl,
  openSpool,
  openStore,
  redactDatabase,
} from '../store/index.js';
import type { SpoolingRecorder, Store } from '../store/index.js';
import type { ServiceConfig } from './config.js';
import { createLogger, floodWarningAllowed, logOutcome } from './logger.js';
import type { Logger } from './logger.js';
import { answerApiRequest, isApiPath } from './query-api.js';
import { createMetrics } from './metrics.js';
import { createSink } from '../sync/create-sink.js';
import { startRelay } from '../sync/relay.js';
import { apiAuthorization } from './api-authorization.js';
import { authOptionsOf, checkExposure, isLoopbackHost } from './service-auth.js';

export interface RunningService {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly callbackUrl: string;
  readonly store: Store;
  readonly logger: Logger;
  /** Stops accepting, lets in-flight requests finish, commits what is pending, closes the store. */
  close(): Promise<void>;
}

export interface ServiceOptions {
  logger?: Logger;
  handlers?: CallbackHandlers;
  /** How long close() waits for in-flight requests before cutting connections. Default 10 s. */
  drainTimeoutMs?: number;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  writeRawResponse(res, {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  });
}

/**
 * `ready` when the store commits; `degraded` while PostgreSQL is unreachable or the spool is not yet flushed. Degraded
 * is still 200: the instance acknowledges durably (to its spool), and a load balancer that took it out would take out
 * every instance of the shared database at once. 503 only when no commit is possible at all.
 */
async function readiness(
  store: Store,
  spooling: SpoolingRecorder | undefined,
  maxLagSeconds: number,
): Promise<{ status: number; body: Record<string, unknown> }> {
  try {
    await (spooling ?? store).checkWritable();
  } catch (error) {
    return {
      status: 503,
      body: { status: 'unavailable', reason: error instanceof Error ? error.message : String(error) },
    };
  }
  const spooled = spooling?.status();
  if (spooled?.state === 'degraded') {
    return {
      status: 200,
      body: { status: 'degraded', spoolDepth: spooled.spoolDepth, reason: spooled.reason },
    };
  }
  // Callbacks are still acknowledged durably while reads trail: degraded, not unavailable.
  const lag = await store.projectionLag();
  if (lag.seconds > maxLagSeconds) {
    return {
      status: 200,
      body: {
        status: 'degraded',
        projectionLag: lag,
        reason: `reads trail the acknowledged callbacks by ${lag.events} callbacks (${lag.seconds.toFixed(1)} s)`,
      },
    };
  }
  return { status: 200, body: { status: 'ready' } };
}

/** A projection that fails (a full disk, say) is retried at every turn: one log line a second at most. */
function logProjectionError(logger: Logger, error: string): void {
  const { allowed, suppressed } = floodWarningAllowed(logger);
  if (allowed)
    logger.error({ err: error, suppressed }, 'projection failed: retrying (callbacks stay in the inbox)');
}

/** The receiver, the query API and the health checks on one node:http server. */
export async function startService(
  config: ServiceConfig,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const auth = authOptionsOf(config);
  const authenticates = Boolean(
    auth.pathSecrets || auth.basic || auth.allowIps || auth.signature || auth.bodyHmac,
  );
  checkExposure(config, authenticates);
  if (!authenticates && !isLoopbackHost(config.host)) {
    logger.warn(
      { host: config.host },
      'no callback authentication on a non-loopback address (--allow-unauthenticated)',
    );
  }
  const authorizeApi = apiAuthorization(config);
  // Opened first: a spool that cannot be locked (another instance has it) stops the start before anything runs.
  const spool = isPostgresUrl(config.database) ? openSpool(config.spool) : undefined;
  const store = openStore(config.database, {
    sinks: config.sinks.map((sink) => ({
      name: sink.name,
      commands: sink.commands ?? null,
      invalid: sink.invalidEvents ?? false,
    })),
    onProjectionError: (error) => logProjectionError(logger, error),
  });
  // PostgreSQL is a network away: while it is unreachable, callbacks are acknowledged from a local spool. (The relay
  // finds flushed events at its next poll.)
  const spooling = spool && createSpoolingRecorder(store, spool, { logger });
  const metrics = createMetrics(
    store,
    config.sinks.map((sink) => sink.name),
    spooling,
  );
  const relay =
    config.sinks.length === 0 || !config.relay
      ? undefined
      : startRelay({
          outbox: store,
          logger,
          observer: metrics.relayObserver,
          sinks: await Promise.all(
            config.sinks.map(async (sink) => ({
              sink: await createSink(sink, config.allowPrivateSinks, logger),
              schedule: sink.retrySchedule,
              leaseMs: sink.leaseMs ?? (sink.timeoutMs ?? 15_000) + 30_000,
              ...(sink.concurrency !== undefined ? { concurrency: sink.concurrency } : {}),
            })),
          ),
        });
  // New events have outbox rows once projected: the relay picks them up now rather than at its next poll.
  if (relay) store.onProjected(() => relay.wake());
  const receiver = createReceiver({
    auth,
    maxConcurrentRequests: config.maxConcurrentRequests,
    rateLimitPerIp: config.rateLimitPerIp,
    basePath: config.basePath,
    recorder: spooling ?? store,
    maxBodyBytes: config.maxBodyBytes,
    beforeDeadlineMs: config.beforeDeadlineMs,
    beforeFailure: config.beforeFailure,
    ...(options.handlers ? { handlers: options.handlers } : {}),
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const pathname = target.split('?', 1)[0] ?? '/';
    if (pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (pathname === '/readyz') {
      const { status, body } = await readiness(store, spooling, config.maxProjectionLagSeconds);
      return sendJson(res, status, body);
    }
    if (isApiPath(pathname) || pathname === '/metrics') {
      const denied = authorizeApi(req.headers.authorization, req.headers.host, req.headers.origin);
      if (denied) return sendJson(res, denied.status, denied.body);
      if (pathname === '/metrics') {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        return void res.end(await metrics.registry.metrics());
      }
      const answer = await answerApiRequest(
        store,
        req.method ?? 'GET',
        new URL(target, 'http://localhost'),
        relay,
      );
      return sendJson(res, answer.status, answer.body);
    }
    const started = performance.now();
    await handleNodeRequest(receiver, req, res, {
      onOutcome: (outcome) => {
        logOutcome(logger, outcome, performance.now() - started);
        metrics.callback(outcome);
      },
    });
  }

  const server = createServer(
    {
      // Slowloris: a client must send its headers, then its whole request, within these; checked every second.
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
    },
    (req, res) => {
      route(req, res).catch((error: unknown) => {
        logger.error({ err: error, url: req.url }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { errCode: 500, errMsg: 'internal error', errDlt: '' });
        else res.destroy();
      });
    },
  );
  // OpenIM's Go client keeps connections alive; outlive its idle pool so it rarely meets a closed socket.
  server.keepAliveTimeout = 95_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info(
    { url, basePath: config.basePath, database: redactDatabase(config.database) },
    'openim-hooks listening',
  );

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= (async () => {
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), options.drainTimeoutMs ?? 10_000);
      await drained;
      clearTimeout(timer);
      await relay?.stop();
      await spooling?.close();
      await store.close();
      logger.info('openim-hooks stopped');
      logger.flush();
    })();
    return closing;
  }

  return { url, callbackUrl: `${url}${config.basePath}`, store, logger, close };
}
