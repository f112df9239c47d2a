import { COMMANDS, ERROR_CODES } from '../../protocol/index.js';
import type { ErrorName } from '../../protocol/index.js';
import { SCHEMAS } from './openapi-schemas.js';

type Param = { name: string; in?: 'query' | 'path' | 'header'; schema?: object; description: string };

const ref = (name: keyof typeof SCHEMAS) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });

/** The errors every API route may answer, each with the registry's HTTP status. */
const API_ERRORS: readonly ErrorName[] = [
  'INVALID_QUERY',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'STORAGE_UNAVAILABLE',
  'PROJECTION_BEHIND',
  'INTERNAL_ERROR',
];

function errorResponses(names: readonly ErrorName[], schema: object = ref('Error')) {
  const byStatus = new Map<number, string[]>();
  for (const name of names) {
    const { status, errCode } = ERROR_CODES[name];
    byStatus.set(status, [...(byStatus.get(status) ?? []), `${errCode} ${name}`]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => [
      String(status),
      { description: `errCode ${codes.join(', ')}`, content: json(schema) },
    ]),
  );
}

function operation(summary: string, params: readonly Param[], ok: object, okDescription = 'OK') {
  return {
    summary,
    security: [{}, { bearer: [] }],
    parameters: [...params, CONSISTENT].map((p) => ({
      name: p.name,
      in: p.in ?? 'query',
      required: p.in === 'path',
      description: p.description,
      schema: p.schema ?? { type: 'string' },
    })),
    responses: { '200': { description: okDescription, content: ok }, ...errorResponses(API_ERRORS) },
  };
}

const TIME = { type: 'string', description: 'ISO 8601 or epoch milliseconds' };
/** Every route takes it: reads trail the acknowledgements by the projection lag unless they wait. */
const CONSISTENT: Param = {
  name: 'consistent',
  schema: { enum: ['true', 'false'] },
  description:
    'true: first wait (up to 10 s) until every callback acknowledged before the request is readable',
};
const PAGE: Param[] = [
  {
    name: 'limit',
    schema: { type: 'integer', minimum: 1, maximum: 1000 },
    description: 'rows per page (100)',
  },
  { name: 'cursor', description: 'nextCursor of the previous page' },
  { name: 'order', schema: { enum: ['asc', 'desc'] }, description: 'by arrival (asc)' },
];
const EVENT_REF = {
  type: 'string',
  pattern: '^([1-9][0-9]{0,14}|evt_[0-9a-f]{32})$',
  description: 'numeric id or the evt_ id sinks send',
};
const SINK_NAME: Param = { name: 'name', in: 'path', description: 'sink name' };

/**
 * The OpenAPI 3.1 document of the service: the query and sync API, health, metrics and the callback route at
 * `basePath`. Served at /api/v1/openapi.json; test/openapi.test.ts checks it against the route table and real answers.
 */
export function openapiDocument(basePath: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'openim-hooks',
      version: '1',
      description:
        'Receive, record and forward OpenIM callbacks. On loopback the API is open (Host and Origin checked); ' +
        'elsewhere it wants `Authorization: Bearer <token>` (apiTokens). Writes (POST) must be same-origin.',
    },
    components: {
      schemas: SCHEMAS,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
    paths: {
      '/api/v1/conversations': {
        get: operation(
          'Conversations, latest values per owner and conversation',
          [
            { name: 'ownerUserId', description: 'owner ("" for groups)' },
            { name: 'userId', description: 'peer of a single chat' },
            { name: 'groupId', description: 'group' },
            { name: 'conversationId', description: 'si_…, sn_…, sg_…' },
            { name: 'conversationType', schema: { type: 'integer' }, description: '1, 3 or 4' },
            { name: 'seenAfter', schema: TIME, description: 'last seen at or after' },
            { name: 'seenBefore', schema: TIME, description: 'last seen before' },
            ...PAGE,
          ],
          json(ref('ConversationPage')),
        ),
      },
      '/api/v1/conversations/{ownerUserId}/{conversationId}': {
        get: operation(
          'One conversation (groups: empty owner, //sg_<groupId>)',
          [
            { name: 'ownerUserId', in: 'path', description: 'owner, empty for groups' },
            { name: 'conversationId', in: 'path', description: 'conversation id' },
          ],
          json(ref('Conversation')),
        ),
      },
      '/api/v1/events': {
        get: operation(
          'The event log, each event with its exact body',
          [
            { name: 'command', description: 'callbackCommand' },
            { name: 'operationID', description: "OpenIM's operationID header" },
            { name: 'receivedAfter', schema: TIME, description: 'received at or after' },
            { name: 'receivedBefore', schema: TIME, description: 'received before' },
            ...PAGE,
          ],
          json(ref('EventPage')),
        ),
      },
      '/api/v1/events/stream': {
        get: operation(
          'New events as Server-Sent Events: `event: callback`, `id:` the numeric id, `data:` the event JSON',
          [
            { name: 'command', description: 'only this callbackCommand' },
            { name: 'ownerUserId', description: 'only payloads with this ownerUserId' },
            { name: 'conversationId', description: 'only payloads with this conversationId' },
            {
              name: 'backlog',
              schema: { type: 'integer', minimum: 0, maximum: 1000 },
              description: 'first send the N newest matching events',
            },
            { name: 'Last-Event-ID', in: 'header', description: 'resume after this event id' },
          ],
          { 'text/event-stream': { schema: { type: 'string' } } },
        ),
      },
      '/api/v1/events/{eventId}': {
        get: operation(
          'One event: body, warnings, the answer it got, its deliveries and their attempts',
          [{ name: 'eventId', in: 'path', schema: EVENT_REF, description: 'numeric or evt_ id' }],
          json(ref('EventDetail')),
        ),
      },
      '/api/v1/commands': {
        get: operation('Each command received: count, first and last seen', [], json(ref('CommandList'))),
      },
      '/api/v1/stats/minutes': {
        get: operation(
          'Callbacks per minute and command',
          [{ name: 'since', schema: TIME, description: 'from (default 3 hours ago, at most 24)' }],
          json(ref('MinuteCounts')),
        ),
      },
      '/api/v1/sinks': {
        get: operation(
          'Each relayed sink: state, backlog, oldest pending age, last error',
          [],
          json(ref('SinkList')),
        ),
      },
      '/api/v1/sinks/{name}/retry': {
        post: operation(
          "Make the sink's held deliveries due now (attempts kept)",
          [SINK_NAME, { name: 'deliveryId', schema: { type: 'integer' }, description: 'only this one' }],
          json(ref('Retried')),
        ),
      },
      '/api/v1/sinks/{name}/enable': {
        post: operation('Enable again a sink that a 410 disabled', [SINK_NAME], json(ref('Enabled'))),
      },
      '/api/v1/deliveries': {
        get: operation(
          'Deliveries (the outbox)',
          [
            { name: 'status', schema: { enum: ['pending', 'delivered', 'dead'] }, description: 'status' },
            { name: 'sink', description: 'sink name' },
            { name: 'eventId', schema: EVENT_REF, description: "one event's" },
            ...PAGE,
          ],
          json(ref('DeliveryPage')),
        ),
      },
      '/api/v1/attempts': {
        get: operation(
          'The attempt history',
          [
            { name: 'sink', description: 'sink name' },
            { name: 'deliveryId', schema: { type: 'integer' }, description: "one delivery's" },
            { name: 'eventId', schema: EVENT_REF, description: "one event's" },
            ...PAGE,
          ],
          json(ref('AttemptPage')),
        ),
      },
      '/api/v1/replay': {
        post: operation(
          'Send again: one event, a time range, or every dead letter (fresh attempts)',
          [
            { name: 'eventId', schema: EVENT_REF, description: 'one event' },
            { name: 'receivedAfter', schema: TIME, description: 'events received at or after' },
            { name: 'receivedBefore', schema: TIME, description: 'events received before' },
            { name: 'dead', schema: { const: 'true' }, description: 'every dead letter' },
            { name: 'sink', description: 'only this sink' },
          ],
          json(ref('Replayed')),
        ),
      },
      '/api/v1/openapi.json': {
        get: operation('This document', [], json({ type: 'object' })),
      },
      '/healthz': {
        get: {
          summary: 'The process is up',
          responses: { '200': { description: 'up', content: json(ref('Health')) } },
        },
      },
      '/readyz': {
        get: {
          summary: 'The store commits a write right now',
          responses: {
            '200': { description: 'ready or degraded', content: json(ref('Readiness')) },
            '503': { description: 'nothing can commit', content: json(ref('Readiness')) },
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          security: [{}, { bearer: [] }],
          responses: {
            '200': {
              description: 'exposition format',
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
            ...errorResponses(['UNAUTHORIZED']),
          },
        },
      },
      [`${basePath}/{callbackCommand}`]: {
        post: {
          summary: "A callback, as OpenIM posts it (OpenIM's `url` + '/' + command)",
          parameters: [
            {
              name: 'callbackCommand',
              in: 'path',
              required: true,
              schema: { enum: COMMANDS.map((c) => c.command) },
            },
          ],
          requestBody: { required: true, content: json({ type: 'object' }) },
          responses: {
            '200': { description: 'recorded (or a handler decided)', content: json(ref('ResponsePackage')) },
            ...errorResponses(Object.keys(ERROR_CODES) as ErrorName[], ref('ResponsePackage')),
          },
        },
      },
    },
  };
}
