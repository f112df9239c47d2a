export { createReceiver } from './create-receiver.js';
export type { Admitted, Receiver, ReceiverOptions } from './create-receiver.js';
export * from './auth/index.js';
export { continueWith, reject } from './handlers.js';
export type {
  AnyCallbackEvent,
  CallbackError,
  CallbackEvent,
  CallbackHandler,
  CallbackHandlers,
  ContinueDecision,
  Decision,
  RejectDecision,
} from './handlers.js';
export { toNodeListener, handleNodeRequest, writeRawResponse } from './node-adapter.js';
export type { AdapterOptions } from './node-adapter.js';
export { toFetchHandler } from './web-adapter.js';
export type { Outcome, RawRequest, RawResponse } from './raw-exchange.js';
export { receiveCallback } from './receive-callback.js';
export type { BodyRead, AdapterRequest } from './adapter-request.js';
export { normaliseBasePath, routeCallback } from './route-callback.js';
export { keepRawBody, toExpressMiddleware } from './express-adapter.js';
export type { ExpressLikeRequest } from './express-adapter.js';
export { fastifyOpenimHooks } from './fastify-adapter.js';
