import { CliError, EXIT } from './exit-codes.js';

export const DEFAULT_SERVICE_URL = 'http://127.0.0.1:10006';

export interface ServiceClient {
  readonly url: string;
  /** GET → the JSON answer; undefined for a 404 when `missingOk`. */
  get<T>(path: string, query?: Record<string, unknown>, missingOk?: boolean): Promise<T | undefined>;
  post<T>(path: string, query?: Record<string, unknown>): Promise<T>;
  /** Follows a Server-Sent Events stream; resolves when it ends, or never while it lasts. */
  stream(path: string, query: Record<string, unknown>, onData: (data: string) => void): Promise<void>;
}

function search(query: Record<string, unknown> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * The running service's API, as the CLI asks it: `--url` (default `OPENIM_HOOKS_URL`, then 127.0.0.1:10006), the
 * bearer token from `OPENIM_HOOKS_API_TOKEN` (an environment variable, so it never shows in the process list).
 */
export function serviceClient(url: string, token: string | undefined): ServiceClient {
  const base = url.replace(/\/+$/, '');
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};

  async function call(method: string, path: string, query?: Record<string, unknown>): Promise<Response> {
    try {
      return await fetch(`${base}${path}${search(query)}`, { method, headers });
    } catch (error) {
      const cause =
        error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new CliError(
        `cannot reach the service at ${base} (${cause}): start it with \`openim-hooks serve\`, pass --url, or read a database file with --database`,
        EXIT.UNREACHABLE,
      );
    }
  }

  async function answer<T>(response: Response, missingOk: boolean): Promise<T | undefined> {
    const body = (await response.json().catch(() => ({}))) as {
      errCode?: number;
      errMsg?: string;
      errDlt?: string;
    };
    if (response.ok) return body as T;
    if (response.status === 404 && missingOk) return undefined;
    const hint =
      body.errCode === 29013 ? " (set OPENIM_HOOKS_API_TOKEN to one of the service's apiTokens)" : '';
    throw new CliError(
      `the service answered ${response.status}: ${body.errMsg ?? ''}${body.errDlt ? `: ${body.errDlt}` : ''} (errCode ${body.errCode ?? '?'})${hint}`,
      EXIT.FAILED,
    );
  }

  return {
    url: base,
    async get<T>(path: string, query?: Record<string, unknown>, missingOk = false) {
      return answer<T>(await call('GET', path, query), missingOk);
    },
    async post<T>(path: string, query?: Record<string, unknown>) {
      return (await answer<T>(await call('POST', path, query), false)) as T;
    },
    async stream(path, query, onData) {
      const response = await call('GET', path, query);
      if (!response.ok || !response.body) await answer(response, false);
      const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) return;
        buffer += chunk.value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const data = /^data: (.*)$/m.exec(buffer.slice(0, end))?.[1];
          buffer = buffer.slice(end + 2);
          if (data !== undefined) onData(data);
        }
      }
    },
  };
}
