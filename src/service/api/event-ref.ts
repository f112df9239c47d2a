import { SINK_EVENT_ID } from '../../store/index.js';
import type { Store } from '../../store/index.js';
import { QueryError } from '../query-params.js';
import type { QueryParams } from '../query-params.js';

/**
 * The numeric id of an event named either way: its numeric id, or the `evt_…` id sinks send (webhook-id,
 * Nats-Msg-Id, Openim-Hooks-Event-Id). Undefined when no event has it; a QueryError when it is neither shape.
 */
export async function resolveEventRef(store: Store, ref: string, name: string): Promise<number | undefined> {
  if (/^\d{1,15}$/.test(ref) && Number(ref) >= 1) return Number(ref);
  if (SINK_EVENT_ID.test(ref)) return store.findEventId(ref);
  throw new QueryError(`${name} must be a numeric event id or evt_ followed by 32 hex digits`);
}

/**
 * The `eventId` filter of a list, numeric or `evt_…`: undefined when not given, 0 (matches nothing) when no event has
 * that evt_ id.
 */
export async function eventIdFilter(store: Store, query: QueryParams): Promise<number | undefined> {
  const ref = query.string('eventId');
  return ref === undefined ? undefined : ((await resolveEventRef(store, ref, 'eventId')) ?? 0);
}
