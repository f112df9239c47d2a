import type { ErrorName } from '../../protocol/index.js';

export interface AdmissionOptions {
  /** Requests in flight at once (body reading included); more are answered 503 at once. Default 256. */
  readonly maxConcurrentRequests?: number;
  /** Requests per second per client address (token bucket, burst = 2 s worth); 0 or absent = no limit. */
  readonly rateLimitPerIp?: number;
  readonly now?: () => number;
}

export type Admission =
  | { readonly ok: true; release(): void }
  | { readonly ok: false; readonly error: ErrorName; readonly detail: string };

export interface Admitter {
  /** Called before the body is read; on success `release()` must be called once the answer is sent. */
  admit(client: string | undefined): Admission;
  readonly inFlight: () => number;
}

/** Buckets kept at most; past it, the least recently refilled are dropped (they are full again by then anyway). */
const MAX_BUCKETS = 100_000;

/**
 * Back-pressure before any work: a cap on concurrent requests, and an optional per-address token bucket. Both answer
 * fast and cheap, so a flood costs one small JSON answer per request.
 */
export function createAdmission(options: AdmissionOptions = {}): Admitter {
  const cap = options.maxConcurrentRequests ?? 256;
  const rate = options.rateLimitPerIp ?? 0;
  const burst = Math.max(1, rate * 2);
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  let inFlight = 0;

  function takeToken(client: string): boolean {
    const time = now();
    const bucket = buckets.get(client) ?? { tokens: burst, at: time };
    bucket.tokens = Math.min(burst, bucket.tokens + ((time - bucket.at) / 1000) * rate);
    bucket.at = time;
    buckets.delete(client);
    buckets.set(client, bucket);
    if (buckets.size > MAX_BUCKETS) {
      const oldest = buckets.keys().next();
      if (!oldest.done) buckets.delete(oldest.value);
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  return {
    inFlight: () => inFlight,
    admit(client) {
      if (rate > 0 && !takeToken(client ?? 'unknown')) {
        return {
          ok: false,
          error: 'TOO_MANY_REQUESTS',
          detail: `more than ${rate} requests/s from ${client ?? 'unknown'}`,
        };
      }
      if (inFlight >= cap)
        return { ok: false, error: 'OVERLOADED', detail: `more than ${cap} requests in flight` };
      inFlight += 1;
      let released = false;
      return {
        ok: true,
        release() {
          if (released) return;
          released = true;
          inFlight -= 1;
        },
      };
    },
  };
}
