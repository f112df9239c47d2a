export * from './store.js';
export { isPostgresUrl, migrateDatabase, openStore } from './open-store.js';
export { openSqliteStore } from './sqlite/sqlite-store.js';
export { openPostgresStore } from './postgres/postgres-store.js';
export { redactDatabase } from './redact-database.js';
export { InvalidCursorError } from './page-query.js';
export { defined } from './defined.js';
export * from './spool/index.js';
export { sinkEventId, SINK_EVENT_ID } from './event-id.js';
