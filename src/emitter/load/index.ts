export * from './load-types.js';
export * from './run-load.js';
export * from './format-load-report.js';
