import type { CallbackOutcome } from '../callback-outcome.js';

/**
 * Whether reliable mode tries again: on a network error or timeout, a non-2xx status, or a body that is not JSON.
 * A decodable 2xx answer is final, a rejection included (an after-callback cannot be rejected anyway), and so is a
 * JSON answer of the wrong shape (`"nextCode": "0"` will not change on a retry).
 */
export function isRetryable(outcome: CallbackOutcome): boolean {
  if (outcome.status === null) return true;
  if (outcome.status < 200 || outcome.status > 299) return true;
  return (
    outcome.errorKind === 'response-format' ||
    outcome.errorKind === 'connection-reset' ||
    outcome.errorKind === 'timeout' ||
    outcome.errorKind === 'network'
  );
}
