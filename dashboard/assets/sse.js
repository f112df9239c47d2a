// @ts-check
import { withToken } from './api.js';

/**
 * Follows a Server-Sent Events stream with fetch rather than EventSource, because EventSource cannot send the
 * Authorization header (and the token must never go in the URL). Reconnects with Last-Event-ID after a drop,
 * backing off up to 10 s; `close()` ends it.
 * @param {string} path
 * @param {(data: any, id: string) => void} onMessage
 * @param {(state: 'open' | 'closed' | 'error', detail?: string) => void} onState
 */
export function follow(path, onMessage, onState) {
  const controller = new AbortController();
  let lastId = '';
  let delay = 500;

  async function connect() {
    /** @type {Record<string, string>} */
    const headers = lastId ? { 'last-event-id': lastId } : {};
    const response = await fetch(path, withToken({ headers, signal: controller.signal }));
    if (!response.ok || !response.body) {
      const body = await response.json().catch(() => ({}));
      throw new Error(`${response.status} ${body.errDlt ?? ''}`);
    }
    onState('open');
    delay = 500;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let data = '';
        let id = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('data: ')) data += line.slice(6);
          else if (line.startsWith('id: ')) id = line.slice(4);
        }
        if (!data) continue;
        if (id) lastId = id;
        onMessage(JSON.parse(data), id);
      }
    }
  }

  (async () => {
    while (!controller.signal.aborted) {
      try {
        await connect();
        onState('closed');
      } catch (error) {
        if (controller.signal.aborted) return;
        onState('error', error instanceof Error ? error.message : String(error));
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  })();
  return { close: () => controller.abort() };
}
