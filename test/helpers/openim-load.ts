import { SEED_COMMAND, SUCCESS_BODY, singleChatBody } from '../fixtures/seed.js';
import { postLikeOpenIM } from './openim-client.js';

export interface LoadAnswer {
  readonly operationID: string;
  readonly status: number;
  readonly body: string;
  /** When the answer came, epoch ms. */
  readonly at: number;
}

/**
 * OpenIM-like clients, each posting new single chats one after another (operationIDs `<prefix>-<client>-<i>`) until
 * stopped, at most `maxEach` each; `ex` bytes of extra data make the events as large as a test needs.
 */
export function startOpenimLoad(
  url: string,
  options: { clients: number; prefix: string; ex?: number; maxEach?: number; pauseMs?: number },
) {
  const answers: LoadAnswer[] = [];
  const failures: string[] = [];
  let stopped = false;
  const ex = 'x'.repeat(options.ex ?? 0);
  const loops = Array.from({ length: options.clients }, async (_, client) => {
    for (let i = 0; !stopped && i < (options.maxEach ?? 100_000); i++) {
      const operationID = `${options.prefix}-${client}-${i}`;
      const body = singleChatBody(`${options.prefix}${client}x${i}`, 'peer', SEED_COMMAND, { ex });
      try {
        const answer = await postLikeOpenIM(`${url}/callbackExample/${SEED_COMMAND}`, body, { operationID });
        answers.push({ operationID, status: answer.status, body: answer.body, at: Date.now() });
      } catch (error) {
        failures.push(`${operationID}: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  });
  return {
    answers,
    failures,
    /** The answers that were the success package: acknowledged callbacks. */
    acked: () => answers.filter((a) => a.body === SUCCESS_BODY),
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}
