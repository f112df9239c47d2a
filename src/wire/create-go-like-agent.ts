import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * Like OpenIM's transport: MaxConnsPerHost 100, keep-alive on, at most 2 idle connections kept per host (Go's
 * default for a custom Transport). A load generator keeps all of its connections idle instead.
 */
export function createGoLikeAgent(target: string, maxSockets = 100, maxFreeSockets = 2): HttpAgent {
  const options = { keepAlive: true, maxSockets, maxFreeSockets: Math.min(maxFreeSockets, maxSockets) };
  return target.startsWith('https:') ? new HttpsAgent(options) : new HttpAgent(options);
}
