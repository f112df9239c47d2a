/**
 * JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of everything the API answers, in the protocol's own JSON names.
 * Closed (`additionalProperties: false`): a field the answers grow without the document failing the OpenAPI test.
 */
const string = { type: 'string' } as const;
const integer = { type: 'integer' } as const;
const time = { type: 'string', format: 'date-time' } as const;
const nullable = (schema: object) => ({ oneOf: [schema, { type: 'null' }] });

function closed(properties: Record<string, object>, optional: readonly string[] = []) {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((key) => !optional.includes(key)),
    additionalProperties: false,
  } as const;
}

const page = (item: string) =>
  closed({
    items: { type: 'array', items: { $ref: `#/components/schemas/${item}` } },
    nextCursor: nullable(string),
  });

const delivery = {
  id: integer,
  eventId: integer,
  sink: string,
  status: { enum: ['pending', 'delivered', 'dead'] },
  attempts: integer,
  nextAttemptAt: nullable(time),
  lastError: nullable(string),
  createdAt: time,
  settledAt: nullable(time),
};

const event = {
  id: integer,
  eventId: { type: 'string', pattern: '^evt_[0-9a-f]{32}$' },
  callbackCommand: string,
  kind: { enum: ['before', 'after'] },
  operationID: string,
  receivedAt: time,
  idempotencyKey: string,
  warnings: { type: 'array', items: string },
  invalid: {
    type: 'boolean',
    description: "well formed but not of OpenIM's Go types: kept, with its fieldErrors",
  },
  fieldErrors: {
    type: 'array',
    items: closed(
      {
        field: string,
        kind: { enum: ['missing', 'type', 'range', 'undocumented', 'not-applied'] },
        reason: string,
      },
      ['kind'],
    ),
  },
  rawBody: { ...string, description: 'the body exactly as received, trailing newline included' },
  payload: { description: 'the body parsed' },
};

export const SCHEMAS = {
  Error: closed({
    errCode: { type: 'integer', not: { const: 0 } },
    errMsg: string,
    errDlt: { ...string, description: 'which parameter or field, and why' },
  }),
  ResponsePackage: {
    type: 'object',
    description: "OpenIM's response package; before-callbacks may carry override fields",
    properties: { actionCode: integer, errCode: integer, errMsg: string, errDlt: string, nextCode: integer },
    required: ['actionCode', 'errCode', 'errMsg', 'errDlt', 'nextCode'],
  },
  Conversation: closed({
    ownerUserId: string,
    conversationId: string,
    conversationType: integer,
    userId: string,
    groupId: string,
    recvMsgOpt: integer,
    isPinned: { type: 'boolean' },
    isPrivateChat: { type: 'boolean' },
    burnDuration: integer,
    groupAtType: integer,
    attachedInfo: string,
    ex: string,
    firstSeenAt: time,
    lastSeenAt: time,
    timesSeen: integer,
    lastCommand: string,
    lastEventId: integer,
  }),
  ConversationPage: page('Conversation'),
  Event: closed(event),
  EventPage: page('Event'),
  Attempt: closed({
    id: integer,
    deliveryId: integer,
    eventId: integer,
    sink: string,
    startedAt: time,
    durationMs: integer,
    result: { enum: ['delivered', 'failed', 'unavailable', 'gone', 'undeliverable'] },
    httpStatus: nullable(integer),
    error: nullable(string),
    responseExcerpt: nullable(string),
  }),
  AttemptPage: page('Attempt'),
  Delivery: closed(delivery),
  DeliveryPage: page('Delivery'),
  EventDetail: closed({
    ...event,
    answer: closed({ status: integer, body: string, answeredAt: nullable(time) }),
    deliveries: {
      type: 'array',
      items: closed({
        ...delivery,
        history: { type: 'array', items: { $ref: '#/components/schemas/Attempt' } },
      }),
    },
  }),
  CommandList: closed({
    items: {
      type: 'array',
      items: closed({
        callbackCommand: string,
        count: integer,
        invalid: integer,
        firstSeenAt: time,
        lastSeenAt: time,
      }),
    },
  }),
  MinuteCounts: closed({
    since: time,
    items: { type: 'array', items: closed({ minute: time, callbackCommand: string, count: integer }) },
  }),
  SinkList: closed({
    items: {
      type: 'array',
      items: closed(
        {
          name: string,
          kind: { enum: ['http', 'openim', 'nats', 'redis'] },
          target: string,
          state: { enum: ['active', 'backing-off', 'disabled'] },
          inFlight: integer,
          lastError: nullable(string),
          lastErrorAt: nullable(time),
          backlog: integer,
          oldestPendingAgeMs: nullable(integer),
          delivered: integer,
          dead: integer,
          unsigned: { type: 'boolean' },
          generatedSecret: { type: 'string', pattern: '^whsec_' },
        },
        ['generatedSecret'],
      ),
    },
  }),
  Replayed: closed({ replayed: integer }),
  Retried: closed({ retried: integer }),
  Enabled: closed({ name: string, state: { enum: ['active', 'backing-off', 'disabled'] } }),
  Health: closed({ status: { const: 'ok' } }),
  Readiness: {
    type: 'object',
    description:
      'ready; degraded (PostgreSQL unreachable: callbacks go to the spool; reads trail the acknowledged callbacks by more than maxProjectionLagSeconds; the projection fails; the disk is nearly full and its reserve released); unavailable (503: no callback can be recorded, the reason says why)',
    properties: {
      status: { enum: ['ready', 'degraded', 'unavailable'] },
      spoolDepth: integer,
      projectionLag: closed({ events: integer, seconds: { type: 'number' } }),
      disk: closed({ freeBytes: { type: 'number' }, reserveReleased: { type: 'boolean' } }),
      reason: string,
    },
    required: ['status'],
  },
} as const;
