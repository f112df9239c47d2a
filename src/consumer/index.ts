/**
 * For business servers downstream of openim-hooks' sinks: verify and parse what the HTTP sink posts, and read the
 * NATS and Redis sinks' messages, each typed by its callback command. Loads no driver.
 */
export * from './verify-webhook.js';
export * from './parse-envelope.js';
export * from './receive-webhook.js';
export * from './broker-messages.js';
