export { createSpoolingRecorder } from './spooling-recorder.js';
export type {
  SpoolingRecorder,
  SpoolingRecorderOptions,
  SpoolLogger,
  SpoolStatus,
} from './spooling-recorder.js';
export { openSpool } from './open-spool.js';
export type { Spool, SpooledCallback } from './open-spool.js';
export { DatabaseTimeoutError, isConnectionError } from './is-connection-error.js';
