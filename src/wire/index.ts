// OpenIM's wire, as its Go webhook client speaks it: what the emitter posts and the OpenIM-format sink re-posts.
export * from './callback-url.js';
export * from './message-key-target.js';
export * from './effective-timeout.js';
export * from './new-operation-id.js';
export * from './go-request-headers.js';
export * from './callback-error-kind.js';
export * from './callback-outcome.js';
export * from './create-go-like-agent.js';
export * from './post-result.js';
export * from './go-target.js';
export * from './post-callback.js';
export * from './parse-callback-response.js';
export * from './encoded-callback.js';
export * from './send-callback.js';
export * from './go-decode.js';
