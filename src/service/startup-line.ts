import { hostname } from 'node:os';
import { redactDatabase } from '../store/index.js';
import type { ServiceConfig } from './config.js';
import type { SinkInfo } from './api/api-context.js';
import { isLoopbackHost } from './service-auth.js';

/** The host OpenIM should call: the bound address, or this machine's name when listening on every address. */
function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '[::]') return hostname();
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * What the start-up line says: the `url` to paste into OpenIM's config/webhooks.yml (with placeholders where a
 * secret path segment or Basic credentials go, never the secrets themselves), the database, the sinks, the dashboard.
 */
export function startupSummary(config: ServiceConfig, port: number, sinks: readonly SinkInfo[]) {
  const origin = `http://${reachableHost(config.host)}:${port}`;
  const credentials = config.basicAuth.length > 0 ? '<user>:<password>@' : '';
  const secretSegment = config.pathSecrets.length > 0 ? '/<path secret>' : '';
  const webhooksUrl = `http://${credentials}${origin.slice('http://'.length)}${config.basePath}${secretSegment}`;
  const dashboard = `${origin}/`;
  const summary = {
    webhooksUrl,
    database: redactDatabase(config.database),
    sinks: config.sinks.map((sink) => {
      const known = sinks.find((s) => s.name === sink.name);
      return `${sink.name}=${redactDatabase(sink.url)}${known?.generatedSecret ? ' (signed with a generated secret)' : ''}`;
    }),
    dashboard,
  };
  const token = isLoopbackHost(config.host) ? '' : ' (bearer token)';
  const message =
    `openim-hooks listening: in OpenIM config/webhooks.yml set url: ${webhooksUrl}; database ${summary.database}; ` +
    `sinks ${summary.sinks.length > 0 ? summary.sinks.join(', ') : 'none'}; dashboard ${dashboard}${token}`;
  return { summary, message };
}
