import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ERROR_CODES, errorResponse } from '../protocol/index.js';
import { createReceiver, handleNodeRequest, writeRawResponse } from '../receiver/index.js';
import type { CallbackHandlers, Outcome, RawRequest, RawResponse, Receiver } from '../receiver/index.js';
import {
  createSpoolingRecorder,
  isPostgresUrl,
  openSpool,
  openStore,
  refusalOfPostgres,
  SchemaTooNewError,
} from '../store/index.js';
import type { DiskWatch, Store } from '../store/index.js';
import { ConfigError } from './config.js';
import type { ServiceConfig } from './config.js';
import { createLogger, floodWarningAllowed, logOutcome } from './logger.js';
import type { Logger } from './logger.js';
import { answerApiRequest, isApiPath } from './query-api.js';
import { createMetrics } from './metrics.js';
import { startRelay } from '../sync/relay.js';
import type { RelayObserver } from '../sync/relay.js';
import { apiAuthorization, namesLoopback } from './api-authorization.js';
import { authOptionsOf, checkExposure, isLoopbackHost } from './service-auth.js';
import { apiError } from './api/api-answer.js';
import { SUCCESS_ANSWER } from './api/event-detail.js';
import { createEventFeed } from './event-feed/event-feed.js';
import { openapiDocument } from './openapi/openapi-document.js';
import {
  DASHBOARD_HEADERS,
  dashboardFile,
  isDashboardAsset,
  isDashboardPage,
} from './dashboard/dashboard-files.js';
import { crossOriginWrite } from './same-origin.js';
import { checkPrivateSinks, prepareSinks } from './sink-setup.js';
import { startupSummary } from './startup-line.js';
import { readiness } from './readiness.js';
import { watchDiskOf } from './watch-disk-of.js';

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
  /**
   * Called with every callback the receiver answered (recorded or refused), and may give OpenIM another answer: how
   * `listen` hands a before-callback to the business server and returns its answer. Default: the receiver's answer.
   */
  answer?: (request: RawRequest, response: RawResponse) => Promise<RawResponse>;
  /** Told of every callback answered, with the answer that went out (`listen` prints one line each). */
  onCallback?: (outcome: Outcome, response: RawResponse) => void;
  /** Told of every delivery attempt, besides the metrics. */
  relayObserver?: RelayObserver;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  writeRawResponse(res, {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  });
}

/** A projection that fails (a full disk, say) is retried every second at most: one log line a second at most. */
function logProjectionError(logger: Logger, error: string): void {
  const { allowed, suppressed } = floodWarningAllowed(logger);
  if (allowed)
    logger.error({ err: error, suppressed }, 'projection failed: retrying (callbacks stay in the inbox)');
}

/** Store errors that mean "no room on the disk" (Node's ENOSPC, SQLite's SQLITE_FULL). */
const isDiskFull = (error: string) => /ENOSPC|no space left|disk is full|SQLITE_FULL/i.test(error);

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
  await checkPrivateSinks(config);
  if (isPostgresUrl(config.database)) {
    // A database that does not exist or refuses our credentials is a setting to fix, not an outage to spool through.
    const refusal = await refusalOfPostgres(config.database);
    if (refusal !== undefined) throw new ConfigError(`database: ${refusal}`);
  }
  // Opened first: a spool that cannot be locked (another instance has it) stops the start before anything runs.
  const spool = isPostgresUrl(config.database) ? openSpool(config.spool) : undefined;
  const disk: DiskWatch = watchDiskOf(config, logger);
  // The metrics need the store, and the store reports what it prunes to them: bound once both exist.
  const late: { metrics?: ReturnType<typeof createMetrics> } = {};
  let lastProjectionError: { at: number; error: string } | undefined;
  let store: Store;
  try {
    store = openStore(config.database, {
      sinks: config.sinks.map((sink) => ({
        name: sink.name,
        commands: sink.commands ?? null,
        invalid: sink.invalidEvents ?? false,
      })),
      retention: {
        defaultMs: config.retention,
        byCommand: config.retentionByCommand,
        retainConversations: config.retainConversations,
      },
      onProjectionError: (error) => {
        lastProjectionError = { at: Date.now(), error };
        logProjectionError(logger, error);
        if (isDiskFull(error)) void disk.check();
      },
      onPruned: (counts) => late.metrics?.pruned(counts),
      onPruneError: (error) => {
        const { allowed, suppressed } = floodWarningAllowed(logger);
        if (allowed) logger.warn({ err: error, suppressed }, 'pruning failed: retrying in a few seconds');
      },
      onNotice: (level, message, fields) => logger[level](fields ?? {}, message),
    });
  } catch (error) {
    // Not this code's database: a setting to fix (or a binary to upgrade), named with both versions.
    if (error instanceof SchemaTooNewError) throw new ConfigError(`database: ${error.message}`);
    spool?.close();
    await disk.close();
    throw error;
  }
  // PostgreSQL is a network away: while it is unreachable, callbacks are acknowledged from a local spool. (The relay
  // finds flushed events at its next poll.)
  const spooling = spool && createSpoolingRecorder(store, spool, { logger });
  const serviceMetrics = createMetrics(
    store,
    config.sinks.map((sink) => sink.name),
    spooling,
    disk,
  );
  late.metrics = serviceMetrics;
  const relayed = config.sinks.length > 0 && config.relay;
  const prepared = relayed ? await prepareSinks(config, store, logger) : { relaySinks: [], info: [] };
  if (relayed) {
    // A restart (after a sink's configuration was fixed, say) makes every held delivery due: no waiting out a backoff
    // that was computed for the old configuration.
    for (const sink of config.sinks) await store.retryNow({ sink: sink.name }, Date.now());
  }
  const observer: RelayObserver = {
    attempt(...args) {
      serviceMetrics.relayObserver.attempt?.(...args);
      options.relayObserver?.attempt?.(...args);
    },
    settled(...args) {
      options.relayObserver?.settled?.(...args);
    },
  };
  const relay = relayed
    ? startRelay({ outbox: store, logger, observer, sinks: prepared.relaySinks })
    : undefined;
  const feed = createEventFeed(store, { holeGraceMs: isPostgresUrl(config.database) ? 1_000 : 0 });
  const openapi = () => openapiDocument(config.basePath);
  // New events (with their outbox rows) are there once projected: the relay and the live feed look now rather than
  // at their next poll.
  store.onProjected(() => {
    relay?.wake();
    feed.wake();
  });

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
  const answering = withAnswers(receiver, store, logger, options);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const pathname = target.split('?', 1)[0] ?? '/';
    const method = req.method ?? 'GET';
    if (pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (pathname === '/readyz') {
      const { status, body } = await readiness({
        store,
        spooling,
        maxLagSeconds: config.maxProjectionLagSeconds,
        disk: () => disk.status(),
        projectionError: () =>
          lastProjectionError && Date.now() - lastProjectionError.at < 5000
            ? lastProjectionError.error
            : undefined,
      });
      return sendJson(res, status, body);
    }
    if (
      (method === 'GET' || method === 'HEAD') &&
      (isDashboardPage(pathname, req.headers.accept) || isDashboardAsset(pathname))
    ) {
      // The page and its scripts hold no data (the data comes from the API, with the API's protection), but on
      // loopback the Host check still applies: a rebinding site must not even load it.
      const host = req.headers.host;
      if (isLoopbackHost(config.host) && host !== undefined && !namesLoopback(host)) {
        const refused = apiError('UNAUTHORIZED', 'Host is not this machine (DNS rebinding?)');
        return sendJson(res, refused.status, refused.body);
      }
      const file = await dashboardFile(pathname);
      if (!file) {
        const missing = apiError('NOT_FOUND', `no file ${pathname}`);
        return sendJson(res, missing.status, missing.body);
      }
      res.writeHead(200, { 'content-type': file.type, ...DASHBOARD_HEADERS });
      return void res.end(file.body);
    }
    if (isApiPath(pathname) || pathname === '/metrics') {
      const denied = authorizeApi(req.headers.authorization, req.headers.host, req.headers.origin);
      if (denied) return sendJson(res, denied.status, denied.body);
      const crossSite = crossOriginWrite(method, req.headers);
      if (crossSite) {
        const refused = apiError('UNAUTHORIZED', crossSite);
        return sendJson(res, refused.status, refused.body);
      }
      if (pathname === '/metrics') {
        res.writeHead(200, { 'content-type': serviceMetrics.registry.contentType });
        return void res.end(await serviceMetrics.registry.metrics());
      }
      const answer = await answerApiRequest(
        { store, relay, sinks: prepared.info, feed, headers: req.headers, openapi },
        method,
        new URL(target, 'http://localhost'),
      );
      if ('stream' in answer) return answer.stream(res);
      return sendJson(res, answer.status, answer.body);
    }
    const started = performance.now();
    await handleNodeRequest(answering, req, res, {
      onOutcome: (outcome) => {
        logOutcome(logger, outcome, performance.now() - started);
        serviceMetrics.callback(outcome);
        // A callback that could not be recorded for want of space: the reserve goes now, not at the next look.
        if (outcome.error === 'STORAGE_UNAVAILABLE' && isDiskFull(outcome.detail ?? '')) void disk.check();
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
        // Whoever asked (OpenIM or an API client), the answer is the response package: OpenIM goes on.
        const { status, errCode, errMsg } = ERROR_CODES.INTERNAL_ERROR;
        if (!res.headersSent) sendJson(res, status, errorResponse(errCode, errMsg));
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
  const { summary, message } = startupSummary(config, port, prepared.info);
  logger.info({ url, basePath: config.basePath, ...summary }, message);
  for (const sink of prepared.info) {
    if (sink.generatedSecret) {
      logger.info(
        { sink: sink.name, secret: sink.generatedSecret },
        `sink ${sink.name} signs with ${sink.generatedSecret} (generated and kept in the database; verify webhook-signature with it, or mark the sink unsigned: true)`,
      );
    }
  }

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= (async () => {
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      // Live streams never end by themselves: end them, or the drain would wait for its timeout.
      feed.close();
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), options.drainTimeoutMs ?? 10_000);
      await drained;
      clearTimeout(timer);
      await relay?.stop();
      await spooling?.close();
      await store.close();
      await disk.close();
      logger.info('openim-hooks stopped');
      logger.flush();
    })();
    return closing;
  }

  return { url, callbackUrl: `${url}${config.basePath}`, store, logger, close };
}

/**
 * The receiver, with the answers that were not the success package kept for the event's detail (off the ack path:
 * OpenIM has its answer before the write), and `answer` given the last word.
 */
function withAnswers(
  receiver: Receiver,
  store: Store,
  logger: Logger,
  { answer, onCallback }: Pick<ServiceOptions, 'answer' | 'onCallback'>,
): Receiver {
  return {
    ...receiver,
    async handle(request) {
      const first = await receiver.handle(request);
      const response = answer ? await answer(request, first) : first;
      onCallback?.(response.outcome, response);
      const { eventId, duplicate } = response.outcome;
      if (
        eventId !== undefined &&
        !duplicate &&
        (response.status !== 200 || response.body !== SUCCESS_ANSWER)
      ) {
        store.recordAnswer(eventId, response.status, response.body).catch((error: unknown) => {
          // On a full disk every such answer fails alike: one line a second at most.
          const { allowed, suppressed } = floodWarningAllowed(logger);
          if (allowed)
            logger.warn({ err: error, eventId, suppressed }, 'the answer of an event could not be kept');
        });
      }
      return response;
    },
  };
}
