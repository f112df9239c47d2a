/** OpenIM's http.Client has a fixed 15 s limit on top of the per-callback timeout (docs/protocol.md §1.4). */
export const GO_CLIENT_TIMEOUT_MS = 15_000;

/** min(timeout, 15 s) in milliseconds; a timeout of 0 (or less) means 15 s. */
export function effectiveTimeoutMs(timeoutSeconds: number): number {
  if (!(timeoutSeconds > 0)) return GO_CLIENT_TIMEOUT_MS;
  return Math.min(timeoutSeconds * 1000, GO_CLIENT_TIMEOUT_MS);
}
