import { existsSync } from 'node:fs';
import { isPostgresUrl, openStore } from '../store/index.js';
import type {
  CommandStats,
  ConversationFilter,
  ConversationRecord,
  EventFilter,
  EventRecord,
  Page,
  Store,
} from '../store/index.js';
import { eventDetail } from '../service/api/event-detail.js';
import type { EventDetail } from '../service/api/event-detail.js';
import { resolveEventRef } from '../service/api/event-ref.js';
import { createEventFeed } from '../service/event-feed/event-feed.js';
import { matches } from '../service/event-feed/stream-events.js';
import type { StreamFilter } from '../service/event-feed/stream-events.js';
import { QueryError } from '../service/query-params.js';
import { CliError, EXIT } from './exit-codes.js';
import type { ServiceClient } from './service-client.js';

export interface ReplayRequest {
  /** Numeric or `evt_…`. */
  event?: string;
  from?: number;
  to?: number;
  dead?: boolean;
  sink?: string;
}

/** Where the read commands get their answers: the running service (the default), or a database file. */
export interface ReadSource {
  listConversations(filter: ConversationFilter): Promise<Page<ConversationRecord>>;
  getConversation(ownerUserId: string, conversationId: string): Promise<ConversationRecord | undefined>;
  listEvents(filter: EventFilter): Promise<Page<EventRecord>>;
  getEvent(ref: string): Promise<EventDetail | undefined>;
  listCommands(): Promise<CommandStats[]>;
  sinks(): Promise<Record<string, unknown>[]>;
  replay(request: ReplayRequest): Promise<number>;
  retry(sink: string): Promise<number>;
  enable(sink: string): Promise<string>;
  /** Calls `onEvent` with each new event (after the `backlog` newest) until the process ends. */
  follow(filter: StreamFilter, backlog: number, onEvent: (event: EventRecord) => void): Promise<void>;
  close(): Promise<void>;
}

const queryOf = (filter: object) =>
  Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as Record<string, unknown>;

/** The service's API (`--url`). */
export function apiSource(client: ServiceClient): ReadSource {
  return {
    listConversations: async (filter) =>
      (await client.get<Page<ConversationRecord>>(
        '/api/v1/conversations',
        queryOf(filter),
      )) as Page<ConversationRecord>,
    getConversation: (owner, id) =>
      client.get<ConversationRecord>(
        `/api/v1/conversations/${encodeURIComponent(owner)}/${encodeURIComponent(id)}`,
        {},
        true,
      ),
    listEvents: async (filter) =>
      (await client.get<Page<EventRecord>>('/api/v1/events', queryOf(filter))) as Page<EventRecord>,
    getEvent: (ref) => client.get<EventDetail>(`/api/v1/events/${encodeURIComponent(ref)}`, {}, true),
    listCommands: async () =>
      ((await client.get<{ items: CommandStats[] }>('/api/v1/commands'))?.items ?? []) as CommandStats[],
    sinks: async () => (await client.get<{ items: Record<string, unknown>[] }>('/api/v1/sinks'))?.items ?? [],
    replay: async (r) =>
      (
        await client.post<{ replayed: number }>(
          '/api/v1/replay',
          queryOf({
            eventId: r.event,
            receivedAfter: r.from,
            receivedBefore: r.to,
            dead: r.dead ? 'true' : undefined,
            sink: r.sink,
          }),
        )
      ).replayed,
    retry: async (sink) =>
      (await client.post<{ retried: number }>(`/api/v1/sinks/${encodeURIComponent(sink)}/retry`)).retried,
    enable: async (sink) =>
      (await client.post<{ state: string }>(`/api/v1/sinks/${encodeURIComponent(sink)}/enable`)).state,
    follow: (filter, backlog, onEvent) =>
      client.stream('/api/v1/events/stream', queryOf({ ...filter, backlog }), (data) =>
        onEvent(JSON.parse(data) as EventRecord),
      ),
    close: async () => undefined,
  };
}

/**
 * A database file or URL (`--database`). A read never creates a database: a missing SQLite file is an error naming
 * the path (a typo would otherwise make an empty database and answer "nothing arrived").
 */
export function storeSource(database: string): ReadSource {
  if (!isPostgresUrl(database) && !existsSync(database)) {
    throw new CliError(`no database at ${database} (check --database; \`serve\` creates it)`, EXIT.USAGE);
  }
  // It reads beside a running service: it records nothing, so it leaves the service's inbox alone.
  const store: Store = openStore(database, { records: false });
  const ref = async (value: string) => {
    try {
      return await resolveEventRef(store, value, 'event');
    } catch (error) {
      if (error instanceof QueryError) throw new CliError(error.message, EXIT.USAGE);
      throw error;
    }
  };
  return {
    listConversations: (filter) => store.listConversations(filter),
    getConversation: (owner, id) => store.getConversation(owner, id),
    listEvents: (filter) => store.listEvents(filter),
    getEvent: async (value) => {
      const id = await ref(value);
      return id === undefined ? undefined : eventDetail(store, id);
    },
    listCommands: () => store.listCommands(),
    async sinks() {
      const now = Date.now();
      return Promise.all(
        (await store.sinkNames()).map(async (name) => {
          const backlog = await store.sinkBacklog(name);
          return {
            name,
            backlog: backlog.pending,
            oldestPendingAgeMs: backlog.oldestPendingAt === null ? null : now - backlog.oldestPendingAt,
            delivered: backlog.delivered,
            dead: backlog.dead,
          };
        }),
      );
    },
    async replay(r) {
      const eventId = r.event === undefined ? undefined : await ref(r.event);
      if (r.event !== undefined && eventId === undefined)
        throw new CliError(`no event ${r.event}`, EXIT.FAILED);
      return store.replay(
        Object.fromEntries(
          Object.entries({ eventId, from: r.from, to: r.to, dead: r.dead, sink: r.sink }).filter(
            ([, v]) => v !== undefined,
          ),
        ),
      );
    },
    retry: (sink) => store.retryNow({ sink }, Date.now()),
    enable: async () => {
      throw new CliError('enabling a sink is done by the running service: leave out --database', EXIT.USAGE);
    },
    async follow(filter, _backlog, onEvent) {
      const feed = createEventFeed(store);
      await feed.subscribe((event) => {
        if (matches(event, filter)) onEvent(event);
      });
      await new Promise(() => undefined); // until the process is stopped
    },
    close: () => store.close(),
  };
}
