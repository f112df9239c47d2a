/**
 * Reliable mode of the emitter: a composition of the emitter, the store and the sync relay (it may import all three,
 * like the service). A separate entry point, so that `openim-hooks/emitter` never loads a database driver.
 */
export * from './reliable-mode.js';
export type { BackoffOptions } from './exponential-schedule.js';
/** @deprecated use `reliableMode` (the name of the earlier release). */
export { reliableMode as reliableDelivery } from './reliable-mode.js';
