/**
 * The embeddable library: the wire contract and the receiver. No database driver is imported from here; the store
 * (`openim-hooks/store`) and the service (`openim-hooks/service`) are separate entry points.
 */
export * from './protocol/index.js';
export * from './receiver/index.js';
