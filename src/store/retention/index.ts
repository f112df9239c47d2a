export * from './retention-policy.js';
export * from './prune-counts.js';
export * from './expired-rows.js';
export * from './prune-report.js';
export { PRUNE_SQL, PRUNE_BATCH } from './prune-sql.js';
