export { createReceiver } from './create-receiver.js';
export type { Receiver, ReceiverOptions } from './create-receiver.js';
export { continueWith, reject } from './handlers.js';
export type { CallbackEvent, CallbackHandlers, Decision } from './handlers.js';
export { toNodeListener, handleNodeRequest, writeRawResponse } from './node-adapter.js';
export type { AdapterOptions } from './node-adapter.js';
export { toFetchHandler } from './web-adapter.js';
export type { Outcome, RawRequest, RawResponse } from './raw-exchange.js';
export { normaliseBasePath, routeCallback } from './route-callback.js';
